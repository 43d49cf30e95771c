export * from './lib/validate-env';
export * from './lib/env-decorators';
