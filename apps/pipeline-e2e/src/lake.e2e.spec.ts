import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FenxClient, fenxClientSettings } from '@fenx/fenx-client';
import { applyAcls, createKafka, PIPELINE_APPS, pipelineAcls } from '@fenx/kafka';
import { TOPIC_MANIFEST } from '@fenx/kafka-contracts';
import { KafkaCluster, sharedKafka, TestKafka } from '@fenx/kafka/test';
import { LakeSql, REJECTED_PREFIX } from '@fenx/lake-sql';
import {
  AppProcess,
  freePort,
  GroundTruth,
  pipelineApps,
  SIMULATOR_DEFAULTS,
  SimulatorProcess,
  StackPorts,
  startSimulator,
  waitFor,
} from '@fenx/testing';

/** DuckDB's `2026-11-23 05:00:00.123+00` and FenX's `2026-11-23T05:00:00.1234567Z` as epoch ms. */
const ms = (t: string | null | undefined) =>
  t
    ? Math.floor(
        Date.parse(
          t
            .replace(' ', 'T')
            .replace(/\+00$/, 'Z')
            .replace(/(\.\d{3})\d+/, '$1'),
        ),
      )
    : null;

/** What the lake views say against the simulator's ground truth: one line per difference. */
async function lakeProblems(lakeDir: string, truth: GroundTruth): Promise<string[]> {
  const lake = await LakeSql.open(lakeDir);
  try {
    const problems: string[] = [];
    const journeys = new Map(
      (await lake.query('SELECT journey_id, state, status, version FROM journeys')).map((r) => [
        r['journey_id'],
        r,
      ]),
    );
    for (const j of truth.journeys) {
      const row = journeys.get(j.id);
      if (!row) problems.push(`journey ${j.id} missing`);
      else if (row['status'] !== j.status || row['version'] !== j.version)
        problems.push(
          `journey ${j.id}: lake ${row['status']} v${row['version']}, FenX ${j.status} v${j.version}`,
        );
    }
    const entities = new Map(
      (await lake.query('SELECT entity_id, state, version FROM entities')).map((r) => [r['entity_id'], r]),
    );
    for (const e of truth.entities.filter((x) => !x.deleted)) {
      const row = entities.get(e.id);
      if (!row) problems.push(`entity ${e.id} missing`);
      else if (row['version'] !== e.version)
        problems.push(`entity ${e.id}: lake v${row['version']}, FenX v${e.version}`);
    }
    return problems;
  } finally {
    lake.close();
  }
}

/**
 * On a plain cluster, and on a secured one as production runs it: SASL_SSL with a SCRAM principal per
 * app, the production ACLs (`pipelineAcls`, nothing allowed without one) and the topics created
 * beforehand by an admin, since no app may create them.
 */
const MODES = [
  { name: 'plaintext, apps creating the topics', secure: false },
  { name: 'SASL_SSL, one principal per app, the production ACLs', secure: true },
];

describe.each(MODES)(
  'the whole pipeline, from the simulator’s activity to the lake views ($name)',
  ({ secure }) => {
    let broker: TestKafka;
    let secured: KafkaCluster | undefined;
    let sim: SimulatorProcess;
    let lakeDir: string;
    const apps: AppProcess[] = [];

    beforeAll(async () => {
      if (secure) {
        secured = await KafkaCluster.start({
          brokers: 3,
          topics: TOPIC_MANIFEST,
          security: {
            users: Object.fromEntries(PIPELINE_APPS.map((app) => [app, `${app}-${randomUUID()}`])),
          },
        });
        broker = secured;
        await applyAcls(
          createKafka(secured.settings('acl-setup'), { logCreator: () => () => undefined }),
          pipelineAcls(),
        );
      } else {
        broker = await sharedKafka({ topics: [] });
      }
      lakeDir = mkdtempSync(join(tmpdir(), 'pipeline-lake-'));
      const ports: StackPorts = {
        simulator: 0,
        radar: await freePort(),
        journeyExtractor: await freePort(),
        entityExtractor: await freePort(),
        lakeSink: await freePort(),
      };
      sim = await startSimulator({
        SIM_AUTOSTART: 'false',
        SIM_ENTITIES: '15',
        SIM_WEBHOOK_URL: `http://127.0.0.1:${ports.radar}/webhooks/fenx`,
        SIM_DELIVERY_WINDOW: '8',
      });
      for (const app of pipelineApps({ ports, simulatorUrl: sim.url, lakeDir }))
        apps.push(
          await AppProcess.start({
            name: app.name,
            args: app.args,
            env: {
              ...(secured ? { ...secured.env(app.name), KAFKA_CREATE_TOPICS: 'false' } : broker.env()),
              ...app.env,
              LOG_LEVEL: 'warn',
            },
            readyUrl: `http://127.0.0.1:${app.port}${app.readyPath}`,
            readyTimeoutMs: 60000,
          }),
        );
    }, 240000);

    afterAll(async () => {
      for (const app of apps.reverse()) await app.stop();
      await sim?.stop();
      await broker?.stop();
      if (lakeDir) rmSync(lakeDir, { recursive: true, force: true });
    });

    it('every journey and entity of the ground truth is in the views with its latest state, and the task audit trail is FenX’s', async () => {
      await sim.control.step(400);
      await waitFor(
        async () => {
          const w = (await sim.control.groundTruth()).webhooks[0];
          return w.queued === 0 && w.inFlight === 0 && w.retrying === 0;
        },
        { timeoutMs: 120000, what: 'the simulator delivered every notification to radar' },
      );
      const truth = await sim.control.groundTruth();
      expect(truth.journeys.length).toBeGreaterThan(10);
      let problems: string[] = [];
      await waitFor(
        async () => {
          problems = await lakeProblems(lakeDir, truth);
          return problems.length === 0;
        },
        { timeoutMs: 240000, intervalMs: 3000, what: 'the lake views to equal the ground truth' },
      ).catch(() => undefined);
      expect(problems).toEqual([]);
      // Every record the pipeline wrote is JSON of its topic's schema: nothing went to _rejected/.
      expect(existsSync(join(lakeDir, REJECTED_PREFIX))).toBe(false);

      // The audit trail: every task start and completion FenX shows, at FenX's time, and nothing else.
      const fenx = new FenxClient(
        fenxClientSettings({
          baseUrl: sim.url,
          tenantId: SIMULATOR_DEFAULTS.tenantId,
          clientId: SIMULATOR_DEFAULTS.clientId,
          clientSecret: SIMULATOR_DEFAULTS.clientSecret,
        }),
      );
      const lake = await LakeSql.open(lakeDir);
      try {
        for (const j of truth.journeys.slice(0, 25)) {
          const res = await fenx.getJourney(j.id);
          if (res.status !== 'ok') throw new Error(`journey ${j.id}: ${res.status}`);
          const expected = res.journey.stages
            .flatMap((s) => s.processes ?? [])
            .flatMap((p) => p.tasks ?? [])
            .flatMap((t) => [
              ...(t.started ? [`${t.id} started ${ms(t.started)}`] : []),
              ...(t.completed ? [`${t.id} completed ${ms(t.completed)}`] : []),
            ])
            .sort();
          const rows = await lake.query(
            `SELECT task_id, change, changed_at FROM journey_tasks WHERE journey_id = '${j.id}' AND change IN ('started', 'completed')`,
          );
          const actual = rows
            .map((r) => `${r['task_id']} ${r['change']} ${ms(r['changed_at'] as string)}`)
            .sort();
          expect({ journey: j.id, tasks: actual }).toEqual({ journey: j.id, tasks: expected });
        }
      } finally {
        lake.close();
        await fenx.close();
      }
    }, 600000);
  },
);
