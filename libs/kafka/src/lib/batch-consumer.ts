import type { Consumer, EachBatchPayload } from 'kafkajs';
import { groupOffsets, partitionOffsets } from './admin';
import { createConsumer, KafkaClient, kafkajs } from './kafka-client';
import { KafkaProducer } from './kafka-producer';
import { ConsumerProgress } from './consumer-progress';
import { TopicName } from '@fenx/kafka-contracts';
import {
  BatchHandler,
  ChunkOutcome,
  ChunkProcessor,
  ConsumedRecord,
  DeadLetter,
  RetryInfo,
  StopConsumerError,
  toConsumed,
} from './chunk-processor';

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
  retrying?(info: RetryInfo): void;
  deadLettered?(info: DeadLetter): void;
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
  /**
   * Holds a partition's records across fetches, uncommitted, and hands them to the handler only
   * once they reach `chunkSize` records or `maxBytes`, or the oldest was held `maxMs` (see `HoldOptions`).
   * Without it, every fetch is handed over at once (cut into chunks of `chunkSize`).
   */
  hold?: HoldOptions;
}

/**
 * Holding records across fetches (for sinks that want few, large outputs: one file per chunk). The
 * fetch position moves on past held records but nothing is committed until their chunk was handled,
 * so a crash re-reads them from the last commit. A chunk always starts right after the last commit.
 */
export interface HoldOptions {
  /** A partition's held records are handed over once their size reaches this many bytes. */
  maxBytes: number;
  /** ... or once the oldest of them has been held this long (wall clock), whatever arrives. */
  maxMs: number;
  /** A record's size; default the bytes of its key, value and headers. */
  sizeOf?: (record: ConsumedRecord) => number;
}

export interface DrainSummary {
  /** Per partition, the high watermark noted at start that the run drained to. */
  targets: Record<number, string>;
  chunks: number;
  records: number;
  outputs: number;
  deadLetters: number;
}

const HEARTBEAT_EVERY_MS = 1000;

/** How a chunk's progress is reported to Kafka: from inside a fetch's batch, or from a hold timer. */
interface ChunkIo {
  heartbeat(): Promise<void>;
  /** Commits (or resolves for the next commit) everything up to and including `last`. */
  commit(last: ConsumedRecord): Promise<void>;
  highWatermark: number;
}

/** A partition's held records (hold mode). */
interface Held {
  records: ConsumedRecord[];
  bytes: number;
  timer?: ReturnType<typeof setTimeout>;
  highWatermark: number;
  /** Grows when the records are dropped (rebalance, failure): work started before must not go on. */
  epoch: number;
  /** Serialises the partition's fetches and timer flushes. */
  lock: Promise<void>;
}

function recordSize(r: ConsumedRecord): number {
  let n = (r.value?.length ?? 0) + (r.key ? Buffer.byteLength(r.key) : 0);
  for (const [k, v] of Object.entries(r.headers)) n += Buffer.byteLength(k) + Buffer.byteLength(v);
  return n;
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
  private readonly processor: ChunkProcessor;
  private chunkSeq = 0;
  private drainedTo = new Map<number, bigint>();
  private targets?: Map<number, bigint>;
  private drained?: () => void;
  private stopped?: () => void;
  private failed?: (error: Error) => void;
  private summary = { chunks: 0, records: 0, outputs: 0, deadLetters: 0 };
  private fatal?: Error;
  private readonly held = new Map<number, Held>();
  private stopping = false;
  /** Where each assigned partition stands and since when it waits (readiness, stall gauges). */
  readonly progress: ConsumerProgress;

  constructor(private readonly options: BatchConsumerOptions) {
    this.progress = new ConsumerProgress(options.topic);
    this.chunkSize = options.chunkSize ?? 1000;
    this.processor = new ChunkProcessor(options);
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
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) =>
      this.progress.assigned(event.payload.memberAssignment[options.topic] ?? []),
    );
    // A (re)join fetches every assigned partition again from its committed offset: what was held
    // is fetched again, so it is dropped here (and a flush under way does not go on to a next chunk).
    if (options.hold) this.consumer.on(this.consumer.events.GROUP_JOIN, () => this.dropAllHeld());
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
      this.drainedTo = new Map(
        offsets.map((o) => [o.partition, committed.get(o.partition) ?? BigInt(o.low)]),
      );
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

  /** Stops consuming; in hold mode the held records are handled and committed first (best effort). */
  async stop(): Promise<void> {
    if (this.options.hold && !this.stopping) {
      this.stopping = true;
      await Promise.all(
        [...this.held.keys()].map((p) =>
          this.flushHeldFromTimer(p, true).catch(() => undefined /* re-read after a restart */),
        ),
      );
    }
    this.stopping = true;
    this.dropAllHeld();
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
      // Holding: resolving a fetch only moves the fetch position; chunks commit their own offsets.
      ...(this.options.hold ? { autoCommit: false } : {}),
      // With a threshold of 1, commitOffsetsIfNecessary commits whatever was resolved.
      autoCommitThreshold: 1,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  private isDrained(): boolean {
    if (!this.targets) return false;
    for (const [partition, target] of this.targets) {
      if ((this.drainedTo.get(partition) ?? 0n) < target) return false;
    }
    return true;
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const records = batch.messages.map((m) => toConsumed(batch.topic, batch.partition, m));
    if (records.length > 0)
      this.progress.fetched(batch.partition, BigInt(batch.highWatermark), BigInt(records[0].offset));
    if (this.options.hold) return this.holdBatch(payload, records);
    const io: ChunkIo = {
      heartbeat: () => payload.heartbeat(),
      commit: async (last) => {
        payload.resolveOffset(last.offset);
        await payload.commitOffsetsIfNecessary();
      },
      highWatermark: Number(batch.highWatermark),
    };
    for (let i = 0; i < records.length; i += this.chunkSize) {
      // After a rebalance another member owns the partition; what is uncommitted is redelivered.
      if (this.fatal || !payload.isRunning() || payload.isStale()) return;
      try {
        await this.processChunk(records.slice(i, i + this.chunkSize), io);
      } catch (error) {
        if (!(error instanceof StopConsumerError)) throw error;
        this.fatal = error;
        this.failed?.(error);
        return;
      }
    }
  }

  private heldOf(partition: number): Held {
    let h = this.held.get(partition);
    if (!h) {
      h = { records: [], bytes: 0, highWatermark: 0, epoch: 0, lock: Promise.resolve() };
      this.held.set(partition, h);
    }
    return h;
  }

  /** Runs `f` after whatever the partition is already doing (fetch or timer flush). */
  private locked<T>(h: Held, f: () => Promise<T>): Promise<T> {
    const run = h.lock.then(f);
    h.lock = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private dropHeld(h: Held): void {
    if (h.timer) clearTimeout(h.timer);
    h.timer = undefined;
    h.records = [];
    h.bytes = 0;
    h.epoch += 1;
  }

  private dropAllHeld(): void {
    for (const h of this.held.values()) this.dropHeld(h);
  }

  /** Hold mode: adds a fetch to the partition's held records; hands over every chunk that is full. */
  private async holdBatch(payload: EachBatchPayload, records: ConsumedRecord[]): Promise<void> {
    const { batch } = payload;
    const h = this.heldOf(batch.partition);
    const epoch = h.epoch;
    const io: ChunkIo = {
      heartbeat: () => payload.heartbeat(),
      commit: (last) =>
        payload.commitOffsetsIfNecessary({
          topics: [
            {
              topic: last.topic,
              partitions: [{ partition: last.partition, offset: String(BigInt(last.offset) + 1n) }],
            },
          ],
        }),
      highWatermark: Number(batch.highWatermark),
    };
    // While this fetch waits for a timer flush of the partition, nothing else heartbeats: kafkajs's
    // fetch loop waits for this batch. A flush longer than the session would cost the member its place.
    const waiting = setInterval(() => void payload.heartbeat().catch(() => undefined), HEARTBEAT_EVERY_MS);
    const turn = this.locked(h, async () => {
      clearInterval(waiting);
      if (epoch !== h.epoch || this.stopping || this.fatal || !payload.isRunning() || payload.isStale())
        return;
      h.highWatermark = Number(batch.highWatermark);
      const sizeOf = this.options.hold?.sizeOf ?? recordSize;
      const lastHeld = h.records.length > 0 ? BigInt(h.records[h.records.length - 1].offset) : -1n;
      for (const r of records) {
        if (BigInt(r.offset) <= lastHeld) continue; // already held (an overlapping fetch)
        h.records.push(r);
        h.bytes += sizeOf(r);
      }
      // The next fetch starts after this one; nothing is committed (autoCommit is off).
      if (records.length > 0) payload.resolveOffset(records[records.length - 1].offset);
      try {
        while (this.isFull(h)) await this.flushChunk(h, io);
        const target = this.targets?.get(batch.partition);
        const last = h.records[h.records.length - 1];
        // Draining: nothing more will come for this partition, so there is nothing to wait for.
        if (last && target !== undefined && BigInt(last.offset) + 1n >= target)
          while (h.records.length > 0) await this.flushChunk(h, io);
      } catch (error) {
        this.heldFailed(h, batch.topic, batch.partition, error);
        if (!(error instanceof StopConsumerError)) throw error;
        return;
      }
      this.armTimer(h, batch.partition);
    });
    try {
      await turn;
    } finally {
      clearInterval(waiting);
    }
  }

  private isFull(h: Held): boolean {
    return (
      h.records.length >= this.chunkSize ||
      (h.records.length > 0 && h.bytes >= (this.options.hold?.maxBytes ?? Infinity))
    );
  }

  /** Hands the first chunk of the held records over (at most `chunkSize` records and `maxBytes`). */
  private async flushChunk(h: Held, io: ChunkIo): Promise<void> {
    const sizeOf = this.options.hold?.sizeOf ?? recordSize;
    const maxBytes = this.options.hold?.maxBytes ?? Infinity;
    let n = 0;
    let bytes = 0;
    while (n < h.records.length && n < this.chunkSize) {
      const size = sizeOf(h.records[n]);
      if (n > 0 && bytes + size > maxBytes) break;
      bytes += size;
      n += 1;
    }
    const chunk = h.records.slice(0, n);
    const epoch = h.epoch;
    await this.processChunk(chunk, io);
    if (epoch !== h.epoch) return; // dropped meanwhile (a rebalance): nothing is left to take from
    h.records = h.records.slice(n);
    h.bytes -= bytes;
    if (h.records.length === 0 && h.timer) {
      clearTimeout(h.timer);
      h.timer = undefined;
    }
  }

  /** Starts the partition's timer when it holds records and none runs (the oldest sets the time). */
  private armTimer(h: Held, partition: number): void {
    if (h.records.length === 0 || h.timer || !this.options.hold) return;
    h.timer = setTimeout(() => {
      h.timer = undefined;
      this.flushHeldFromTimer(partition, false).catch((error: unknown) => {
        if (error instanceof StopConsumerError) return; // already reported through failed()
        // A Kafka failure (a commit refused after a rebalance, say): the records are fetched again.
      });
    }, this.options.hold.maxMs);
    h.timer.unref?.();
  }

  /** Hands over everything a partition holds, outside a fetch (its timer ran out, or `stop()`). */
  private flushHeldFromTimer(partition: number, stopping: boolean): Promise<void> {
    const h = this.heldOf(partition);
    const epoch = h.epoch;
    const io: ChunkIo = {
      // kafkajs's fetch loop heartbeats meanwhile, and so does a fetch that waits for this flush.
      heartbeat: async () => undefined,
      commit: (last) =>
        this.consumer.commitOffsets([
          { topic: last.topic, partition: last.partition, offset: String(BigInt(last.offset) + 1n) },
        ]),
      highWatermark: h.highWatermark,
    };
    return this.locked(h, async () => {
      if ((this.stopping && !stopping) || this.fatal) return;
      try {
        while (h.records.length > 0 && epoch === h.epoch) await this.flushChunk(h, io);
      } catch (error) {
        this.heldFailed(h, this.options.topic, partition, error);
        throw error;
      }
    });
  }

  /**
   * A chunk of held records failed: drop what is held and fetch again from the chunk's first record
   * (the last commit), since the fetch position had moved past the held records.
   */
  private heldFailed(h: Held, topic: string, partition: number, error: unknown): void {
    const first = h.records[0];
    this.dropHeld(h);
    if (error instanceof StopConsumerError) {
      this.fatal = error;
      this.failed?.(error);
      return;
    }
    if (first && !this.stopping) {
      try {
        this.consumer.seek({ topic, partition, offset: first.offset });
      } catch {
        // Not running any more: a restart fetches from the committed offsets anyway.
      }
    }
  }

  private async processChunk(chunk: ConsumedRecord[], io: ChunkIo) {
    const started = Date.now();
    const batchId = `${this.options.groupId}:${chunk[0].partition}:${chunk[0].offset}:${++this.chunkSeq}`;
    const heartbeat = setInterval(() => void io.heartbeat().catch(() => undefined), HEARTBEAT_EVERY_MS);
    let outcome: ChunkOutcome;
    try {
      outcome = await this.processor.process(chunk, batchId);
    } finally {
      clearInterval(heartbeat);
    }

    // Counted once Kafka acknowledged the chunk's output, before the commit: a commit the broker
    // applied but whose answer was lost is not redelivered, and its records were handled all the same.
    const last = chunk[chunk.length - 1];
    const { outputs } = outcome;
    this.summary.chunks += 1;
    this.summary.records += chunk.length;
    this.summary.outputs += outputs;
    this.summary.deadLetters += outcome.deadLetters.length;

    await io.commit(last);
    this.progress.committed(last.partition, BigInt(last.offset) + 1n);
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
      lag: Math.max(0, io.highWatermark - Number(last.offset) - 1),
    });

    this.drainedTo.set(last.partition, BigInt(last.offset) + 1n);
    if (this.isDrained()) this.drained?.();
  }
}
