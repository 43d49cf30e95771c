import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { groupOffsets, partitionOffsets } from './admin';
import { createConsumer, KafkaClient, kafkajs } from './kafka-client';
import { KafkaProducer, OutgoingRecord, TopicRecords } from './kafka-producer';
import { KafkaHeaders } from './messages/headers';
import { TopicName } from './topics';

/** A record as the batch handler sees it. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Kafka record timestamp, milliseconds since the epoch. */
  timestamp: string;
}

export interface RecordFailure {
  records: ConsumedRecord[];
  reason: string;
  /**
   * False when retrying cannot help (e.g. a value that can never be decoded): the records go to the
   * dead-letter topic at once instead of being divided and retried. Default true.
   */
  retryable?: boolean;
}

/** What a handler made of a chunk: records to write, and the records it could not process (retried). */
export interface HandlerResult {
  outputs: TopicRecords[];
  failures?: RecordFailure[];
}

export interface BatchContext {
  /** Identifies one chunk in logs and in the headers of what it produces. */
  batchId: string;
  /** 0 on the first attempt; grows as failed records are divided and retried. */
  depth: number;
}

export type BatchHandler = (records: ConsumedRecord[], context: BatchContext) => Promise<HandlerResult>;

/**
 * Thrown by a handler when no record is at fault and nothing should be retried or dead-lettered
 * (e.g. the credentials were refused): the consumer stops without committing.
 */
export class StopConsumerError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'StopConsumerError';
  }
}

export interface ChunkReport {
  batchId: string;
  topic: string;
  partition: number;
  records: number;
  outputs: number;
  deadLetters: number;
  splits: number;
  durationMs: number;
  /** Messages behind the end of the partition after this chunk. */
  lag: number;
}

/** Hooks for metrics and logs; every one optional. */
export interface BatchListener {
  chunkCompleted?(report: ChunkReport): void;
  retrying?(info: { batchId: string; depth: number; records: number; reason: string }): void;
  deadLettered?(info: { record: ConsumedRecord; reason: string; attempts: number }): void;
}

export interface BatchConsumerOptions {
  kafka: KafkaClient;
  producer: KafkaProducer;
  groupId: string;
  topic: TopicName;
  deadLetterTopic: TopicName;
  handler: BatchHandler;
  listener?: BatchListener;
  /** Records handed to the handler at once (a Kafka fetch is cut into chunks of this size). */
  chunkSize?: number;
  /** How many times failed records are divided and retried before they are dead-lettered. */
  maxRetryDepth?: number;
  retryBackoff?: { initialMs: number; maxMs: number };
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  /**
   * Fetch sizes (kafkajs `maxBytesPerPartition`, `maxBytes`): a chunk never holds more than one
   * fetch of a partition, so handlers that group records (one API call per aggregate) want big ones.
   */
  maxBytesPerPartition?: number;
  maxBytes?: number;
  /** Randomness for backoff jitter (tests pass a seeded one). */
  random?: () => number;
}

export interface DrainSummary {
  /** Per partition, the high watermark noted at start that the run drained to. */
  targets: Record<number, string>;
  chunks: number;
  records: number;
  outputs: number;
  deadLetters: number;
}

interface Outcome {
  outputs: TopicRecords[];
  deadLetters: { record: ConsumedRecord; reason: string; attempts: number }[];
  splits: number;
}

const HEARTBEAT_EVERY_MS = 1000;

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

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Consumes a topic in chunks and guarantees commit-after-produce: a chunk's offsets are committed
 * only after everything the handler made of it (and every dead letter) was acknowledged by Kafka.
 * Records the handler fails on are divided in halves and retried with backoff, up to
 * `maxRetryDepth` levels; what still fails goes to the dead-letter topic with the reason and the
 * source offset. A Kafka failure while producing commits nothing and the chunk is consumed again.
 */
export class BatchConsumer {
  private readonly consumer: Consumer;
  private readonly chunkSize: number;
  private readonly maxRetryDepth: number;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly random: () => number;
  private chunkSeq = 0;
  private progress = new Map<number, bigint>();
  private targets?: Map<number, bigint>;
  private drained?: () => void;
  private stopped?: () => void;
  private failed?: (error: Error) => void;
  private summary = { chunks: 0, records: 0, outputs: 0, deadLetters: 0 };
  private fatal?: Error;

  constructor(private readonly options: BatchConsumerOptions) {
    this.chunkSize = options.chunkSize ?? 1000;
    this.maxRetryDepth = options.maxRetryDepth ?? 10;
    this.backoff = options.retryBackoff ?? { initialMs: 100, maxMs: 10000 };
    this.random = options.random ?? Math.random;
    this.consumer = createConsumer(options.kafka, options.groupId, {
      sessionTimeout: options.sessionTimeoutMs ?? 30000,
      heartbeatInterval: 3000,
      ...(options.maxBytesPerPartition !== undefined
        ? { maxBytesPerPartition: options.maxBytesPerPartition }
        : {}),
      ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      if (!event.payload.restart) this.failed?.(event.payload.error);
    });
  }

  /** Consumes until `stop()`; rejects if the consumer crashes beyond kafkajs's own restarts. */
  async runContinuous(): Promise<void> {
    const finished = new Promise<void>((resolve, reject) => {
      this.stopped = resolve;
      this.failed = reject;
    });
    await this.start();
    return finished;
  }

  /**
   * Notes the end of every partition, consumes until the group's committed offsets reach them,
   * then stops: the scheduled-job mode.
   */
  async runOnce(): Promise<DrainSummary> {
    const { topic, groupId } = this.options;
    const admin = kafkajs(this.options.kafka).admin();
    await admin.connect();
    try {
      const offsets = await partitionOffsets(admin, topic);
      const committed = await groupOffsets(admin, groupId, topic);
      this.targets = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
      this.progress = new Map(offsets.map((o) => [o.partition, committed.get(o.partition) ?? BigInt(o.low)]));
    } finally {
      await admin.disconnect();
    }
    const done = new Promise<void>((resolve, reject) => {
      this.drained = resolve;
      this.failed = reject;
    });
    try {
      if (!this.isDrained()) {
        await this.start();
        await done;
      }
    } finally {
      await this.stop();
    }
    return {
      targets: Object.fromEntries([...(this.targets ?? [])].map(([p, o]) => [p, o.toString()])),
      ...this.summary,
    };
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    this.stopped?.();
  }

  private async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({
      topic: this.options.topic,
      fromBeginning: true,
    });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      // With a threshold of 1, commitOffsetsIfNecessary commits whatever was resolved.
      autoCommitThreshold: 1,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  private isDrained(): boolean {
    if (!this.targets) return false;
    for (const [partition, target] of this.targets) {
      if ((this.progress.get(partition) ?? 0n) < target) return false;
    }
    return true;
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const records = batch.messages.map((m) => toConsumed(batch.topic, batch.partition, m));
    for (let i = 0; i < records.length; i += this.chunkSize) {
      // After a rebalance another member owns the partition; what is uncommitted is redelivered.
      if (this.fatal || !payload.isRunning() || payload.isStale()) return;
      try {
        await this.processChunk(records.slice(i, i + this.chunkSize), payload, Number(batch.highWatermark));
      } catch (error) {
        if (!(error instanceof StopConsumerError)) throw error;
        this.fatal = error;
        this.failed?.(error);
        return;
      }
    }
  }

  private async processChunk(chunk: ConsumedRecord[], payload: EachBatchPayload, highWatermark: number) {
    const started = Date.now();
    const batchId = `${this.options.groupId}:${chunk[0].partition}:${chunk[0].offset}:${++this.chunkSeq}`;
    const heartbeat = setInterval(() => void payload.heartbeat().catch(() => undefined), HEARTBEAT_EVERY_MS);
    let outcome: Outcome;
    try {
      outcome = await this.attempt(chunk, batchId, 0);
      const deadLetters: TopicRecords[] =
        outcome.deadLetters.length > 0
          ? [
              {
                topic: this.options.deadLetterTopic,
                records: outcome.deadLetters.map((d) =>
                  this.deadLetterRecord(d.record, d.reason, d.attempts),
                ),
              },
            ]
          : [];
      const batches = [...outcome.outputs, ...deadLetters].filter((b) => b.records.length > 0);
      if (batches.length > 0) await this.options.producer.emitMany(batches);
    } finally {
      clearInterval(heartbeat);
    }

    // Counted once Kafka acknowledged the chunk's output, before the commit: a commit the broker
    // applied but whose answer was lost is not redelivered, and its records were handled all the same.
    const last = chunk[chunk.length - 1];
    const outputs = outcome.outputs.reduce((n, b) => n + b.records.length, 0);
    this.summary.chunks += 1;
    this.summary.records += chunk.length;
    this.summary.outputs += outputs;
    this.summary.deadLetters += outcome.deadLetters.length;

    payload.resolveOffset(last.offset);
    await payload.commitOffsetsIfNecessary();
    for (const d of outcome.deadLetters) this.options.listener?.deadLettered?.(d);

    this.options.listener?.chunkCompleted?.({
      batchId,
      topic: last.topic,
      partition: last.partition,
      records: chunk.length,
      outputs,
      deadLetters: outcome.deadLetters.length,
      splits: outcome.splits,
      durationMs: Date.now() - started,
      lag: Math.max(0, highWatermark - Number(last.offset) - 1),
    });

    this.progress.set(last.partition, BigInt(last.offset) + 1n);
    if (this.isDrained()) this.drained?.();
  }

  /** Runs the handler; divides and retries whatever failed, dead-lettering past the last level. */
  private async attempt(records: ConsumedRecord[], batchId: string, depth: number): Promise<Outcome> {
    let result: HandlerResult;
    try {
      result = await this.options.handler(records, { batchId, depth });
    } catch (error) {
      if (error instanceof StopConsumerError) throw error;
      result = {
        outputs: [],
        failures: [{ records, reason: describeError(error) }],
      };
    }
    const outcome: Outcome = {
      outputs: result.outputs,
      deadLetters: [],
      splits: 0,
    };
    for (const failure of result.failures ?? []) {
      if (failure.records.length === 0) continue;
      if (depth >= this.maxRetryDepth || failure.retryable === false) {
        for (const record of failure.records) {
          outcome.deadLetters.push({
            record,
            reason: failure.reason,
            attempts: depth + 1,
          });
        }
        continue;
      }
      this.options.listener?.retrying?.({
        batchId,
        depth,
        records: failure.records.length,
        reason: failure.reason,
      });
      await this.sleep(depth);
      const halves =
        failure.records.length > 1
          ? [
              failure.records.slice(0, Math.ceil(failure.records.length / 2)),
              failure.records.slice(Math.ceil(failure.records.length / 2)),
            ]
          : [failure.records];
      if (halves.length > 1) outcome.splits += 1;
      for (const half of halves) {
        const sub = await this.attempt(half, batchId, depth + 1);
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
    const headers: KafkaHeaders = {
      ...record.headers,
      'dead-letter-reason': reason.slice(0, 2000),
      'dead-letter-attempts': String(attempts),
      'dead-letter-source': `${record.topic}/${record.partition}/${record.offset}`,
      'dead-letter-group': this.options.groupId,
      'dead-letter-at': new Date().toISOString(),
    };
    return {
      key: record.key ?? `${record.topic}/${record.partition}/${record.offset}`,
      value: record.value,
      headers,
    };
  }
}
