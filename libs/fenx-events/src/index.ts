export * from './lib/event-types';
export * from './lib/relative-url';
export * from './lib/notification';
export * from './lib/notification-validator';
export * from './lib/partition-key';
