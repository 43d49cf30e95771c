export * from './lib/wait-for';
