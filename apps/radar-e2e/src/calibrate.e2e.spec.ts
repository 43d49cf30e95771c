import { randomUUID } from 'node:crypto';
import { createKafka, KafkaClient, readTopic } from '@fenx/kafka';
import { decodeWebhookEvent, TOPICS } from '@fenx/kafka-contracts';
import { sharedKafka, TestKafka } from '@fenx/kafka/test';
import {
  AppProcess,
  freePort,
  metricValue,
  SIMULATOR_DEFAULTS,
  SimulatorProcess,
  startSimulator,
  waitFor,
} from '@fenx/testing';

/**
 * The first deployment: FenX signs with a scheme radar is not set to, so radar refuses every
 * delivery and keeps them in the quarantine; `radar calibrate --from-kafka` names the scheme; with it
 * set, FenX's retries are taken and nothing is lost.
 */
describe('radar calibrated from the deliveries it refused', () => {
  // A secret of this test alone, so that the quarantine's other deliveries (other suites share the
  // cluster) match nothing with it.
  const secret = `calibrate-e2e-${randomUUID()}`;
  const fenxScheme = 'sha256-base64';
  let broker: TestKafka;
  let kafka: KafkaClient;
  let sim: SimulatorProcess;
  let radar: AppProcess | undefined;
  let port: number;

  const radarEnv = (extra: Record<string, string> = {}) => ({
    ...broker.env(),
    PORT: String(port),
    RADAR_WEBHOOK_SECRETS: JSON.stringify([secret]),
    FENX_TENANT_ID: SIMULATOR_DEFAULTS.tenantId,
    LOG_LEVEL: 'info',
    ...extra,
  });
  const startRadar = (extra: Record<string, string> = {}) =>
    AppProcess.start({
      name: 'radar',
      env: radarEnv(extra),
      readyUrl: `http://127.0.0.1:${port}/health/ready`,
      readyTimeoutMs: 60000,
    });
  const webhook = async () => (await sim.control.groundTruth()).webhooks[0];

  beforeAll(async () => {
    broker = await sharedKafka();
    kafka = createKafka(broker.settings('radar-calibrate-e2e'), { logCreator: () => () => undefined });
    port = await freePort();
    radar = await startRadar();
    sim = await startSimulator({
      SIM_AUTOSTART: 'false',
      SIM_ENTITIES: '5',
      SIM_WEBHOOK_URL: `http://127.0.0.1:${port}/webhooks/fenx`,
      SIM_WEBHOOK_SECRET: secret,
      SIM_SIGNING_SCHEME: fenxScheme,
      // FenX's retries after 2, 4, 8 and 16 minutes take 12, 24, 48 and 96 s: time to calibrate.
      SIM_TIME_SCALE: '10',
    });
  }, 120000);

  afterAll(async () => {
    await radar?.stop();
    await sim?.stop();
    await broker?.stop();
  });

  it('names the scheme FenX signs with; once radar uses it, every refused delivery arrives on retry', async () => {
    await sim.control.step(20);
    // Refused with 401 and kept: FenX is retrying.
    await waitFor(
      async () => {
        const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        return metricValue(metrics, 'radar_quarantine_total', { outcome: 'stored' }) > 0 &&
          (await webhook()).status === 'Retrying'
          ? true
          : undefined;
      },
      { timeoutMs: 30000, intervalMs: 250, what: 'refused deliveries kept while FenX retries' },
    );
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metricValue(metrics, 'radar_http_requests_total', { outcome: 'accepted' })).toBe(0);

    const calibrate = await AppProcess.start({
      name: 'radar',
      args: ['calibrate', '--from-kafka'],
      env: radarEnv(),
    });
    expect(await calibrate.exited()).toEqual({ code: 0, signal: null });
    const said = calibrate.output().join('\n');
    expect(said).toContain(`FenX signs with ${fenxScheme}: set RADAR_SIGNING_SCHEME=${fenxScheme}`);
    expect(said).toMatch(new RegExp(`^  ${fenxScheme} with secret 1: [1-9]\\d* of \\d+$`, 'm'));

    await radar?.stop();
    radar = await startRadar({ RADAR_SIGNING_SCHEME: fenxScheme });
    const done = await waitFor(
      async () => {
        const w = await webhook();
        return w.queued === 0 && w.inFlight === 0 && w.retrying === 0 ? w : undefined;
      },
      { timeoutMs: 150000, intervalMs: 500, what: "FenX's retries delivered" },
    );
    expect(done.status).toBe('Enabled');
    const { deliveries } = await sim.control.deliveries(done.id);
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.filter((d) => d.outcome !== 'delivered')).toEqual([]);
    expect(deliveries.some((d) => d.attempts > 1)).toBe(true);
    const stored = new Set(
      (await readTopic(kafka, TOPICS.webhookEvents.name)).map((r) => {
        const d = decodeWebhookEvent(r.value);
        if (!d.ok) throw new Error(d.reason);
        return d.value.notificationId;
      }),
    );
    expect(deliveries.filter((d) => !stored.has(d.notificationId))).toEqual([]);
  }, 240000);
});
