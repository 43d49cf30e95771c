export * from './kafka-cluster';
export * from './shared-kafka';
export * from './connect-worker';
