export * from './lib/wait-for';
export * from './lib/app-process';
