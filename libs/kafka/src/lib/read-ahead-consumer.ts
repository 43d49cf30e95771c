import type { Consumer } from 'kafkajs';
import { TopicName } from '@fenx/kafka-contracts';
import { groupOffsets, partitionOffsets } from './admin';
import { ConsumedRecord, toConsumed } from './chunk-processor';
import { createConsumer, KafkaClient, kafkajs } from './kafka-client';
import { ConsumerProgress } from './consumer-progress';

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
