export * from './lib/metrics.module';
