import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { FenxClient, fenxClientSettings } from '@fenx/fenx-client';
import { createKafka, KafkaClient, KafkaProducer, readTopic, topicOffsets } from '@fenx/kafka';
import {
  buildWebhookEvent,
  decodeEntityDetail,
  EntityDetail,
  textHeaders,
  TOPICS,
} from '@fenx/kafka-contracts';
import { sharedKafka, TestKafka } from '@fenx/kafka/test';
import {
  AppProcess,
  freePort,
  GroundTruth,
  SIMULATOR_DEFAULTS,
  SimulatorProcess,
  startSimulator,
  waitFor,
} from '@fenx/testing';

const quiet = { logCreator: () => () => undefined };

/**
 * The webhook receiver of these tests: every delivery goes into topic 1 as radar would write it
 * (`buildWebhookEvent`, origin `webhook`) and is answered 200 once Kafka acknowledged it. `paused`
 * answers 503 instead, which is what a listener that cannot queue does.
 */
export class TestReceiver {
  received = 0;
  private server?: Server;

  constructor(private readonly producer: KafkaProducer) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const { record } = buildWebhookEvent({ body: Buffer.concat(chunks), origin: 'webhook' });
        this.producer.emit(TOPICS.webhookEvents.name, [record]).then(
          () => {
            this.received += 1;
            res.writeHead(200).end();
          },
          () => res.writeHead(503).end(),
        );
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/fenx/webhook`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export interface TopicRecord {
  key: string;
  value: string | null;
  headers: Record<string, string>;
  partition: number;
  offset: string;
}

/** Apache Kafka, the simulator delivering webhooks to a `TestReceiver`, and ways to run the extractor. */
export class Harness {
  readonly apps: AppProcess[] = [];
  client!: FenxClient;

  private constructor(
    readonly broker: TestKafka,
    readonly kafka: KafkaClient,
    readonly producer: KafkaProducer,
    readonly receiver: TestReceiver,
    readonly sim: SimulatorProcess,
  ) {}

  static async start(simEnv: Record<string, string> = {}): Promise<Harness> {
    const broker = await sharedKafka();
    const kafka = createKafka(broker.settings(), quiet);
    const producer = new KafkaProducer(kafka, broker.settings());
    await producer.connect();
    const receiver = new TestReceiver(producer);
    const url = await receiver.start();
    const sim = await startSimulator({
      SIM_AUTOSTART: 'false',
      SIM_WEBHOOK_URL: url,
      SIM_ENTITIES: '12',
      ...simEnv,
    });
    const h = new Harness(broker, kafka, producer, receiver, sim);
    h.client = new FenxClient(
      fenxClientSettings({
        baseUrl: sim.url,
        clientId: SIMULATOR_DEFAULTS.clientId,
        clientSecret: SIMULATOR_DEFAULTS.clientSecret,
        tenantId: SIMULATOR_DEFAULTS.tenantId,
        rateLimitPerSecond: 1000,
        maxConcurrency: 20,
      }),
    );
    return h;
  }

  async stop(): Promise<void> {
    for (const app of this.apps) await app.stop().catch(() => undefined);
    await this.client?.close();
    await this.sim.stop();
    await this.receiver.stop();
    await this.producer.disconnect();
    await this.broker.stop();
  }

  /** The extractor's environment: this broker and simulator, quiet logs, no schedule. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      ...this.broker.env(),
      FENX_BASE_URL: this.sim.url,
      FENX_CLIENT_ID: SIMULATOR_DEFAULTS.clientId,
      FENX_CLIENT_SECRET: SIMULATOR_DEFAULTS.clientSecret,
      FENX_TENANT_ID: SIMULATOR_DEFAULTS.tenantId,
      FENX_RATE_LIMIT_PER_SECOND: '500',
      LOG_LEVEL: 'warn',
      EXTRACTOR_SESSION_TIMEOUT_MS: '10000',
      RECONCILE_INTERVAL_MINUTES: '0',
      RECONCILE_SETTLE_SECONDS: '0',
      ...extra,
    };
  }

  /** Runs the built extractor with `args` to its end; fails with its output unless it exits 0. */
  async runToEnd(args: string[], extra: Record<string, string> = {}): Promise<AppProcess> {
    const app = await AppProcess.start({ name: 'entity-extractor', args, env: this.env(extra) });
    this.apps.push(app);
    const { code, signal } = await app.exited();
    if (code !== 0)
      throw new Error(
        `entity-extractor ${args.join(' ')} exited ${code ?? signal}:\n${app.output().slice(-40).join('\n')}`,
      );
    return app;
  }

  /** Starts the extractor as a service (continuous mode) and waits until it is ready. */
  async startService(extra: Record<string, string> = {}): Promise<{ app: AppProcess; port: number }> {
    const port = await freePort();
    const app = await AppProcess.start({
      name: 'entity-extractor',
      args: ['run'],
      env: this.env({ EXTRACTOR_MODE: 'continuous', EXTRACTOR_PORT: String(port), ...extra }),
      readyUrl: `http://127.0.0.1:${port}/health/ready`,
      readyTimeoutMs: 60000,
    });
    this.apps.push(app);
    return { app, port };
  }

  groundTruth(): Promise<GroundTruth> {
    return this.sim.control.groundTruth();
  }

  step(count: number): Promise<void> {
    return this.sim.control.step(count);
  }

  /** Waits until the simulator delivered every queued notification to an enabled webhook. */
  async deliveriesSettled(): Promise<void> {
    await waitFor(
      async () => {
        const t = await this.groundTruth();
        return t.webhooks.every((w) => w.status !== 'Enabled' || (w.queued === 0 && w.inFlight === 0));
      },
      { timeoutMs: 60000, intervalMs: 200, what: 'webhook deliveries settled' },
    );
  }

  async setWebhookEnabled(enabled: boolean): Promise<void> {
    const [webhook] = (await this.groundTruth()).webhooks;
    await this.client.call({
      method: 'PUT',
      route: '/webhooks/v1/webhooks/{id}',
      path: `/webhooks/v1/webhooks/${webhook.id}`,
      body: { enabled },
    });
  }

  /** Every record of a topic, from its start to the end offsets noted now, in partition order. */
  async records(topic: string): Promise<TopicRecord[]> {
    return (await readTopic(this.kafka, topic))
      .map((r) => ({
        key: r.key ?? '',
        value: r.value?.toString('utf8') ?? null,
        headers: textHeaders(r.headers),
        partition: r.partition,
        offset: r.offset,
      }))
      .sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  }

  /** The latest value of every key of a topic. */
  async latest(topic: string): Promise<Map<string, TopicRecord>> {
    return new Map((await this.records(topic)).map((r) => [r.key, r]));
  }

  /** The latest entity-detail record of every key. */
  async entityDetails(): Promise<Map<string, EntityDetail>> {
    const out = new Map<string, EntityDetail>();
    for (const [key, rec] of await this.latest(TOPICS.entityDetails.name)) {
      const d = decodeEntityDetail(rec.value);
      if (!d.ok) throw new Error(`undecodable entity detail ${key}: ${d.reason}`);
      out.set(key, d.value);
    }
    return out;
  }

  /** Topic-1 values (every record, not just the latest per key). */
  async topicOneCount(): Promise<number> {
    const offsets = await topicOffsets(this.kafka, TOPICS.webhookEvents.name);
    return offsets.reduce((n, o) => n + Number(BigInt(o.high) - BigInt(o.low)), 0);
  }
}

/**
 * What the entity topic lacks to match the simulator: every entity's latest verified version, every
 * open draft's version, and no draft shown open that is closed. Empty when complete.
 */
export function compareWithGroundTruth(details: Map<string, EntityDetail>, truth: GroundTruth): string[] {
  const problems: string[] = [];
  for (const e of truth.entities) {
    const rec = details.get(e.id);
    if (!rec || rec.state !== 'present' || rec.version !== e.version)
      problems.push(
        `entity ${e.id}: want version ${e.version}, have ${rec ? `${rec.state} ${rec.version}` : 'none'}`,
      );
    for (const d of e.drafts) {
      const dr = details.get(`${e.id}/draft/${d.id}`);
      const status = (dr?.data as { status?: string } | null)?.status;
      // Every open draft must be there as it is; a draft that is there must not look open once closed.
      if (d.status !== 'InProgress' && (!dr || status === d.status)) continue;
      if (!dr || dr.version !== d.version || status !== d.status)
        problems.push(
          `draft ${d.id}: want v${d.version} ${d.status}, have ${dr ? `v${dr.version} ${status}` : 'none'}`,
        );
    }
  }
  return problems;
}
