export * from './lib/kafka-settings';
export {
  createKafka,
  ensureTopics,
  TopicMismatchError,
  type EnsureTopicsResult,
  type KafkaClient,
  type KafkaClientOptions,
  type KafkaLogCreator,
  type KafkaLogEntry,
  type TopicMismatch,
} from './lib/kafka-client';
export { KafkaProbe, topicExists, topicOffsets, type PartitionOffsets } from './lib/admin';
export * from './lib/kafka-producer';
export * from './lib/chunk-processor';
export * from './lib/batch-consumer';
export * from './lib/read-ahead-consumer';
export * from './lib/consumer-progress';
export {
  readTopic,
  ReadTimeoutError,
  TopicFollower,
  type ReadRecord,
  type ReadTopicOptions,
} from './lib/topic-reader';
export * from './lib/retriable';
export * from './lib/acls';
export {
  consumerGroupLag,
  GroupLagProbe,
  type GroupLagOptions,
  type PartitionLag,
  type TopicLag,
} from './lib/group-lag';
