import { randomUUID } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { groupOffsets, partitionOffsets } from './admin';
import type { ConsumerProgress } from './consumer-progress';
import { createConsumer, type KafkaClient, kafkajs } from './kafka-client';

/** Where a consumer group stands on one partition. */
export interface PartitionLag {
  partition: number;
  /** The group's committed offset (absent: it never committed on this partition). */
  committed?: string;
  low: string;
  high: string;
  /** Records the group has yet to process: high − max(committed, low). */
  lag: number;
}

/** Where a consumer group stands on one topic. */
export interface TopicLag {
  groupId: string;
  topic: string;
  /** Sum over the partitions. */
  lag: number;
  partitions: PartitionLag[];
  /** The oldest record the group has yet to process (the earliest of each lagging partition's next record). */
  oldestUnprocessed?: { partition: number; offset: string; timestamp: number };
}

export interface GroupLagOptions {
  /** Also read the next record of each lagging partition, for `oldestUnprocessed` (default true). */
  oldest?: boolean;
  /** How long reading those records may take (default 15 s); a partition not read in time has no age. */
  timeoutMs?: number;
}

async function lagOf(admin: Admin, groupId: string, topic: string): Promise<TopicLag> {
  const offsets = await partitionOffsets(admin, topic);
  const committed = await groupOffsets(admin, groupId, topic);
  const partitions = offsets.map((o): PartitionLag => {
    const done = committed.get(o.partition);
    const low = BigInt(o.low);
    const next = done !== undefined && done > low ? done : low;
    const lag = BigInt(o.high) > next ? Number(BigInt(o.high) - next) : 0;
    return { partition: o.partition, committed: done?.toString(), low: o.low, high: o.high, lag };
  });
  partitions.sort((a, b) => a.partition - b.partition);
  return { groupId, topic, lag: partitions.reduce((n, p) => n + p.lag, 0), partitions };
}

/** The next record's timestamp of each lagging partition, read with a throw-away group moved there. */
async function nextRecords(
  kafka: KafkaClient,
  lags: TopicLag[],
  timeoutMs: number,
): Promise<Map<string, { offset: string; timestamp: number }>> {
  const found = new Map<string, { offset: string; timestamp: number }>();
  const wanted = new Map<string, bigint>();
  const seeks: { topic: string; partition: number; offset: string }[] = [];
  for (const t of lags)
    for (const p of t.partitions) {
      const committed = p.committed === undefined ? undefined : BigInt(p.committed);
      const next = committed !== undefined && committed > BigInt(p.low) ? committed : BigInt(p.low);
      // Partitions without lag are moved to their end: nothing is read there.
      seeks.push({
        topic: t.topic,
        partition: p.partition,
        offset: String(p.lag > 0 ? next : BigInt(p.high)),
      });
      if (p.lag > 0) wanted.set(`${t.topic}/${p.partition}`, next);
    }
  if (wanted.size === 0) return found;
  const consumer = createConsumer(kafka, `fenx-lag-${randomUUID()}`, { maxWaitTimeInMs: 500 });
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...new Set(lags.map((l) => l.topic))], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(resolve, timeoutMs);
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const key = `${batch.topic}/${batch.partition}`;
            const from = wanted.get(key);
            if (from === undefined || found.has(key)) return;
            const first = batch.messages.find((m) => BigInt(m.offset) >= from);
            if (first) found.set(key, { offset: first.offset, timestamp: Number(first.timestamp) });
            if (found.size === wanted.size) resolve();
          },
        })
        .then(() => {
          for (const s of seeks) consumer.seek(s);
        }, reject);
    });
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
  }
  return found;
}

/**
 * How far a consumer group is behind on each topic: per partition its committed offset against the
 * watermarks, and (unless `oldest: false`) the timestamp of the oldest record it has yet to process.
 * Topic and group names are as the apps use them (inside KAFKA_NAMESPACE).
 */
export async function consumerGroupLag(
  kafka: KafkaClient,
  groupId: string,
  topics: readonly string[],
  options: GroupLagOptions = {},
): Promise<TopicLag[]> {
  const admin = kafkajs(kafka).admin();
  await admin.connect();
  const lags: TopicLag[] = [];
  try {
    // One topic at a time: kafkajs's admin mixes up concurrent fetchTopicOffsets answers.
    for (const topic of topics) lags.push(await lagOf(admin, groupId, topic));
  } finally {
    await admin.disconnect();
  }
  if (options.oldest === false) return lags;
  const next = await nextRecords(kafka, lags, options.timeoutMs ?? 15000);
  for (const t of lags)
    for (const p of t.partitions) {
      const r = next.get(`${t.topic}/${p.partition}`);
      if (r && (!t.oldestUnprocessed || r.timestamp < t.oldestUnprocessed.timestamp))
        t.oldestUnprocessed = { partition: p.partition, ...r };
    }
  return lags;
}

/**
 * Feeds consumers' progress with the brokers' view of their assigned partitions (each partition's end
 * and the group's commit), over one admin connection kept until `close`: a consumer whose fetches
 * never complete then shows lag, and so a stall. Meant as `ProgressWatch`'s `refresh`.
 */
export class GroupLagProbe {
  private admin?: Admin;

  constructor(private readonly kafka: KafkaClient) {}

  async feed(consumers: readonly { groupId: string; progress: ConsumerProgress }[]): Promise<void> {
    if (!this.admin) {
      const admin = kafkajs(this.kafka).admin();
      await admin.connect();
      this.admin = admin;
    }
    // One topic at a time: kafkajs's admin mixes up concurrent fetchTopicOffsets answers.
    for (const { groupId, progress } of consumers) {
      const lag = await lagOf(this.admin, groupId, progress.topic);
      for (const p of lag.partitions) {
        const low = BigInt(p.low);
        const committed = p.committed === undefined ? undefined : BigInt(p.committed);
        progress.observedEnd(
          p.partition,
          BigInt(p.high),
          committed !== undefined && committed > low ? committed : low,
        );
      }
    }
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }
}
