import type { Producer } from 'kafkajs';
import { createProducer, KafkaClient } from './kafka-client';
import { KafkaHeaders } from './messages/headers';
import {
  explainKafkaError,
  isAuthorizationError,
  KafkaSettings,
  kafkaSettingProblem,
} from './kafka-settings';
import { TopicName } from './topics';

export interface OutgoingRecord {
  key: string;
  /**
   * Chooses the partition instead of `key` (same murmur2 hash), so that records with different
   * compaction keys of one aggregate (e.g. an entity and its drafts) stay in order together.
   */
  partitionKey?: string;
  value: Buffer | string | null;
  headers?: KafkaHeaders;
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
  private isConnected = false;

  constructor(
    kafka: KafkaClient,
    private readonly settings: KafkaSettings,
  ) {
    this.producer = createProducer(kafka, settings);
    this.acks = settings.acks === 'all' ? -1 : 1;
    this.producer.on(this.producer.events.CONNECT, () => (this.isConnected = true));
    this.producer.on(this.producer.events.DISCONNECT, () => (this.isConnected = false));
  }

  /** Whether the producer is connected: from its connect until its disconnect. */
  get connected(): boolean {
    return this.isConnected;
  }

  /**
   * Connects. A broker that is down is waited for (kafkajs's idempotent producer gives up at once
   * when the broker it asks for a producer id is unreachable, as one just killed still is in the
   * metadata for a few seconds); a refused password, an untrusted certificate or a denied producer
   * id fails at once, naming its setting.
   */
  async connect(timeoutMs = 60000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.producer.connect();
        break;
      } catch (err) {
        const retriable = (err as { retriable?: boolean }).retriable === true;
        if (!retriable || kafkaSettingProblem(this.settings, err) !== undefined || Date.now() > deadline) {
          throw explainKafkaError(this.settings, err);
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    this.isConnected = true;
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  async emit(topic: TopicName, records: OutgoingRecord[]): Promise<void> {
    try {
      await this.producer.send({
        topic,
        acks: this.acks,
        timeout: this.settings.requestTimeoutMs,
        messages: records,
      });
    } catch (err) {
      // A denied write says which principal; any other failure is passed on as it is.
      throw isAuthorizationError(err) ? explainKafkaError(this.settings, err) : err;
    }
  }

  /** Several topics in one produce round trip. */
  async emitMany(batches: TopicRecords[]): Promise<void> {
    try {
      await this.producer.sendBatch({
        acks: this.acks,
        timeout: this.settings.requestTimeoutMs,
        topicMessages: batches.map((b) => ({
          topic: b.topic,
          messages: b.records,
        })),
      });
    } catch (err) {
      // A denied write says which principal; any other failure is passed on as it is.
      throw isAuthorizationError(err) ? explainKafkaError(this.settings, err) : err;
    }
  }
}
