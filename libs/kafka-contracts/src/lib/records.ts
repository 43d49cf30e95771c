import type { KafkaHeaders } from './messages/headers';

/** A record to write: what every schema's `*Record()` builder returns and the producer takes. */
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

/** Where a record was read: topic, partition and offset. */
export interface RecordPosition {
  topic: string;
  partition: number;
  offset: string;
}

/** `topic/partition/offset`: how headers and log lines name a record's position. */
export function positionText(p: RecordPosition): string {
  return `${p.topic}/${p.partition}/${p.offset}`;
}

/** The position a `topic/partition/offset` text names, or undefined when it names none. */
export function parsePosition(value: string | undefined): RecordPosition | undefined {
  const m = value ? /^(.+)\/(\d+)\/(\d+)$/.exec(value) : null;
  return m ? { topic: m[1], partition: Number(m[2]), offset: m[3] } : undefined;
}
