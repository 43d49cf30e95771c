export * from './kafka-cluster';
export * from './shared-kafka';
