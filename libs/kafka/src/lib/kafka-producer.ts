import type { Producer } from 'kafkajs';
import { createProducer, KafkaClient } from './kafka-client';
import { OutgoingRecord, TopicName } from '@fenx/kafka-contracts';
import {
  explainKafkaError,
  isAuthorizationError,
  KafkaSettings,
  kafkaSettingProblem,
} from './kafka-settings';

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
    await this.emitMany([{ topic, records }]);
  }

  /**
   * Several topics in one produce round trip, or in several when the records are more than a request
   * may carry: kafkajs puts all of a partition's records into one batch, and a broker refuses a batch
   * over its `message.max.bytes` (1 MB by default, on MSK too) for good. The parts go one after the
   * other, in order; if one fails the promise rejects (what went before may be stored twice on a retry,
   * nothing is acknowledged unstored).
   */
  async emitMany(batches: TopicRecords[]): Promise<void> {
    for (const part of requestParts(batches, this.settings.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES)) {
      try {
        await this.producer.sendBatch({
          acks: this.acks,
          timeout: this.settings.requestTimeoutMs,
          topicMessages: part.map((b) => ({ topic: b.topic, messages: b.records })),
        });
      } catch (err) {
        // A denied write says which principal; any other failure is passed on as it is.
        throw isAuthorizationError(err) ? explainKafkaError(this.settings, err) : err;
      }
    }
  }
}

/** Below Kafka's default `message.max.bytes` (1,048,588) with room for batch and request overhead. */
export const DEFAULT_MAX_REQUEST_BYTES = 900 * 1024;

/** What a record weighs in a request: key, value, headers and per-record overhead. */
function recordBytes(r: OutgoingRecord): number {
  let n = 64 + Buffer.byteLength(r.key ?? '') + (r.value === null ? 0 : Buffer.byteLength(r.value));
  for (const [k, v] of Object.entries(r.headers ?? {})) {
    n +=
      Buffer.byteLength(k) +
      (v === undefined
        ? 0
        : Array.isArray(v)
          ? v.reduce((m, x) => m + Buffer.byteLength(x), 0)
          : Buffer.byteLength(v));
  }
  return n;
}

/**
 * Splits batches into requests of at most `maxBytes` (a record larger than that goes alone), keeping
 * each topic's records in order.
 */
export function requestParts(batches: TopicRecords[], maxBytes: number): TopicRecords[][] {
  const parts: TopicRecords[][] = [];
  let current: TopicRecords[] = [];
  let size = 0;
  for (const batch of batches) {
    for (const record of batch.records) {
      const bytes = recordBytes(record);
      if (size > 0 && size + bytes > maxBytes) {
        parts.push(current);
        current = [];
        size = 0;
      }
      const last = current[current.length - 1];
      if (last && last.topic === batch.topic) last.records.push(record);
      else current.push({ topic: batch.topic, records: [record] });
      size += bytes;
    }
  }
  if (current.length > 0) parts.push(current);
  return parts;
}
