import {
  BatchHandler,
  BatchListener,
  ChunkProcessor,
  ConsumedRecord,
  ConsumerProgress,
  drainTargets,
  DrainSummary,
  KafkaClient,
  KafkaProducer,
  ReadAheadConsumer,
  StopConsumerError,
} from '@fenx/kafka';
import { TopicName } from '@fenx/kafka-contracts';
import { CoalescingLedger, LedgerTake } from './coalescing-ledger';
import { sleep } from './concurrency';

export interface CoalescingSettings {
  /** Keys held (pending or in flight) before reading pauses. */
  maxKeys: number;
  /** Bytes of held events before reading pauses. */
  maxBytes: number;
  /** Events read and not yet committed before reading pauses (what a crash makes it read again). */
  maxUncommitted: number;
  /** Keys handed to the handler at once (one produce per chunk). */
  keysPerChunk: number;
  /** Chunks in flight at once. */
  chunksInFlight: number;
}

export interface CoalescingConsumerOptions {
  kafka: KafkaClient;
  producer: KafkaProducer;
  groupId: string;
  topic: TopicName;
  deadLetterTopic: TopicName;
  handler: BatchHandler;
  /** The pending-set key of a record; undefined when the record needs no fetch. */
  keyOf(record: ConsumedRecord): string | undefined;
  listener?: BatchListener;
  /** After every join of the group, with the partitions assigned to this consumer. */
  assigned?: (partitions: number[]) => void;
  coalescing: CoalescingSettings;
  maxRetryDepth?: number;
  retryBackoff?: { initialMs: number; maxMs: number };
  sessionTimeoutMs?: number;
  maxBytesPerPartition?: number;
  maxBytes?: number;
  random?: () => number;
}

/** How long commits wait to gather the completions of several chunks. */
const COMMIT_EVERY_MS = 200;

function recordBytes(r: ConsumedRecord): number {
  let n = 64 + (r.value?.length ?? 0) + (r.key?.length ?? 0);
  for (const [k, v] of Object.entries(r.headers)) n += k.length + v.length;
  return n;
}

/**
 * Backlog-wide coalescing over topic 1: reads ahead of the API into a bounded pending set keyed by
 * aggregate (`CoalescingLedger`), hands the keys holding the oldest uncommitted events to the
 * handler a few at a time (each key once, with every event read for it), and commits each
 * partition only up to its lowest event not fetched since it was read. A full pending set pauses
 * reading; nothing is dropped. The handler's divide-and-retry and dead letters are `BatchConsumer`'s
 * (`ChunkProcessor`); after a rebalance everything uncommitted is read again.
 */
export class CoalescingConsumer {
  private readonly ledger: CoalescingLedger<ConsumedRecord>;
  private readonly processor: ChunkProcessor;
  private readonly consumer: ReadAheadConsumer;
  private readonly highWatermarks = new Map<number, bigint>();
  private readonly committed = new Map<number, bigint>();
  private epoch = 0;
  private chunks = 0;
  private chunkSeq = 0;
  private stopping = false;
  private fatal?: Error;
  private commitTimer?: ReturnType<typeof setTimeout>;
  private committing?: Promise<void>;
  private targets?: Map<number, bigint>;
  private drained?: () => void;
  private summary = { chunks: 0, records: 0, outputs: 0, deadLetters: 0 };

  constructor(private readonly options: CoalescingConsumerOptions) {
    const c = options.coalescing;
    for (const [name, v] of Object.entries(c))
      if (!Number.isInteger(v) || v < 1)
        throw new RangeError(`coalescing.${name} must be a positive integer (got ${v})`);
    this.ledger = new CoalescingLedger({
      maxKeys: c.maxKeys,
      maxBytes: c.maxBytes,
      maxUncommitted: c.maxUncommitted,
    });
    this.processor = new ChunkProcessor(options);
    this.consumer = new ReadAheadConsumer({
      kafka: options.kafka,
      groupId: options.groupId,
      topic: options.topic,
      sessionTimeoutMs: options.sessionTimeoutMs,
      maxBytesPerPartition: options.maxBytesPerPartition,
      maxBytes: options.maxBytes,
      reader: {
        records: (records, partition, highWatermark) => this.read(records, partition, highWatermark),
        assigned: (partitions) => this.assigned(partitions),
      },
    });
  }

  /** Pending keys, keys in flight and bytes held (for metrics and logs). */
  get held(): { pending: number; inFlight: number; bytes: number } {
    return {
      pending: this.ledger.pendingCount,
      inFlight: this.ledger.inFlightCount,
      bytes: this.ledger.bytes,
    };
  }

  /** Where each assigned partition of topic 1 stands and since when it waits. */
  get progress(): ConsumerProgress {
    return this.consumer.progress;
  }

  async runContinuous(): Promise<void> {
    const { finished } = await this.consumer.start();
    return finished;
  }

  /** Drains to the high watermarks noted at start, commits, and stops. */
  async runOnce(): Promise<DrainSummary> {
    const { targets, committed } = await drainTargets(
      this.options.kafka,
      this.options.groupId,
      this.options.topic,
    );
    this.targets = targets;
    for (const [p, o] of committed) this.committed.set(p, o);
    if (!this.isDrained()) {
      const done = new Promise<void>((resolve) => (this.drained = resolve));
      try {
        const { finished } = await this.consumer.start();
        await Promise.race([done, finished]);
        if (this.fatal) throw this.fatal;
      } finally {
        await this.stop();
      }
    }
    return {
      targets: Object.fromEntries([...targets].map(([p, o]) => [p, o.toString()])),
      ...this.summary,
    };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.commitTimer) clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    await this.committing?.catch(() => undefined);
    await this.consumer.stop();
  }

  private read(records: ConsumedRecord[], partition: number, highWatermark: bigint): number {
    if (this.stopping || this.fatal) return 0;
    this.highWatermarks.set(partition, highWatermark);
    let taken = 0;
    let skipped = false;
    for (const record of records) {
      if (this.ledger.full) break;
      const key = this.options.keyOf(record);
      const offset = BigInt(record.offset);
      if (key === undefined) skipped = this.ledger.skip(partition, offset) || skipped;
      else this.ledger.add(partition, offset, key, record, recordBytes(record));
      taken++;
    }
    if (skipped) this.commitSoon();
    this.pump();
    return taken;
  }

  private assigned(partitions: number[]): void {
    this.options.assigned?.(partitions);
    // Kafka reads every assigned partition again from its committed offset.
    this.epoch++;
    this.ledger.reset();
    this.highWatermarks.clear();
    this.consumer.resume();
  }

  /** Starts chunks while there are pending keys and room. */
  private pump(): void {
    while (!this.stopping && !this.fatal && this.chunks < this.options.coalescing.chunksInFlight) {
      const takes = this.ledger.take(this.options.coalescing.keysPerChunk);
      if (takes.length === 0) return;
      this.chunks++;
      void this.runChunk(takes, this.epoch).finally(() => {
        this.chunks--;
        this.pump();
      });
    }
  }

  private async runChunk(takes: LedgerTake<ConsumedRecord>[], epoch: number): Promise<void> {
    const records = takes.flatMap((t) => t.events.map((h) => h.event));
    const first = records[0];
    const batchId = `${this.options.groupId}:${first.partition}:${first.offset}:${++this.chunkSeq}`;
    const started = Date.now();
    let outcome;
    try {
      outcome = await this.processor.process(records, batchId);
    } catch (error) {
      if (error instanceof StopConsumerError) {
        this.fatal = error;
        this.consumer.fail(error);
        return;
      }
      // Kafka refused the output: nothing of it counts; the keys are fetched again.
      this.options.listener?.retrying?.({
        batchId,
        depth: 0,
        records: records.length,
        reason: String(error),
      });
      await sleep(this.options.retryBackoff?.initialMs ?? 100);
      if (epoch === this.epoch) for (const t of takes) this.ledger.failed(t);
      return;
    }
    if (epoch === this.epoch) for (const t of takes) this.ledger.done(t);
    this.summary.chunks += 1;
    this.summary.records += records.length;
    this.summary.outputs += outcome.outputs;
    this.summary.deadLetters += outcome.deadLetters.length;
    for (const d of outcome.deadLetters) this.options.listener?.deadLettered?.(d);
    const hw = this.highWatermarks.get(first.partition) ?? 0n;
    this.options.listener?.chunkCompleted?.({
      batchId,
      topic: first.topic,
      partition: first.partition,
      records: records.length,
      outputs: outcome.outputs,
      deadLetters: outcome.deadLetters.length,
      splits: outcome.splits,
      durationMs: Date.now() - started,
      lag: Math.max(0, Number(hw - (this.committed.get(first.partition) ?? 0n))),
    });
    if (!this.ledger.full) this.consumer.resume();
    this.commitSoon();
  }

  private commitSoon(): void {
    if (this.commitTimer || this.stopping) return;
    const delay = this.ledger.idle ? 0 : COMMIT_EVERY_MS;
    this.commitTimer = setTimeout(() => {
      this.commitTimer = undefined;
      const previous = this.committing ?? Promise.resolve();
      this.committing = previous.then(() => this.commit()).catch(() => undefined);
    }, delay);
  }

  private async commit(): Promise<void> {
    if (this.stopping) return;
    const epoch = this.epoch;
    const advanced = new Map<number, bigint>();
    for (const [p, o] of this.ledger.committable())
      if (o > (this.committed.get(p) ?? -1n)) advanced.set(p, o);
    if (advanced.size === 0) return;
    try {
      await this.consumer.commit(advanced);
    } catch {
      // A rebalance or a coordinator move: the next completion commits again (or the new owner re-reads).
      if (epoch === this.epoch) this.commitSoon();
      return;
    }
    if (epoch !== this.epoch) return;
    for (const [p, o] of advanced) this.committed.set(p, o);
    if (this.isDrained()) this.drained?.();
  }

  private isDrained(): boolean {
    if (!this.targets) return false;
    for (const [partition, target] of this.targets)
      if ((this.committed.get(partition) ?? 0n) < target) return false;
    return true;
  }
}
