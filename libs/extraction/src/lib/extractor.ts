import {
  BatchConsumer,
  BatchListener,
  DrainSummary,
  GroupLagProbe,
  KafkaClient,
  KafkaProducer,
  ProgressWatch,
  Stall,
} from '@fenx/kafka';
import { HEADER, TopicName, TOPICS } from '@fenx/kafka-contracts';
import { CoalescingConsumer, CoalescingSettings } from './coalescing-consumer';
import type { ExtractionMetrics } from './extraction-metrics';
import { deadLetterReasonLabel, ExtractionLogger, ExtractionPipeline } from './extraction-pipeline';

export interface ExtractorOptions {
  kafka: KafkaClient;
  /** Connected by the caller; shared with everything else the app produces. */
  producer: KafkaProducer;
  groupId: string;
  deadLetterTopic: TopicName;
  pipeline: ExtractionPipeline;
  metrics: ExtractionMetrics;
  logger?: ExtractionLogger;
  /** Topic 1 by default. */
  sourceTopic?: TopicName;
  /** Records per chunk (one handler call, one produce, one commit). */
  chunkSize?: number;
  maxRetryDepth?: number;
  retryBackoff?: { initialMs: number; maxMs: number };
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  /** Fetch sizes: a chunk holds at most one fetch of a partition. */
  maxBytesPerPartition?: number;
  maxBytes?: number;
  random?: () => number;
  /**
   * Backlog-wide coalescing (`CoalescingConsumer`): read ahead into a bounded pending set and fetch
   * each key once across the backlog. Unset: chunks of `chunkSize` consecutive records.
   */
  coalescing?: CoalescingSettings;
  /** After every join of the consumer group (coalescing mode), with this process's partitions. */
  onAssignment?: (partitions: number[]) => void;
  /** A partition with events and no commit for this long is stalled (not ready); default 5 minutes. */
  stallAfterMs?: number;
  /** A stall this long fails `runContinuous` (the app exits to be restarted); unset or 0: never. */
  stallExitAfterMs?: number;
}

/** `runContinuous` gave up on a consumer that made no progress for the stall-exit time. */
export class ConsumerStalledError extends Error {
  constructor(readonly stall: Stall) {
    super(
      `stalled: ${stall.topic}/${stall.partition} has ${stall.lag} events to process and committed nothing for ${Math.round(stall.forMs / 1000)} s`,
    );
    this.name = 'ConsumerStalledError';
  }
}

export type ExtractorState = 'idle' | 'running' | 'stopped' | 'failed';

const silent: ExtractionLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * An extractor's consumer: `BatchConsumer` (commit-after-produce, divide-and-retry, dead letters)
 * around an `ExtractionPipeline`, with the shared metrics and log lines. `runOnce` is the scheduled
 * job (drain to the watermarks noted at start), `runContinuous` the long-running service; both are
 * the same code path.
 */
export class Extractor {
  private consumer?: BatchConsumer | CoalescingConsumer;
  private currentState: ExtractorState = 'idle';
  private readonly logger: ExtractionLogger;
  private readonly watch: ProgressWatch;
  private readonly probe: GroupLagProbe;
  /** Fails the running `runContinuous` (set while it runs). */
  private giveUp?: (error: ConsumerStalledError) => void;

  constructor(private readonly options: ExtractorOptions) {
    this.logger = options.logger ?? silent;
    const stallAfterMs = options.stallAfterMs ?? 300000;
    this.probe = new GroupLagProbe(options.kafka);
    this.watch = new ProgressWatch(() => (this.consumer ? [this.consumer.progress] : []), {
      stallAfterMs,
      // The brokers' ends and commits: a consumer whose fetches never complete shows its lag too.
      refresh: async () => {
        const consumer = this.consumer;
        if (consumer) await this.probe.feed([{ groupId: options.groupId, progress: consumer.progress }]);
      },
      observed: (s) => {
        options.metrics.lastProgress.set({ topic: s.topic }, s.lastProgressAt / 1000);
        options.metrics.consumerLag.set(s.lag);
      },
      stalled: (stall) =>
        this.logger.error(
          { ...stall, stallAfterMs },
          `consumer stalled: ${stall.topic}/${stall.partition} has ${stall.lag} events to process and committed nothing for ${Math.round(stall.forMs / 1000)} s; not ready`,
        ),
      recovered: (topic) => this.logger.log({ topic }, 'consumer moves on again; ready'),
      giveUpAfterMs: options.stallExitAfterMs,
      gaveUp: (stall) => this.giveUp?.(new ConsumerStalledError(stall)),
    });
  }

  get state(): ExtractorState {
    return this.currentState;
  }

  /** Partitions with events to process and no commit for the stall time (empty when not running). */
  get stalled(): Stall[] {
    return this.consumer ? this.watch.stalled : [];
  }

  /** Drains topic 1 to the high watermarks noted at start, commits, and resolves with a summary. */
  async runOnce(): Promise<DrainSummary> {
    const consumer = this.newConsumer();
    this.currentState = 'running';
    const started = Date.now();
    try {
      const summary = await consumer.runOnce();
      this.currentState = 'stopped';
      this.options.metrics.lastSuccess.set(Date.now() / 1000);
      this.logger.log({ ...summary, durationMs: Date.now() - started }, 'drained to the noted watermarks');
      return summary;
    } catch (error) {
      this.currentState = 'failed';
      throw error;
    } finally {
      this.consumer = undefined;
    }
  }

  /**
   * Consumes until `stop()`; rejects when the consumer fails for good, or with `ConsumerStalledError`
   * when it made no progress for `stallExitAfterMs` (its stop is then started, not awaited: a stuck
   * consumer may never finish stopping).
   */
  async runContinuous(): Promise<void> {
    const consumer = this.newConsumer();
    this.currentState = 'running';
    const stuck = new Promise<never>((_, reject) => {
      this.giveUp = reject;
    });
    this.watch.start();
    try {
      await Promise.race([consumer.runContinuous(), stuck]);
      this.currentState = 'stopped';
    } catch (error) {
      this.currentState = 'failed';
      if (error instanceof ConsumerStalledError) {
        if (this.consumer === consumer) this.consumer = undefined;
        consumer.stop().catch(() => undefined);
      }
      throw error;
    } finally {
      this.giveUp = undefined;
      this.watch.stop();
      await this.probe.close();
      if (this.consumer === consumer) this.consumer = undefined;
    }
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer) await consumer.stop();
    if (this.currentState === 'running') this.currentState = 'stopped';
  }

  private newConsumer(): BatchConsumer | CoalescingConsumer {
    if (this.consumer) throw new Error('the extractor is already running');
    const { metrics, pipeline } = this.options;
    const listener: BatchListener = {
      chunkCompleted: (report) => {
        pipeline.chunkCompleted(report.batchId);
        metrics.batchDuration.observe(report.durationMs / 1000);
        if (report.splits > 0) metrics.batchSplits.inc(report.splits);
        if (this.consumer) metrics.consumerLag.set(this.consumer.progress.lag);
        metrics.lastSuccess.set(Date.now() / 1000);
        this.logger.log({ ...report }, 'batch committed');
      },
      retrying: (info) => {
        this.logger.warn({ ...info }, 'dividing and retrying failed events');
      },
      deadLettered: ({ record, reason, attempts }) => {
        metrics.deadLetters.inc({ reason: deadLetterReasonLabel(reason) });
        this.logger.error(
          {
            source: `${record.topic}/${record.partition}/${record.offset}`,
            key: record.key,
            notificationId: record.headers[HEADER.notificationId],
            reason,
            attempts,
          },
          'event dead-lettered',
        );
      },
    };
    if (this.options.coalescing) {
      this.consumer = new CoalescingConsumer({
        kafka: this.options.kafka,
        producer: this.options.producer,
        groupId: this.options.groupId,
        topic: this.options.sourceTopic ?? TOPICS.webhookEvents.name,
        deadLetterTopic: this.options.deadLetterTopic,
        handler: pipeline.handle,
        keyOf: pipeline.coalescingKeyOf,
        listener,
        assigned: this.options.onAssignment,
        coalescing: this.options.coalescing,
        maxRetryDepth: this.options.maxRetryDepth,
        retryBackoff: this.options.retryBackoff,
        sessionTimeoutMs: this.options.sessionTimeoutMs,
        maxBytesPerPartition: this.options.maxBytesPerPartition,
        maxBytes: this.options.maxBytes,
        random: this.options.random,
      });
      return this.consumer;
    }
    this.consumer = new BatchConsumer({
      kafka: this.options.kafka,
      producer: this.options.producer,
      groupId: this.options.groupId,
      topic: this.options.sourceTopic ?? TOPICS.webhookEvents.name,
      deadLetterTopic: this.options.deadLetterTopic,
      handler: pipeline.handle,
      listener,
      chunkSize: this.options.chunkSize,
      maxRetryDepth: this.options.maxRetryDepth,
      retryBackoff: this.options.retryBackoff,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      sessionTimeoutMs: this.options.sessionTimeoutMs,
      maxBytesPerPartition: this.options.maxBytesPerPartition,
      maxBytes: this.options.maxBytes,
      random: this.options.random,
    });
    return this.consumer;
  }
}
