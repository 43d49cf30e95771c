import type { Consumer, KafkaMessage } from 'kafkajs';
import { groupOffsets, partitionOffsets } from './admin';
import {
  BatchHandler,
  BatchListener,
  ConsumedRecord,
  HandlerResult,
  StopConsumerError,
} from './batch-consumer';
import { createConsumer, KafkaClient, kafkajs } from './kafka-client';
import { KafkaProducer, TopicRecords } from './kafka-producer';
import { ConsumerProgress } from './consumer-progress';
import { deadLetterRecord, OutgoingRecord, TopicName } from '@fenx/kafka-contracts';

export interface DeadLetter {
  record: ConsumedRecord;
  reason: string;
  attempts: number;
}

/** What `ChunkProcessor.process` made of a chunk, all of it acknowledged by Kafka. */
export interface ChunkOutcome {
  /** Records produced (dead letters not counted). */
  outputs: number;
  deadLetters: DeadLetter[];
  splits: number;
}

export interface ChunkProcessorOptions {
  producer: KafkaProducer;
  groupId: string;
  deadLetterTopic: TopicName;
  handler: BatchHandler;
  listener?: Pick<BatchListener, 'retrying'>;
  /** How many times failed records are divided and retried before they are dead-lettered. */
  maxRetryDepth?: number;
  retryBackoff?: { initialMs: number; maxMs: number };
  /** Randomness for backoff jitter (tests pass a seeded one). */
  random?: () => number;
}

interface Outcome {
  outputs: TopicRecords[];
  deadLetters: DeadLetter[];
  splits: number;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * One chunk with `BatchConsumer`'s guarantees, for consumers that form chunks themselves: records
 * the handler fails on are divided in halves and retried with backoff, up to `maxRetryDepth` levels;
 * what still fails goes to the dead-letter topic with the reason and the source offset. `process`
 * resolves once everything was acknowledged by Kafka, and rejects (nothing may be committed) when
 * Kafka refused it or the handler threw `StopConsumerError`.
 */
export class ChunkProcessor {
  private readonly maxRetryDepth: number;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly random: () => number;

  constructor(private readonly options: ChunkProcessorOptions) {
    this.maxRetryDepth = options.maxRetryDepth ?? 10;
    this.backoff = options.retryBackoff ?? { initialMs: 100, maxMs: 10000 };
    this.random = options.random ?? Math.random;
  }

  async process(chunk: ConsumedRecord[], batchId: string): Promise<ChunkOutcome> {
    const outcome = await this.attempt(chunk, batchId, 0);
    const deadLetters: TopicRecords[] =
      outcome.deadLetters.length > 0
        ? [
            {
              topic: this.options.deadLetterTopic,
              records: outcome.deadLetters.map((d) => this.deadLetterRecord(d.record, d.reason, d.attempts)),
            },
          ]
        : [];
    const batches = [...outcome.outputs, ...deadLetters].filter((b) => b.records.length > 0);
    if (batches.length > 0) await this.options.producer.emitMany(batches);
    return {
      outputs: outcome.outputs.reduce((n, b) => n + b.records.length, 0),
      deadLetters: outcome.deadLetters,
      splits: outcome.splits,
    };
  }

  private async attempt(records: ConsumedRecord[], batchId: string, depth: number): Promise<Outcome> {
    let result: HandlerResult;
    try {
      result = await this.options.handler(records, { batchId, depth });
    } catch (error) {
      if (error instanceof StopConsumerError) throw error;
      result = { outputs: [], failures: [{ records, reason: describeError(error) }] };
    }
    const outcome: Outcome = { outputs: [...result.outputs], deadLetters: [], splits: 0 };
    for (const failure of result.failures ?? []) {
      if (failure.records.length === 0) continue;
      if (depth >= this.maxRetryDepth || failure.retryable === false) {
        for (const record of failure.records)
          outcome.deadLetters.push({ record, reason: failure.reason, attempts: depth + 1 });
        continue;
      }
      this.options.listener?.retrying?.({
        batchId,
        depth,
        records: failure.records.length,
        reason: failure.reason,
      });
      await this.sleep(depth);
      const half = Math.ceil(failure.records.length / 2);
      const halves =
        failure.records.length > 1
          ? [failure.records.slice(0, half), failure.records.slice(half)]
          : [failure.records];
      if (halves.length > 1) outcome.splits += 1;
      for (const part of halves) {
        const sub = await this.attempt(part, batchId, depth + 1);
        outcome.outputs.push(...sub.outputs);
        outcome.deadLetters.push(...sub.deadLetters);
        outcome.splits += sub.splits;
      }
    }
    return outcome;
  }

  private sleep(depth: number): Promise<void> {
    // Full jitter: a random wait up to the exponential bound spreads retries of many consumers.
    const bound = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** depth);
    return new Promise((resolve) => setTimeout(resolve, Math.round(this.random() * bound)));
  }

  private deadLetterRecord(record: ConsumedRecord, reason: string, attempts: number): OutgoingRecord {
    return deadLetterRecord(record, { reason, attempts, group: this.options.groupId, at: new Date() });
  }
}

/** What a `ReadAheadConsumer` hands its reader. */
export interface ReadAheadReader {
  /**
   * A fetch of one partition. Returns how many of the records (from the first) were taken; the
   * rest are fetched again once the consumer is resumed. Taking fewer than all also pauses it.
   */
  records(records: ConsumedRecord[], partition: number, highWatermark: bigint): number;
  /**
   * After every join of the group: Kafka reads every assigned partition again from its committed
   * offset, so whatever was read and not committed will come again.
   */
  assigned?(partitions: number[]): void;
}

export interface ReadAheadConsumerOptions {
  kafka: KafkaClient;
  groupId: string;
  topic: TopicName;
  reader: ReadAheadReader;
  sessionTimeoutMs?: number;
  maxBytesPerPartition?: number;
  maxBytes?: number;
}

function toConsumed(topic: string, partition: number, m: KafkaMessage): ConsumedRecord {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? String(v[0]) : String(v);
  }
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key ? m.key.toString('utf8') : null,
    value: m.value,
    headers,
    timestamp: m.timestamp,
  };
}

/**
 * A consumer that reads ahead of what it commits: the fetch position moves on as the reader takes
 * records, and offsets are committed only when `commit` is called, per partition, with the offsets
 * the caller chooses. `pause`/`resume` stop and restart fetching (backpressure without dropping).
 */
export class ReadAheadConsumer {
  private readonly consumer: Consumer;
  private assignment: number[] = [];
  private failedWith?: (error: Error) => void;
  private stoppedWith?: () => void;
  /** Where each assigned partition stands and since when it waits (readiness, stall gauges). */
  readonly progress: ConsumerProgress;

  constructor(private readonly options: ReadAheadConsumerOptions) {
    this.progress = new ConsumerProgress(options.topic);
    this.consumer = createConsumer(options.kafka, options.groupId, {
      sessionTimeout: options.sessionTimeoutMs ?? 30000,
      heartbeatInterval: 3000,
      ...(options.maxBytesPerPartition !== undefined
        ? { maxBytesPerPartition: options.maxBytesPerPartition }
        : {}),
      ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      if (!event.payload.restart) this.failedWith?.(event.payload.error);
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      this.assignment = [...(event.payload.memberAssignment[options.topic] ?? [])].sort((a, b) => a - b);
      this.progress.assigned(this.assignment);
      options.reader.assigned?.(this.assignment);
    });
  }

  /** The partitions assigned at the last join. */
  get partitions(): number[] {
    return this.assignment;
  }

  /**
   * Starts consuming; the promise settles when the consumer fails for good (rejects) or `stop()` is
   * called (resolves).
   */
  async start(): Promise<{ finished: Promise<void> }> {
    const finished = new Promise<void>((resolve, reject) => {
      this.stoppedWith = resolve;
      this.failedWith = reject;
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, isRunning, isStale }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const records = batch.messages.map((m) => toConsumed(batch.topic, batch.partition, m));
        this.progress.fetched(batch.partition, BigInt(batch.highWatermark), BigInt(records[0].offset));
        const taken = this.options.reader.records(records, batch.partition, BigInt(batch.highWatermark));
        if (taken > 0) resolveOffset(records[Math.min(taken, records.length) - 1].offset);
        if (taken < records.length) this.pause();
      },
    });
    return { finished };
  }

  pause(): void {
    this.consumer.pause([{ topic: this.options.topic }]);
  }

  resume(): void {
    if (this.consumer.paused().length > 0) this.consumer.resume([{ topic: this.options.topic }]);
  }

  /** Commits the given next-offsets to read, per partition (partitions not assigned are left out). */
  async commit(offsets: Map<number, bigint>): Promise<void> {
    const assigned = new Set(this.assignment);
    const list = [...offsets]
      .filter(([p]) => assigned.has(p))
      .map(([partition, offset]) => ({ topic: this.options.topic, partition, offset: offset.toString() }));
    if (list.length === 0) return;
    await this.consumer.commitOffsets(list);
    for (const c of list) this.progress.committed(c.partition, BigInt(c.offset));
  }

  /** Fails the consumer for good (e.g. the handler threw `StopConsumerError`). */
  fail(error: Error): void {
    this.failedWith?.(error);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    this.stoppedWith?.();
  }
}

/** The drain targets of `once` mode: each partition's end now, and where the group stands. */
export async function drainTargets(
  kafka: KafkaClient,
  groupId: string,
  topic: TopicName,
): Promise<{ targets: Map<number, bigint>; committed: Map<number, bigint> }> {
  const admin = kafkajs(kafka).admin();
  await admin.connect();
  try {
    const offsets = await partitionOffsets(admin, topic);
    const committed = await groupOffsets(admin, groupId, topic);
    return {
      targets: new Map(offsets.map((o) => [o.partition, BigInt(o.high)])),
      committed: new Map(offsets.map((o) => [o.partition, committed.get(o.partition) ?? BigInt(o.low)])),
    };
  } finally {
    await admin.disconnect();
  }
}
