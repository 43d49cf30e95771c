import { parseNotification, toWebhookBody } from '@fenx/fenx-events';
import { createKafka, KafkaClient, KafkaProducer, readTopic } from '@fenx/kafka';
import {
  buildWebhookEvent,
  decodeJourneyDetail,
  JourneyDetail,
  OutgoingRecord,
  textHeaders,
  TOPICS,
} from '@fenx/kafka-contracts';
import { KafkaCluster, sharedKafka, TestKafka } from '@fenx/kafka/test';
import {
  AppProcess,
  freePort,
  GroundTruth,
  SIMULATOR_DEFAULTS,
  SimulatorProcess,
  startSimulator,
} from '@fenx/testing';

export const APP = 'journey-extractor';
const quiet = { logCreator: () => () => undefined };

export interface ConsumedDetail {
  key: string;
  partition: number;
  offset: string;
  headers: Record<string, string>;
  detail: JourneyDetail;
}

export type TruthJourney = GroundTruth['journeys'][number];

/** Reads a topic from its start to the end offsets noted now, in partition order, headers as text. */
export async function readTopicToEnd(kafka: KafkaClient, topic: string) {
  const records = await readTopic(kafka, topic);
  return records
    .map((r) => ({
      key: r.key,
      value: r.value,
      partition: r.partition,
      offset: r.offset,
      headers: textHeaders(r.headers),
    }))
    .sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

/** Apache Kafka, the FenX simulator (manual generator) and helpers to feed and check the extractor. */
export class Harness {
  private fedOffset = 0;
  readonly apps: AppProcess[] = [];

  private constructor(
    readonly broker: TestKafka,
    readonly kafka: KafkaClient,
    readonly producer: KafkaProducer,
    readonly sim: SimulatorProcess,
  ) {}

  /** On the run's shared cluster; `ownCluster` for a test that stops brokers (see `cluster`). */
  static async start(
    simEnv: Record<string, string> = {},
    options: { ownCluster?: boolean } = {},
  ): Promise<Harness> {
    const broker = options.ownCluster ? await KafkaCluster.start({ brokers: 3 }) : await sharedKafka();
    const kafka = createKafka(broker.settings('journey-e2e'), quiet);
    const producer = new KafkaProducer(kafka, broker.settings('journey-e2e'));
    await producer.connect();
    const sim = await startSimulator({
      SIM_AUTOSTART: 'false',
      SIM_ENTITIES: '10',
      SIM_JOURNEYS: '20',
      ...simEnv,
    });
    return new Harness(broker, kafka, producer, sim);
  }

  /** The harness's own cluster, for faults (started with `ownCluster`). */
  get cluster(): KafkaCluster {
    if (!(this.broker instanceof KafkaCluster)) throw new Error('this harness runs on the shared cluster');
    return this.broker;
  }

  async stop(): Promise<void> {
    for (const app of this.apps) await app.stop(5000);
    await this.sim.stop();
    await this.producer.disconnect().catch(() => undefined);
    await this.broker.stop();
  }

  /** Generator steps now (each is one simulated action with its events). */
  step(count: number): Promise<void> {
    return this.sim.control.step(count);
  }

  async faults(faults: Record<string, unknown>): Promise<void> {
    await this.sim.control.setFaults(faults);
  }

  async clearFaults(): Promise<void> {
    await this.sim.control.clearFaults();
  }

  async journeys(): Promise<TruthJourney[]> {
    return (await this.sim.control.groundTruth()).journeys;
  }

  /**
   * Produces the simulator's events since the last call to topic 1, as radar would (webhook-event
   * envelopes keyed by journey or entity id); every `duplicateEvery`-th event is produced twice, as
   * FenX's at-least-once delivery does. Returns the number of journey events produced.
   */
  async feedEvents(duplicateEvery = 10): Promise<{ events: number; journeyEvents: number }> {
    let events = 0;
    let journeyEvents = 0;
    for (;;) {
      const page = await this.sim.control.events(this.fedOffset, 2000);
      if (page.events.length === 0) break;
      const records: OutgoingRecord[] = [];
      page.events.forEach((raw, i) => {
        const body = Buffer.from(JSON.stringify(toWebhookBody(parseNotification(raw).notification)));
        const { event, record } = buildWebhookEvent({ body, origin: 'webhook' });
        records.push(record);
        if (event.domain === 'journey') journeyEvents++;
        if ((this.fedOffset + i) % duplicateEvery === 0)
          records.push(buildWebhookEvent({ body, origin: 'webhook' }).record);
      });
      for (let i = 0; i < records.length; i += 500)
        await this.producer.emit(TOPICS.webhookEvents.name, records.slice(i, i + 500));
      this.fedOffset += page.events.length;
      events += page.events.length;
    }
    return { events, journeyEvents };
  }

  async extractorEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
    return {
      ...this.broker.env(),
      KAFKA_CLIENT_ID: APP,
      FENX_BASE_URL: this.sim.url,
      FENX_CLIENT_ID: SIMULATOR_DEFAULTS.clientId,
      FENX_CLIENT_SECRET: SIMULATOR_DEFAULTS.clientSecret,
      FENX_TENANT_ID: SIMULATOR_DEFAULTS.tenantId,
      FENX_RATE_LIMIT_PER_SECOND: '500',
      FENX_BACKOFF_BASE_MS: '20',
      FENX_BACKOFF_MAX_MS: '500',
      EXTRACTOR_PORT: String(await freePort()),
      EXTRACTOR_RETRY_BACKOFF_MS: '20',
      EXTRACTOR_RETRY_BACKOFF_MAX_MS: '500',
      EXTRACTOR_SESSION_TIMEOUT_MS: '10000',
      JOURNEY_SAFETY_NET_INTERVAL_MS: '0',
      LOG_LEVEL: 'info',
      ...extra,
    };
  }

  /** Runs `EXTRACTOR_MODE=once` (or a job) to its end. */
  async runOnce(extra: Record<string, string> = {}): Promise<{ code: number | null; output: string[] }> {
    const app = await AppProcess.start({
      name: APP,
      env: await this.extractorEnv({ EXTRACTOR_MODE: 'once', ...extra }),
    });
    this.apps.push(app);
    const { code } = await app.exited();
    return { code, output: app.output() };
  }

  async startContinuous(extra: Record<string, string> = {}): Promise<{ app: AppProcess; url: string }> {
    const env = await this.extractorEnv({ EXTRACTOR_MODE: 'continuous', ...extra });
    const url = `http://127.0.0.1:${env['EXTRACTOR_PORT']}`;
    const app = await AppProcess.start({
      name: APP,
      env,
      readyUrl: `${url}/health/live`,
      readyTimeoutMs: 60000,
    });
    this.apps.push(app);
    return { app, url };
  }

  async details(): Promise<ConsumedDetail[]> {
    const records = await readTopicToEnd(this.kafka, TOPICS.journeyDetails.name);
    return records.map((r) => {
      const decoded = decodeJourneyDetail(r.value);
      if (!decoded.ok)
        throw new Error(`topic 2 holds a record that is not a journey detail: ${decoded.reason}`);
      return {
        key: r.key ?? '',
        partition: r.partition,
        offset: r.offset,
        headers: r.headers,
        detail: decoded.value,
      };
    });
  }

  /** Differences between the latest detail of each journey in topic 2 and the simulator's ground truth. */
  async mismatches(deletedIds: string[] = []): Promise<string[]> {
    const latest = new Map<string, JourneyDetail>();
    for (const d of await this.details()) latest.set(d.key, d.detail);
    const problems: string[] = [];
    for (const j of await this.journeys()) {
      const d = latest.get(j.id);
      if (!d) problems.push(`${j.id}: no detail`);
      else if (deletedIds.includes(j.id)) {
        if (d.state !== 'deleted') problems.push(`${j.id}: expected deleted, got ${d.state}`);
      } else if (d.state !== 'present') problems.push(`${j.id}: ${d.state}`);
      else if (d.etag !== j.etag) problems.push(`${j.id}: etag ${d.etag}, truth ${j.etag} (v${j.version})`);
      else if ((d.journey as { status?: string }).status !== j.status)
        problems.push(`${j.id}: status ${(d.journey as { status?: string }).status}, truth ${j.status}`);
    }
    return problems;
  }
}
