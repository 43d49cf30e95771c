import { createKafka, KafkaClient, readTopic } from '@fenx/kafka';
import { decodeWebhookEvent, TOPICS } from '@fenx/kafka-contracts';
import { sharedKafka, TestKafka } from '@fenx/kafka/test';
import {
  AppProcess,
  freePort,
  SIMULATOR_DEFAULTS,
  SimulatorProcess,
  startSimulator,
  waitFor,
} from '@fenx/testing';

/** The simulator signing and delivering its webhooks to the built radar, which writes them to topic 1. */
describe('radar receiving the simulator’s signed webhooks', () => {
  let broker: TestKafka;
  let kafka: KafkaClient;
  let sim: SimulatorProcess;
  let radar: AppProcess;
  let port: number;

  const startRadar = () =>
    AppProcess.start({
      name: 'radar',
      env: {
        ...broker.env(),
        PORT: String(port),
        RADAR_WEBHOOK_SECRETS: SIMULATOR_DEFAULTS.webhookSecret,
        FENX_TENANT_ID: SIMULATOR_DEFAULTS.tenantId,
        LOG_LEVEL: 'info',
      },
      readyUrl: `http://127.0.0.1:${port}/health/ready`,
      readyTimeoutMs: 60000,
    });

  const topicIds = async () =>
    (await readTopic(kafka, TOPICS.webhookEvents.name)).map((r) => {
      const d = decodeWebhookEvent(r.value);
      if (!d.ok) throw new Error(d.reason);
      return d.value;
    });

  const webhook = async () => (await sim.control.groundTruth()).webhooks[0];

  beforeAll(async () => {
    broker = await sharedKafka();
    kafka = createKafka(broker.settings('radar-e2e'), { logCreator: () => () => undefined });
    port = await freePort();
    radar = await startRadar();
    sim = await startSimulator({
      SIM_AUTOSTART: 'false',
      SIM_ENTITIES: '10',
      SIM_WEBHOOK_URL: `http://127.0.0.1:${port}/webhooks/fenx`,
      // 2, 4, 8 and 16 simulated minutes take 2, 4, 8 and 16 s.
      SIM_TIME_SCALE: '60',
    });
  }, 120000);

  afterAll(async () => {
    await radar?.stop();
    await sim?.stop();
    await broker?.stop();
  });

  it('writes every notification the simulator delivered to topic 1, valid, with its ids', async () => {
    await sim.control.step(150);
    await waitFor(
      async () => {
        const w = await webhook();
        return w.queued === 0 && w.inFlight === 0 && w.retrying === 0;
      },
      { timeoutMs: 60000, what: 'every delivery made' },
    );
    const { deliveries } = await sim.control.deliveries((await webhook()).id);
    const delivered = deliveries.filter((d) => d.outcome === 'delivered').map((d) => d.notificationId);
    expect(delivered.length).toBeGreaterThan(100);
    const events = await topicIds();
    const byId = new Map(events.map((e) => [e.notificationId, e]));
    expect(delivered.filter((id) => !byId.has(id))).toEqual([]);
    expect(events.filter((e) => !e.valid).map((e) => e.problems)).toEqual([]);
    expect(events.every((e) => e.ids.journeyId !== undefined || e.ids.entityId !== undefined)).toBe(true);
  });

  it('while radar is down FenX retries; once it is back every notification arrives and the webhook stays enabled', async () => {
    await radar.stop();
    await sim.control.step(30);
    await waitFor(async () => (await webhook()).retrying > 0 || (await webhook()).status === 'Retrying', {
      timeoutMs: 30000,
      what: 'FenX retrying the failed deliveries',
    });
    radar = await startRadar();
    await waitFor(
      async () => {
        const w = await webhook();
        return w.queued === 0 && w.inFlight === 0 && w.retrying === 0 ? w : undefined;
      },
      { timeoutMs: 90000, intervalMs: 500, what: 'the retries delivered' },
    );
    expect((await webhook()).status).toBe('Enabled');
    const { deliveries } = await sim.control.deliveries((await webhook()).id);
    const ids = new Set((await topicIds()).map((e) => e.notificationId));
    expect(deliveries.filter((d) => d.outcome === 'delivered' && !ids.has(d.notificationId))).toEqual([]);
    expect(deliveries.some((d) => d.attempts > 1)).toBe(true);
  });

  it('never writes the webhook secret or a signature into its logs', async () => {
    const output = radar.output().join('\n');
    expect(output).toContain('"service.name":"radar"');
    expect(output).not.toContain(SIMULATOR_DEFAULTS.webhookSecret);
    expect(output).not.toMatch(/sha256=[0-9A-Fa-f]{64}/);
  });
});
