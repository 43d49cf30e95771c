import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafka, KafkaClient, KafkaProducer, readTopic } from '@fenx/kafka';
import { buildWebhookEvent, TOPICS, withoutNamespace } from '@fenx/kafka-contracts';
import { sharedKafka, TestKafka } from '@fenx/kafka/test';
import { PushgatewayProcess, SimulatorProcess, startPushgateway, startSimulator } from '@fenx/testing';
import { cli, fenxEnv, WebhookEndpoint } from '../test/cli-harness';
import { taskCompletedBody } from '../test/notifications';
import { replayGroupId } from './dead-letters.command';
import { EXIT } from './errors';
import type { PipelineStatus } from './status.command';

const TOPIC1 = TOPICS.webhookEvents.name;
const DLQ = TOPICS.journeyExtractorDeadLetter.name;
const HOUR = 3_600_000;

describe('fenx-admin status, against Apache Kafka, the FenX simulator and a Pushgateway', () => {
  let broker: TestKafka;
  let kafka: KafkaClient;
  let producer: KafkaProducer;
  let sim: SimulatorProcess;
  let gateway: PushgatewayProcess;
  let endpoint: WebhookEndpoint;
  let lake: string;
  let env: Record<string, string>;
  let webhookId: string;
  const twoHoursAgo = Date.now() - 2 * HOUR;

  const pushSuccess = async (job: string, at: number) => {
    const name = `${job.replace(/-/g, '_')}_last_success_timestamp_seconds`;
    const res = await fetch(`${gateway.url}/metrics/job/${job}`, {
      method: 'PUT',
      body: `# TYPE ${name} gauge\n${name} ${at / 1000}\n`,
    });
    expect(res.status).toBeLessThan(300);
  };
  const lakeHour = (topic: string, at: number) => {
    const iso = new Date(at).toISOString();
    const dir = join(
      lake,
      `topic=${withoutNamespace(topic)}`,
      `dt=${iso.slice(0, 10)}`,
      `hour=${iso.slice(11, 13)}`,
    );
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${withoutNamespace(topic)}+0+0.ndjson`), '{}\n');
  };
  const status = (...args: string[]) =>
    cli(
      [
        'status',
        '--lake',
        lake,
        '--pushgateway',
        gateway.url,
        '--max-run-age',
        '3600',
        '--max-lake-age',
        '3600',
        ...args,
      ],
      env,
    );

  beforeAll(async () => {
    broker = await sharedKafka();
    kafka = createKafka(broker.settings(), { logCreator: () => () => undefined });
    producer = new KafkaProducer(kafka, broker.settings());
    await producer.connect();
    [sim, gateway] = await Promise.all([startSimulator({ SIM_ENTITIES: '5' }), startPushgateway()]);
    endpoint = new WebhookEndpoint();
    const endpointUrl = await endpoint.start();
    lake = mkdtempSync(join(tmpdir(), 'status-lake-'));
    env = { ...broker.env(), ...fenxEnv(sim.url), KAFKA_CONNECTION_TIMEOUT_MS: '3000' };

    const created = await cli(
      [
        'webhooks',
        'create',
        '--name',
        'pipeline',
        '--url',
        endpointUrl,
        '--secret',
        'status-test-secret',
        '--disabled',
      ],
      env,
    );
    expect(created.code).toBe(0);
    webhookId = created.out.trim();

    // Five events two hours old that no extractor has processed; one dead letter not replayed.
    await producer.emit(
      TOPIC1,
      [1, 2, 3, 4, 5].map((n) => ({
        ...buildWebhookEvent({
          body: taskCompletedBody(`00000000-0000-4000-8000-00000000001${n}`, `journey-${n}`),
          origin: 'webhook',
        }).record,
        timestamp: String(twoHoursAgo + n * 1000),
      })),
    );
    await producer.emit(DLQ, [
      {
        key: 'journey-1',
        value: '{}',
        headers: {
          'dead-letter-reason': 'FenxApiError: HTTP 500 INTERNAL_SERVER_ERROR',
          'dead-letter-source': `${TOPIC1}/0/0`,
        },
        timestamp: String(twoHoursAgo),
      },
    ]);
    await producer.emit(TOPICS.pipelineState.name, [
      {
        key: 'entity-extractor.reconciliation.cursor',
        value: JSON.stringify({
          schema: 'fenx.pipeline-state.v1',
          key: 'entity-extractor.reconciliation.cursor',
          value: { until: '2026-11-23T09:00:00.000Z' },
          writtenAt: '2026-11-23T09:00:05.000Z',
          writer: 'entity-extractor',
        }),
      },
    ]);
    await pushSuccess('journey-extractor', twoHoursAgo);
    lakeHour(TOPICS.journeyDetails.name, twoHoursAgo - HOUR);
  }, 120000);

  afterAll(async () => {
    await producer?.disconnect();
    await sim?.stop();
    gateway?.stop();
    await endpoint?.stop();
    await broker?.stop();
    if (lake) rmSync(lake, { recursive: true, force: true });
  });

  it('exits 8 with every reason when something needs attention, and shows each part', async () => {
    const run = await status();
    expect(run.code).toBe(EXIT.unhealthy);
    expect(run.err).toBe('');
    for (const header of [
      'CONSUMER GROUP',
      'DEAD-LETTER TOPIC',
      'WEBHOOK',
      'CURSOR',
      'SCHEDULED JOB',
      'LAKE TOPIC',
    ])
      expect(run.out).toContain(header);
    expect(run.out).toContain('status: needs attention');
    expect(run.out).toMatch(
      new RegExp(
        `- journey-extractor has 5 record\\(s\\) of ${TOPIC1.replace(/\./g, '\\.')} to process, the oldest \\d+ s old \\(over 900 s\\)`,
      ),
    );
    expect(run.out).toContain(
      `- 1 dead letter(s) in ${DLQ} not replayed (newest: FenxApiError: HTTP 500 INTERNAL_SERVER_ERROR)`,
    );
    expect(run.out).toContain(`- webhook ${webhookId} (pipeline) is`);
    expect(run.out).toMatch(/- journey-extractor: last successful run \d+ s ago \(over 3600 s\)/);
    expect(run.out).toMatch(
      /- the lake's newest hour of fenx\.journey\.details\.v1 is \S+ \(\d+ s ago, over 3600 s\)/,
    );

    const asJson = await status('--json');
    expect(asJson.code).toBe(EXIT.unhealthy);
    const s = JSON.parse(asJson.out) as PipelineStatus;
    expect(s.healthy).toBe(false);
    const journeyLag = s.lag.find((l) => l.group === 'journey-extractor');
    expect(journeyLag).toMatchObject({
      topic: TOPIC1,
      lag: 5,
      oldestUnprocessed: new Date(twoHoursAgo + 1000).toISOString(),
    });
    expect(journeyLag?.oldestAgeSeconds).toBeGreaterThanOrEqual(7199);
    expect(s.deadLetters.find((d) => d.topic === DLQ)).toMatchObject({
      depth: 1,
      notReplayed: 1,
      newestReason: 'FenxApiError: HTTP 500 INTERNAL_SERVER_ERROR',
    });
    expect(s.webhooks).toEqual([
      expect.objectContaining({ id: webhookId, name: 'pipeline', enabled: false }),
    ]);
    expect(s.cursors).toContainEqual({
      key: 'entity-extractor.reconciliation.cursor',
      writtenAt: '2026-11-23T09:00:05.000Z',
      writer: 'entity-extractor',
      value: { until: '2026-11-23T09:00:00.000Z' },
    });
    expect(s.scheduledRuns).toContainEqual(
      expect.objectContaining({ job: 'journey-extractor', lastSuccess: new Date(twoHoursAgo).toISOString() }),
    );
    const hour = new Date(twoHoursAgo - HOUR).toISOString().slice(0, 13);
    expect(s.lake).toContainEqual(
      expect.objectContaining({ topic: 'fenx.journey.details.v1', newestHour: `${hour}:00:00Z` }),
    );
    expect(s.notChecked).toEqual([]);
  });

  it('exits 0 once every group caught up, the dead letter was replayed, the webhook is on and runs and the lake are fresh', async () => {
    for (const group of ['journey-extractor', 'entity-extractor', `lake-sink.${TOPIC1}`])
      await readTopic(kafka, TOPIC1, { groupId: group, commit: true });
    for (const group of [replayGroupId(DLQ), `lake-sink.${DLQ}`])
      await readTopic(kafka, DLQ, { groupId: group, commit: true });
    expect((await cli(['webhooks', 'enable', webhookId], env)).code).toBe(0);
    await pushSuccess('journey-extractor', Date.now());
    lakeHour(TOPICS.journeyDetails.name, Date.now());

    const run = await status();
    if (run.code !== 0) throw new Error(run.out + run.err);
    expect(run.out).toMatch(/status: all well$/);
    expect(run.out).toContain('entity-extractor.reconciliation.cursor');
  });

  it('names what it could not check, and refuses a bad threshold with exit 2', async () => {
    const bare = await cli(['status', '--json'], { ...broker.env() });
    const s = JSON.parse(bare.out) as PipelineStatus;
    expect(s.notChecked).toEqual([
      'webhooks (FENX_BASE_URL not set)',
      'scheduled runs (no --pushgateway or PUSHGATEWAY_URL)',
      'the lake (no --lake or LAKE_SINK_TARGET)',
    ]);
    const bad = await cli(['status', '--max-lag-age', 'soon'], env);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.err).toContain(
      `option '--max-lag-age <seconds>' argument 'soon' is invalid. expected a whole number of at least 1`,
    );
  });
});
