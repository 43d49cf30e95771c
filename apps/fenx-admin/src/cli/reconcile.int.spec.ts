import {
  distinctIds,
  entityIdOfRow,
  FenxClient,
  fenxClientSettings,
  journeyIdOfRow,
} from '@fenx/fenx-client';
import { createKafka, ReadRecord, readTopic } from '@fenx/kafka';
import { decodeWebhookEvent, TOPICS } from '@fenx/kafka-contracts';
import { sharedKafka, TestKafka } from '@fenx/kafka/test';
import { SIMULATOR_DEFAULTS, SimulatorProcess, startSimulator } from '@fenx/testing';
import { cli, fenxEnv } from '../test/cli-harness';

describe('fenx-admin reconcile, against the simulator and Apache Kafka', () => {
  let sim: SimulatorProcess;
  let broker: TestKafka;
  let env: Record<string, string>;
  let fenx: FenxClient;

  const topic1 = (): Promise<ReadRecord[]> =>
    readTopic(createKafka(broker.settings()), TOPICS.webhookEvents.name, { timeoutMs: 30000 });

  beforeAll(async () => {
    [sim, broker] = await Promise.all([startSimulator({ SIM_ENTITIES: '8' }), sharedKafka()]);
    env = { ...fenxEnv(sim.url), ...broker.env() };
    fenx = new FenxClient(
      fenxClientSettings({
        baseUrl: sim.url,
        clientId: SIMULATOR_DEFAULTS.clientId,
        clientSecret: SIMULATOR_DEFAULTS.clientSecret,
        tenantId: SIMULATOR_DEFAULTS.tenantId,
      }),
    );
    await sim.control.step(40);
  }, 60000);

  afterAll(async () => {
    await fenx?.close();
    await sim?.stop();
    await broker?.stop();
  });

  it('writes one reconciliation event per entity and journey the reports name; the same window twice gives the same ids', async () => {
    // Ids are per (report, row, window): with the tenant quiet, the same window reads the same rows.
    await sim.control.stopGenerator();
    const since = new Date(Date.now() - 24 * 3600_000).toISOString();
    const until = new Date(Date.now() + 24 * 3600_000).toISOString();
    const entities = distinctIds((await fenx.entityUpdatedReport(since, until)).rows, entityIdOfRow).ids;
    const journeys = distinctIds((await fenx.journeyUpdatedReport(since, until)).rows, journeyIdOfRow).ids;
    expect(entities.length).toBeGreaterThan(0);
    expect(journeys.length).toBeGreaterThan(0);

    const dry = await cli(['reconcile', '--since', since, '--until', until, '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain(`would write ${entities.length + journeys.length} reconciliation event(s)`);
    expect(await topic1()).toHaveLength(0);

    const run = await cli(['reconcile', '--since', since, '--until', until], env);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain(`entity: `);
    expect(run.out).toContain(`${entities.length} distinct id(s)`);
    expect(run.out).toContain(`wrote ${entities.length + journeys.length} reconciliation event(s)`);

    const first = await topic1();
    const events = first.map((r) => decodeWebhookEvent(r.value));
    const decoded = events.map((e) => (e.ok ? e.value : undefined));
    expect(decoded.every((e) => e?.origin === 'reconciliation' && e.valid)).toBe(true);
    expect(new Set(decoded.map((e) => e?.ids.entityId).filter(Boolean))).toEqual(new Set(entities));
    expect(new Set(decoded.map((e) => e?.ids.journeyId).filter(Boolean))).toEqual(new Set(journeys));
    expect(first.map((r) => r.headers['fenx-origin']?.toString())).toEqual(first.map(() => 'reconciliation'));

    // Not a TTY: the progress of the writes as JSON lines, the last one finished with the count.
    const lines: string[] = [];
    const again = await cli(['reconcile', '--since', since, '--until', until], env, {
      isTTY: false,
      write: (text: string) => lines.push(text),
    });
    expect(again.code).toBe(0);
    const progress = lines.map((l) => (JSON.parse(l) as { progress: Record<string, unknown> }).progress);
    expect(progress[0]).toMatchObject({ label: 'reconcile', unit: 'events', done: 0, finished: false });
    expect(progress[progress.length - 1]).toMatchObject({
      done: entities.length + journeys.length,
      total: entities.length + journeys.length,
      written: entities.length + journeys.length,
      finished: true,
    });
    const all = await topic1();
    expect(all).toHaveLength(first.length * 2);
    const ids = (records: ReadRecord[]) =>
      records.map((r) => r.headers['fenx-notification-id']?.toString()).sort();
    const second = all.filter(
      (r) => !first.some((f) => f.partition === r.partition && f.offset === r.offset),
    );
    expect(ids(second)).toEqual(ids(first));
  });

  it('FenX down exits 5 and writes nothing', async () => {
    const run = await cli(['reconcile', '--since', '1h'], {
      ...env,
      FENX_BASE_URL: 'http://127.0.0.1:1',
      FENX_MAX_RETRIES: '0',
    });
    expect(run.code).toBe(5);
  });
});
