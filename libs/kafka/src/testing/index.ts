export * from './dev-broker';
