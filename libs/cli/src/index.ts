export * from './lib/table';
export * from './lib/options';
export * from './lib/program';
export * from './lib/progress';
