import { Kafka, KafkaMessage } from 'kafkajs';
import { createConsumer } from '@fenx/kafka';
import { CliError, EXIT } from './errors';

export interface ReadRecord {
  partition: number;
  message: KafkaMessage;
}

export interface ReadOptions {
  kafka: Kafka;
  topic: string;
  groupId: string;
  /**
   * Start from the group's committed offsets and commit after each handled batch (replay: a second
   * run continues where the first stopped). Without it the group commits nothing and every run reads
   * the topic from its start.
   */
  commit: boolean;
  /** Start at the beginning of every partition even when the group has committed offsets. */
  fromStart?: boolean;
  /** Stop after this many records. */
  limit?: number;
  timeoutMs: number;
  /** Called with each batch's records in offset order; the batch is committed after it resolves. */
  onRecords: (records: ReadRecord[]) => Promise<void>;
}

export interface ReadSummary {
  read: number;
  /** Per partition, the high watermark noted at start that the read went up to. */
  targets: Record<number, string>;
}

/**
 * Reads a topic up to the high watermarks noted at start (what arrives later waits for the next run).
 * kafkajs has no manual partition assignment, so a consumer group is used.
 */
export async function readToEnd(options: ReadOptions): Promise<ReadSummary> {
  const { kafka, topic, groupId } = options;
  const admin = kafka.admin();
  await admin.connect();
  let starts: Map<number, bigint>;
  let targets: Map<number, bigint>;
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic))
      throw new CliError(`Topic ${topic} does not exist on this cluster.`, EXIT.notFound);
    const offsets = await admin.fetchTopicOffsets(topic);
    targets = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
    starts = new Map(offsets.map((o) => [o.partition, BigInt(o.low)]));
    if (options.commit && !options.fromStart) {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      for (const p of committed?.partitions ?? []) {
        const at = BigInt(p.offset);
        if (at >= 0n && at > (starts.get(p.partition) ?? 0n)) starts.set(p.partition, at);
      }
    }
  } finally {
    await admin.disconnect();
  }
  const summary: ReadSummary = {
    read: 0,
    targets: Object.fromEntries([...targets].map(([p, o]) => [p, o.toString()])),
  };
  const pending = new Set([...targets].filter(([p, high]) => (starts.get(p) ?? 0n) < high).map(([p]) => p));
  if (pending.size === 0 || options.limit === 0) return summary;

  const next = new Map([...starts]);
  // Short fetch waits: a one-off read should not idle in a long poll once it has what it came for.
  const consumer = createConsumer(kafka, groupId, { maxWaitTimeInMs: 500, sessionTimeout: 10000 });
  let finish: (error?: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = (error) => (error === undefined ? resolve() : reject(error));
  });
  const timer = setTimeout(
    () =>
      finish(
        new CliError(
          `Did not reach the end of ${topic} within ${options.timeoutMs} ms (partitions left: ${[...pending].join(', ')}).`,
          EXIT.kafkaUnavailable,
        ),
      ),
    options.timeoutMs,
  );
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        const high = targets.get(batch.partition) ?? 0n;
        const expected = next.get(batch.partition) ?? 0n;
        // A batch fetched before the seek below took effect starts past the expected offset: skipped.
        if (batch.messages.length > 0 && BigInt(batch.messages[0].offset) > expected) return;
        let records = batch.messages
          .filter((m) => BigInt(m.offset) >= expected && BigInt(m.offset) < high)
          .map((message) => ({ partition: batch.partition, message }));
        if (options.limit !== undefined)
          records = records.slice(0, Math.max(0, options.limit - summary.read));
        if (records.length > 0) {
          try {
            await options.onRecords(records);
          } catch (e) {
            finish(e);
            return;
          }
          summary.read += records.length;
          const after = BigInt(records[records.length - 1].message.offset) + 1n;
          next.set(batch.partition, after);
          if (options.commit)
            await consumer.commitOffsets([{ topic, partition: batch.partition, offset: after.toString() }]);
          if (after >= high) pending.delete(batch.partition);
        } else if (batch.messages.some((m) => BigInt(m.offset) >= high - 1n)) {
          pending.delete(batch.partition);
        }
        await heartbeat();
        if (pending.size === 0 || (options.limit !== undefined && summary.read >= options.limit)) finish();
      },
    });
    // Every partition starts exactly where this read decided (the committed offset, or the start).
    for (const p of pending) consumer.seek({ topic, partition: p, offset: String(starts.get(p) ?? 0n) });
    await done;
    return summary;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}
