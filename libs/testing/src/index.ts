export * from './lib/wait-for';
export * from './lib/app-process';
export * from './lib/pushgateway';
export * from './lib/simulator-control';
export * from './lib/stack';
