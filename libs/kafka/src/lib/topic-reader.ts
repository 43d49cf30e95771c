import { randomUUID } from 'node:crypto';
import { IHeaders, Kafka } from 'kafkajs';
import { createConsumer } from './kafka-client';
import { retryRetriable } from './retriable';

/** One record as read back from a topic. */
export interface ReadRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: IHeaders;
  /** Kafka's record timestamp (ms since the epoch, as a string). */
  timestamp: string;
}

export interface ReadTopicOptions {
  /** Gives up (rejecting) when the end is not reached in time. Default 60 s. */
  timeoutMs?: number;
  /** Called for each record instead of collecting them (for topics too big to hold). */
  onRecord?: (record: ReadRecord) => void;
}

/**
 * Reads a topic from the beginning up to the high watermarks noted at the start, with a
 * throw-away consumer group that commits nothing: for checks, reports and admin commands that
 * need "everything in the topic now". Records produced after the start may or may not be seen.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  options: ReadTopicOptions = {},
): Promise<ReadRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  let open: Set<number>;
  try {
    const offsets = await retryRetriable(`offsets of ${topic}`, () => admin.fetchTopicOffsets(topic));
    ends = new Map(offsets.map((o) => [o.partition, BigInt(o.high)] as [number, bigint]));
    // A partition whose records retention already deleted (low = high) has nothing to wait for.
    open = new Set(offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => o.partition));
  } finally {
    await admin.disconnect();
  }
  const records: ReadRecord[] = [];
  if (open.size === 0) return records;

  const consumer = createConsumer(kafka, `fenx-reader-${randomUUID()}`);
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        const end = ends.get(batch.partition) ?? 0n;
        for (const m of batch.messages) {
          if (BigInt(m.offset) >= end) break;
          const record: ReadRecord = {
            topic,
            partition: batch.partition,
            offset: m.offset,
            key: m.key ? m.key.toString('utf8') : null,
            value: m.value,
            headers: m.headers ?? {},
            timestamp: m.timestamp,
          };
          if (options.onRecord) options.onRecord(record);
          else records.push(record);
        }
        const last = batch.messages[batch.messages.length - 1];
        if (last && BigInt(last.offset) + 1n >= end) open.delete(batch.partition);
        if (open.size === 0) finish();
        await heartbeat();
      },
    });
    const timeoutMs = options.timeoutMs ?? 60000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`reading ${topic}: end not reached in ${timeoutMs} ms (${open.size} partitions open)`),
          ),
        timeoutMs,
      );
    });
    await Promise.race([done, timeout]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }
  return records;
}
