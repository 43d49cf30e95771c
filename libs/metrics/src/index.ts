export * from './lib/buckets';
export * from './lib/metric-name';
export * from './lib/metrics.module';
export * from './lib/pushgateway';
