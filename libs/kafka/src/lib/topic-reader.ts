import { randomUUID } from 'node:crypto';
import type { Consumer, ConsumerConfig, EachBatchPayload } from 'kafkajs';
import { groupOffsets, PartitionOffsets, partitionOffsets } from './admin';
import { createConsumer, KafkaClient, kafkajs } from './kafka-client';
import { CONSUMER_GROUPS, KafkaHeaders } from '@fenx/kafka-contracts';

/** One record as read back from a topic. */
export interface ReadRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: KafkaHeaders;
  /** Kafka's record timestamp (ms since the epoch, as a string). */
  timestamp: string;
}

export interface ReadTopicOptions {
  /**
   * The consumer group to read with: a new throw-away one (`fenx-reader-<uuid>`) by default. Without
   * `commit` it must be a group that has committed nothing.
   */
  groupId?: string;
  /**
   * Start each partition at the group's committed offset and commit after each handled batch, so a
   * second read continues where the first stopped. Default false: from the start, nothing committed.
   */
  commit?: boolean;
  /** With `commit`: start at the beginning of every partition even where the group committed offsets. */
  fromStart?: boolean;
  /** Stop after this many records. */
  limit?: number;
  /** Gives up (rejecting with a ReadTimeoutError) when the end is not reached in time. Default 60 s. */
  timeoutMs?: number;
  /**
   * Called with each batch of one partition's records, in offset order, instead of collecting them
   * (for topics too big to hold). With `commit` the batch is committed once it resolves; a rejection
   * ends the read with it.
   */
  onRecords?: (records: ReadRecord[]) => void | Promise<void>;
}

/** A read that did not reach the end it was waiting for in time. */
export class ReadTimeoutError extends Error {
  constructor(
    readonly topics: readonly string[],
    readonly timeoutMs: number,
    /** `topic/partition` of each partition not read to its end. */
    readonly partitionsLeft: string[],
  ) {
    super(
      `reading ${topics.join(', ')}: end not reached in ${timeoutMs} ms (partitions left: ${partitionsLeft.join(', ')})`,
    );
    this.name = 'ReadTimeoutError';
  }
}

const at = (topic: string, partition: number) => `${topic}/${partition}`;

interface ReaderConfig {
  groupId: string;
  topics: readonly string[];
  onRecords: (records: ReadRecord[]) => void | Promise<void>;
  consumer?: Omit<ConsumerConfig, 'groupId'>;
  /** Per `topic/partition`, the first offset to hand over (0 where absent). */
  starts?: Map<string, bigint>;
  /** Partitions the group would not start at their `starts` by itself: moved there once running. */
  seeks?: { topic: string; partition: number }[];
  /** Per `topic/partition`, the offset from which records are no longer handed over. */
  ends?: Map<string, bigint>;
  commit?: boolean;
  limit?: number;
}

interface Waiter {
  ends: Map<string, bigint>;
  resolve: () => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
}

/**
 * The one way this lib reads topics outside BatchConsumer: a consumer subscribed from the beginning
 * that hands records over at most once per offset (a rejoin that starts a partition over skips
 * what was handed already), and tells waiters when given offsets are reached.
 */
class Reader {
  private readonly consumer: Consumer;
  private readonly next = new Map<string, bigint>();
  private readonly waiters = new Set<Waiter>();
  private handed = 0;
  private failure?: unknown;

  constructor(
    kafka: KafkaClient,
    private readonly config: ReaderConfig,
  ) {
    for (const [p, offset] of config.starts ?? []) this.next.set(p, offset);
    this.consumer = createConsumer(kafka, config.groupId, config.consumer);
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      if (!event.payload.restart) this.fail(event.payload.error);
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.config.topics], fromBeginning: true });
    await this.consumer.run({ autoCommit: false, eachBatch: (payload) => this.eachBatch(payload) });
    for (const { topic, partition } of this.config.seeks ?? [])
      this.consumer.seek({ topic, partition, offset: String(this.next.get(at(topic, partition)) ?? 0n) });
  }

  /** Resolves once every partition of `ends` was handed over up to its end (or the limit was reached). */
  reached(ends: Map<string, bigint>, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.failure !== undefined) return reject(this.failure);
      const waiter: Waiter = {
        ends,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new ReadTimeoutError(this.config.topics, timeoutMs, this.left(ends)));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
      this.settle();
    });
  }

  async stop(): Promise<void> {
    this.fail(new Error(`reading ${this.config.topics.join(', ')}: stopped`));
    await this.consumer.disconnect();
  }

  private left(ends: Map<string, bigint>): string[] {
    return [...ends].filter(([p, end]) => (this.next.get(p) ?? 0n) < end).map(([p]) => p);
  }

  private settle(): void {
    const limited = this.config.limit !== undefined && this.handed >= this.config.limit;
    for (const w of this.waiters) {
      if (!limited && this.left(w.ends).length > 0) continue;
      clearTimeout(w.timer);
      this.waiters.delete(w);
      w.resolve();
    }
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(error);
    }
    this.waiters.clear();
  }

  private async eachBatch({ batch, heartbeat, isStale }: EachBatchPayload): Promise<void> {
    // A batch fetched before a seek took effect is fetched again from the new position.
    if (this.failure !== undefined || isStale() || batch.messages.length === 0) return;
    const p = at(batch.topic, batch.partition);
    const from = this.next.get(p) ?? 0n;
    const end = this.config.ends?.get(p);
    let records: ReadRecord[] = batch.messages
      .filter((m) => BigInt(m.offset) >= from && (end === undefined || BigInt(m.offset) < end))
      .map((m) => ({
        topic: batch.topic,
        partition: batch.partition,
        offset: m.offset,
        key: m.key ? m.key.toString('utf8') : null,
        value: m.value,
        headers: m.headers ?? {},
        timestamp: m.timestamp,
      }));
    const { limit } = this.config;
    if (limit !== undefined) records = records.slice(0, Math.max(0, limit - this.handed));
    const last =
      records.length > 0
        ? records[records.length - 1].offset
        : batch.messages[batch.messages.length - 1].offset;
    const after = BigInt(last) + 1n;
    if (records.length > 0) {
      try {
        await this.config.onRecords(records);
      } catch (error) {
        this.fail(error);
        return;
      }
      this.handed += records.length;
      if (this.config.commit)
        await this.consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: after.toString() },
        ]);
    }
    if (after > from) this.next.set(p, after);
    this.settle();
    await heartbeat();
  }
}

/**
 * Reads a topic up to the high watermarks noted at the start, from its beginning (or, with
 * `commit`, from where the group stopped): for checks, reports and admin commands that need
 * "everything in the topic now". Records produced after the start may or may not be seen.
 */
export async function readTopic(
  kafka: KafkaClient,
  topic: string,
  options: ReadTopicOptions = {},
): Promise<ReadRecord[]> {
  const groupId = options.groupId ?? `${CONSUMER_GROUPS.readerPrefix}${randomUUID()}`;
  const admin = kafkajs(kafka).admin();
  await admin.connect();
  let offsets: PartitionOffsets[];
  let committed = new Map<number, bigint>();
  try {
    offsets = await partitionOffsets(admin, topic);
    if (options.commit) committed = await groupOffsets(admin, groupId, topic);
  } finally {
    await admin.disconnect();
  }
  const starts = new Map<string, bigint>();
  const ends = new Map<string, bigint>();
  const seeks: { topic: string; partition: number }[] = [];
  for (const o of offsets) {
    const p = at(topic, o.partition);
    const low = BigInt(o.low);
    const done = committed.get(o.partition);
    const start = !options.fromStart && done !== undefined && done > low ? done : low;
    starts.set(p, start);
    // A partition whose records retention already deleted (low = high) has nothing to wait for.
    if (start >= BigInt(o.high)) continue;
    ends.set(p, BigInt(o.high));
    // The group starts where it committed: elsewhere it has to be moved.
    if (done !== undefined && done !== start) seeks.push({ topic, partition: o.partition });
  }
  const records: ReadRecord[] = [];
  if (ends.size === 0 || options.limit === 0) return records;

  const reader = new Reader(kafka, {
    groupId,
    topics: [topic],
    // Short fetch waits: a one-off read should not idle in a long poll once it has what it came for;
    // a group the next read joins again should not wait long for a member that went away.
    consumer: { maxWaitTimeInMs: 500, ...(options.commit ? { sessionTimeout: 10000 } : {}) },
    starts,
    seeks,
    ends,
    commit: options.commit,
    limit: options.limit,
    onRecords: options.onRecords ?? ((batch) => void records.push(...batch)),
  });
  const done = reader.reached(ends, options.timeoutMs ?? 60000);
  done.catch(() => undefined); // awaited below, once the consumer runs
  try {
    await reader.start();
    await done;
  } finally {
    await reader.stop();
  }
  return records;
}

/**
 * Follows topics from their beginning until stopped, handing every record to `onRecord` as it
 * arrives, each offset once (the group commits nothing; a rejoin that starts over skips what was
 * seen): for tools that watch a topic for a whole run.
 */
export class TopicFollower {
  private readonly reader: Reader;

  constructor(
    private readonly kafka: KafkaClient,
    private readonly topics: readonly string[],
    onRecord: (record: ReadRecord) => void,
    options: { groupId?: string } = {},
  ) {
    this.reader = new Reader(kafka, {
      groupId: options.groupId ?? `fenx-follower-${randomUUID()}`,
      topics,
      onRecords: (records) => records.forEach(onRecord),
    });
  }

  start(): Promise<void> {
    return this.reader.start();
  }

  /** Waits until every partition of every followed topic was read up to its end as of now. */
  async caughtUp(timeoutMs = 300000): Promise<void> {
    const ends = new Map<string, bigint>();
    const admin = kafkajs(this.kafka).admin();
    await admin.connect();
    try {
      // One topic at a time: kafkajs's admin mixes up concurrent fetchTopicOffsets answers.
      for (const topic of this.topics)
        for (const o of await partitionOffsets(admin, topic))
          if (BigInt(o.high) > BigInt(o.low)) ends.set(at(topic, o.partition), BigInt(o.high));
    } finally {
      await admin.disconnect();
    }
    await this.reader.reached(ends, timeoutMs);
  }

  stop(): Promise<void> {
    return this.reader.stop();
  }
}
