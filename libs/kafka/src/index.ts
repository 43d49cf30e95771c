export * from './lib/topics';
export * from './lib/kafka-settings';
export * from './lib/kafka-client';
export * from './lib/kafka-producer';
export * from './lib/batch-consumer';
export * from './lib/messages';
export * from './lib/topic-reader';
export * from './lib/retriable';
