export * from './lib/topics';
export * from './lib/records';
export * from './lib/messages';
