export * from './dev-broker';
export * from './kafka-cluster';
