import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  BatchConsumer,
  ConsumedRecord,
  createKafka,
  ensureTopics,
  GroupLagProbe,
  KafkaClient,
  KafkaProducer,
  ProgressWatch,
  StopConsumerError,
} from '@fenx/kafka';
import { TOPIC_MANIFEST, TOPICS } from '@fenx/kafka-contracts';
import { kafkaLogsThroughPino } from '@fenx/logging';
import { LAKE_TOPICS, LakeSinkConfig } from './lake-config';
import { chunkFiles, ndjson } from './lake-files';
import { LakeMetrics } from './lake-metrics';
import { LakeStore, lakeStore } from './lake-store';

export const LAKE_CONFIG = Symbol('LAKE_CONFIG');

/**
 * One consumer per lake topic. A partition's records are held across fetches, uncommitted, until
 * they reach LAKE_SINK_FLUSH_RECORDS or LAKE_SINK_FLUSH_BYTES or the oldest waited
 * LAKE_SINK_FLUSH_INTERVAL_MS (no small files). Each such chunk becomes one file per hour its records
 * fall in; the files are put in place (written, flushed, renamed) and only then are the chunk's
 * offsets committed. A chunk always starts right after the last commit and a file is named by its
 * first record, so a crash between the two rewrites the same file names on restart: no duplicate,
 * no hole.
 */
@Injectable()
export class LakeSinkService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly store: LakeStore;
  private readonly kafka: KafkaClient;
  private readonly producer: KafkaProducer;
  private readonly consumers: { groupId: string; consumer: BatchConsumer }[] = [];
  private readonly probe: GroupLagProbe;
  private readonly logger = new Logger('LakeSink');
  state: 'starting' | 'running' | 'failed' | 'stopped' = 'starting';
  /** Partitions with records to write and no file committed for LAKE_SINK_STALL_AFTER_MS. */
  readonly progress: ProgressWatch;

  constructor(
    @Inject(LAKE_CONFIG) private readonly config: LakeSinkConfig,
    private readonly metrics: LakeMetrics,
  ) {
    this.store = lakeStore(config.target, config.s3);
    this.kafka = createKafka(config.kafka, { logCreator: kafkaLogsThroughPino });
    // Only needed by BatchConsumer for dead letters, which the sink never makes (every record is a line).
    this.producer = new KafkaProducer(this.kafka, config.kafka);
    this.probe = new GroupLagProbe(this.kafka);
    const tracked = () => this.consumers.map((c) => ({ groupId: c.groupId, progress: c.consumer.progress }));
    this.progress = new ProgressWatch(() => tracked().map((c) => c.progress), {
      stallAfterMs: config.stallAfterMs,
      // The brokers' ends and commits: a consumer whose fetches never complete shows its lag too.
      refresh: () => this.probe.feed(tracked()),
      observed: (snapshot) => this.metrics.observed(snapshot),
      stalled: (stall) =>
        this.logger.error(
          { ...stall, stallAfterMs: config.stallAfterMs },
          `lake consumer stalled: ${stall.topic}/${stall.partition} has ${stall.lag} records to write and committed no file for ${Math.round(stall.forMs / 1000)} s; not ready`,
        ),
      recovered: (topic) => this.logger.log({ topic }, 'lake consumer moves on again; ready'),
      giveUpAfterMs: config.stallExitAfterMs,
      gaveUp: (stall) =>
        this.exitForRestart(
          { ...stall, stallExitAfterMs: config.stallExitAfterMs },
          `lake consumer stalled for ${Math.round(stall.forMs / 1000)} s: ${stall.topic}/${stall.partition} has ${stall.lag} records to write and committed no file`,
        ),
    });
  }

  /**
   * The sink cannot go on: one error line with the reason, not ready, and exit code 1 so that the
   * orchestrator starts it afresh (it resumes from the committed offsets). The shutdown hooks stop
   * the consumers; one that cannot stop does not hold the exit past 15 s.
   */
  private exitForRestart(fields: Record<string, unknown>, reason: string): void {
    if (this.state === 'failed' || this.state === 'stopped') return;
    this.state = 'failed';
    this.logger.error(fields, `${reason}: not ready, exiting with code 1 so it restarts`);
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 15000).unref();
    process.kill(process.pid, 'SIGTERM');
  }

  private async write(records: ConsumedRecord[]): Promise<void> {
    const started = process.hrtime.bigint();
    const files = chunkFiles(records);
    try {
      for (const f of files) await this.store.put(f.path, ndjson(f.lines));
    } catch (error) {
      // Nothing is committed: the chunk is consumed again after a restart.
      throw new StopConsumerError(
        `writing to ${this.store.location} failed: ${(error as Error).message}`,
        error,
      );
    }
    const topic = records[0].topic;
    let rejected = 0;
    for (const f of files)
      for (const l of f.rejected ? f.lines : []) {
        rejected += 1;
        this.metrics.rejected.inc({ topic, reason: l.rejected ?? 'unknown' });
      }
    if (rejected > 0)
      this.logger.warn(
        { topic, partition: records[0].partition, rejected },
        'records rejected into _rejected/ (a value not JSON, or of another schema)',
      );
    this.metrics.records.inc({ topic }, records.length - rejected);
    this.metrics.files.inc({ topic }, files.length);
    this.metrics.duration.observe(Number(process.hrtime.bigint() - started) / 1e9);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.store.cleanUp();
    if (this.config.kafka.createTopics) await ensureTopics(this.kafka, this.config.kafka, TOPIC_MANIFEST);
    await this.producer.connect();
    for (const topic of LAKE_TOPICS) {
      const groupId = `${this.config.groupId}.${topic}`;
      const consumer = new BatchConsumer({
        kafka: this.kafka,
        producer: this.producer,
        groupId,
        topic,
        deadLetterTopic: TOPICS.lakeSinkDeadLetter.name,
        chunkSize: this.config.flushRecords,
        hold: {
          maxBytes: this.config.flushBytes,
          maxMs: this.config.flushIntervalMs,
        },
        partitionsConsumedConcurrently: this.config.partitionsConcurrently,
        maxBytesPerPartition: 8 * 1024 * 1024,
        handler: async (records) => {
          await this.write(records);
          return { outputs: [] };
        },
        listener: {
          chunkCompleted: () => {
            this.metrics.last.set(Date.now() / 1000);
            this.metrics.observed(consumer.progress.snapshot(this.config.stallAfterMs));
          },
        },
      });
      this.consumers.push({ groupId, consumer });
      consumer
        .runContinuous()
        .catch((error: Error) =>
          this.exitForRestart(
            { topic, err: error },
            `lake consumer of ${topic} failed for good (${error.message})`,
          ),
        );
    }
    this.state = 'running';
    this.progress.start();
    this.logger.log({ target: this.store.location, topics: LAKE_TOPICS }, 'lake sink running');
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.state !== 'failed') this.state = 'stopped';
    this.progress.stop();
    await Promise.all(this.consumers.map((c) => c.consumer.stop()));
    await this.probe.close();
    await this.producer.disconnect();
  }
}
