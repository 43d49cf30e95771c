import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import {
  isAuthorizationError,
  createKafka,
  ensureTopics,
  KafkaClient,
  KafkaProbe,
  KafkaProducer,
} from '@fenx/kafka';
import { TOPIC_MANIFEST, TOPICS } from '@fenx/kafka-contracts';
import { kafkaLogsThroughPino } from '@fenx/logging';
import { GroupCommitWriter } from './event-writer';
import { Quarantine } from './quarantine';
import { RADAR_CONFIG } from './tokens';
import type { RadarConfig } from './radar-config';
import { RadarMetrics } from './radar-metrics';

/**
 * radar's Kafka side: the producer, the group-commit writer in front of it, and a cheap
 * reachability probe for readiness. Closed after the HTTP server stopped taking requests.
 */
@Injectable()
export class RadarKafka implements OnApplicationShutdown {
  readonly kafka: KafkaClient;
  readonly producer: KafkaProducer;
  readonly writer: GroupCommitWriter;
  readonly quarantine: Quarantine;
  private readonly kafkaProbe: KafkaProbe;
  private readonly logger = new Logger('RadarKafka');
  private probe?: { at: number; ok: boolean; reason?: string };

  constructor(
    @Inject(RADAR_CONFIG) private readonly config: RadarConfig,
    metrics: RadarMetrics,
  ) {
    this.kafka = createKafka(config.kafka, { logCreator: kafkaLogsThroughPino });
    this.producer = new KafkaProducer(this.kafka, config.kafka);
    this.kafkaProbe = new KafkaProbe(this.kafka, TOPICS.webhookEvents.name);
    this.writer = new GroupCommitWriter(this.producer, {
      topic: TOPICS.webhookEvents.name,
      lingerMs: config.lingerMs,
      batchMax: config.batchMax,
      observe: ({ records, seconds, error }) => {
        metrics.batchSize.observe(records);
        if (error) {
          const denied = isAuthorizationError(error);
          metrics.writeFailures.inc({ reason: denied ? 'denied' : 'error' });
          this.logger.error(
            { records, err: error },
            denied
              ? "Kafka denied radar's principal the write to topic 1 (ACLs): its requests are answered 503"
              : 'Kafka refused a produce call: its requests are answered 503',
          );
        } else metrics.writeDuration.observe(seconds);
      },
    });
    this.quarantine = new Quarantine(
      this.producer,
      { ...config.quarantine, timeoutMs: config.ackTimeoutMs },
      (outcome, error) => {
        metrics.quarantined[outcome].inc();
        if (outcome === 'failed')
          this.logger.error(
            { err: error, topic: TOPICS.webhookUnverified.name },
            'a refused delivery could not be kept in the quarantine topic (it was answered 401 all the same)',
          );
      },
    );
  }

  /** Creates missing manifest topics when the settings say so (real Kafka), then connects. */
  async connect(): Promise<void> {
    if (this.config.kafka.createTopics) await ensureTopics(this.kafka, this.config.kafka, TOPIC_MANIFEST);
    await this.producer.connect();
    await this.kafkaProbe.connect();
  }

  /** Whether the cluster answers a metadata request for topic 1 (cached for a second). */
  async reachable(timeoutMs = 2000): Promise<{ ok: boolean; reason?: string }> {
    if (this.probe && Date.now() - this.probe.at < 1000) return this.probe;
    const result = await this.kafkaProbe.check(timeoutMs);
    this.probe = { at: Date.now(), ...result };
    return result;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.writer.close();
    await this.quarantine.drain();
    await this.producer.disconnect();
    await this.kafkaProbe.disconnect();
  }
}
