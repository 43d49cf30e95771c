import { IHeaders, Kafka, Producer, RecordMetadata } from 'kafkajs';
import { createProducer } from './kafka-client';
import { KafkaSettings } from './kafka-settings';
import { TopicName } from './topics';

export interface OutgoingRecord {
  key: string;
  /**
   * Chooses the partition instead of `key` (same murmur2 hash), so that records with different
   * compaction keys of one aggregate (e.g. an entity and its drafts) stay in order together.
   */
  partitionKey?: string;
  value: Buffer | string | null;
  headers?: IHeaders;
  /** Milliseconds since the epoch, as a string (Kafka's record timestamp). */
  timestamp?: string;
}

export interface TopicRecords {
  topic: TopicName;
  records: OutgoingRecord[];
}

/**
 * Writes records to manifest topics. Every promise resolves only once the broker acknowledged
 * with the configured acks, so callers can acknowledge upstream (or commit offsets) after it.
 */
export class KafkaProducer {
  private readonly producer: Producer;
  private readonly acks: number;

  constructor(
    kafka: Kafka,
    private readonly settings: KafkaSettings,
  ) {
    this.producer = createProducer(kafka, settings);
    this.acks = settings.acks === 'all' ? -1 : 1;
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  emit(topic: TopicName, records: OutgoingRecord[]): Promise<RecordMetadata[]> {
    return this.producer.send({
      topic,
      acks: this.acks,
      timeout: this.settings.requestTimeoutMs,
      messages: records,
    });
  }

  /** Several topics in one produce round trip. */
  emitMany(batches: TopicRecords[]): Promise<RecordMetadata[]> {
    return this.producer.sendBatch({
      acks: this.acks,
      timeout: this.settings.requestTimeoutMs,
      topicMessages: batches.map((b) => ({
        topic: b.topic,
        messages: b.records,
      })),
    });
  }

  /** kafkajs events (connect, disconnect, request timeouts) for health checks and metrics. */
  get events(): Producer['events'] {
    return this.producer.events;
  }

  on: Producer['on'] = (...args) => this.producer.on(...args);
}
