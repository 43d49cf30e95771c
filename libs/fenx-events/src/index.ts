export * from './lib/fenx-events';
