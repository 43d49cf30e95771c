export * from './lib/logging-settings';
export * from './lib/pino-options';
export * from './lib/logging.module';
export * from './lib/kafka-log-creator';
