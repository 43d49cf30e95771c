export * from './lib/config.module';
