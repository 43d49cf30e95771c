import { HEADER, TOPICS } from '@fenx/kafka-contracts';
import { metricValue, PushgatewayProcess, startPushgateway } from '@fenx/testing';
import { Harness, readTopicToEnd } from './test/harness';

const JOB = { job: 'journey-extractor' };

describe('journey-extractor once: the complete end state', () => {
  let h: Harness;
  let gateway: PushgatewayProcess;

  beforeAll(async () => {
    h = await Harness.start();
    gateway = await startPushgateway();
  });

  afterAll(async () => {
    gateway?.stop();
    await h?.stop();
  });

  it('drains topic 1, writes the latest detail of every journey with one call per journey per batch, exits 0 and pushes its metrics', async () => {
    await h.step(400);
    const fed = await h.feedEvents();
    expect(fed.journeyEvents).toBeGreaterThan(200);

    const run = await h.runOnce({ PUSHGATEWAY_URL: gateway.url, EXTRACTOR_BATCH_SIZE: '1000' });
    expect({ code: run.code, tail: run.code === 0 ? [] : run.output.slice(-20) }).toEqual({
      code: 0,
      tail: [],
    });
    expect(await h.mismatches()).toEqual([]);

    const metrics = await gateway.metrics();
    const calls = metricValue(metrics, 'journey_extractor_fenx_requests_total', {
      ...JOB,
      operation: 'journey',
    });
    const distinct = metricValue(metrics, 'journey_extractor_distinct_ids_total', JOB);
    const journeys = (await h.journeys()).length;
    expect(calls).toBe(distinct);
    expect(distinct).toBeGreaterThanOrEqual(journeys);
    expect(calls).toBeLessThan(fed.journeyEvents / 2);
    expect(metricValue(metrics, 'journey_extractor_events_consumed_total', JOB)).toBeGreaterThanOrEqual(
      fed.events,
    );
    expect(
      metricValue(metrics, 'journey_extractor_events_skipped_total', {
        ...JOB,
        reason: 'duplicate_notification',
      }),
    ).toBeGreaterThan(0);
    expect(
      metricValue(metrics, 'journey_extractor_events_skipped_total', { ...JOB, reason: 'other_domain' }),
    ).toBeGreaterThan(0);
    // A journey fetched again in a later batch of the run answers 304 to its ETag: no record.
    const notModified = metricValue(metrics, 'journey_extractor_fenx_requests_total', {
      ...JOB,
      operation: 'journey',
      outcome: 'not_modified',
    });
    expect(
      metricValue(metrics, 'journey_extractor_records_produced_total', { ...JOB, kind: 'journey' }) +
        notModified,
    ).toBe(distinct);
    expect(metricValue(metrics, 'journey_extractor_last_success_timestamp_seconds', JOB)).toBeGreaterThan(
      Date.now() / 1000 - 600,
    );
    expect(metricValue(metrics, 'journey_extractor_dead_letters_total', JOB)).toBe(0);

    // Each snapshot names its source events in its headers and its value.
    const details = await h.details();
    for (const d of details) {
      expect(d.headers[HEADER.sourceNotificationIds]).toBe(
        d.detail.sourceEvents.map((e) => e.notificationId).join(','),
      );
      expect(d.detail.sourceEvents.length).toBeGreaterThan(0);
    }
  });

  it('a second run after more activity brings topic 2 up to date again; a run with nothing to do exits 0', async () => {
    await h.step(150);
    await h.feedEvents();
    const run = await h.runOnce({ PUSHGATEWAY_URL: gateway.url });
    expect(run.code).toBe(0);
    expect(await h.mismatches()).toEqual([]);

    const before = (await h.details()).length;
    const idle = await h.runOnce({ PUSHGATEWAY_URL: gateway.url });
    expect(idle.code).toBe(0);
    expect((await h.details()).length).toBe(before);
    expect(metricValue(await gateway.metrics(), 'journey_extractor_events_consumed_total', JOB)).toBe(0);
  });

  it('the safety net turns the journey-updated report into events of its own origin, with its cursor in the state topic', async () => {
    // Activity FenX never delivered (a disabled webhook): nothing is fed to topic 1.
    await h.step(100);
    const net = await h.runOnce({
      EXTRACTOR_MODE: 'safety-net',
      PUSHGATEWAY_URL: gateway.url,
      JOURNEY_SAFETY_NET_SETTLE_MS: '0',
      JOURNEY_SAFETY_NET_LOOKBACK_MS: String(3600_000),
    });
    expect({ code: net.code, tail: net.code === 0 ? [] : net.output.slice(-20) }).toEqual({
      code: 0,
      tail: [],
    });
    const synthetic = metricValue(await gateway.metrics(), 'journey_extractor_synthetic_events_total', {
      ...JOB,
      origin: 'safety-net',
    });
    expect(synthetic).toBeGreaterThan(0);

    const run = await h.runOnce({ PUSHGATEWAY_URL: gateway.url });
    expect(run.code).toBe(0);
    expect(await h.mismatches()).toEqual([]);
    const fromNet = (await h.details()).filter((d) =>
      d.detail.sourceEvents.some((e) => e.origin === 'safety-net'),
    );
    expect(fromNet.length).toBeGreaterThan(0);

    // A second safety-net process starts from the cursor the first one left in the state topic.
    const state = await readTopicToEnd(h.kafka, TOPICS.pipelineState.name);
    const cursors = state.filter((r) => r.key === 'journey-extractor.safety-net');
    expect(cursors.length).toBeGreaterThan(0);
    const first = JSON.parse(String(cursors[cursors.length - 1].value)).value.end as string;
    const again = await h.runOnce({
      EXTRACTOR_MODE: 'safety-net',
      JOURNEY_SAFETY_NET_SETTLE_MS: '0',
      JOURNEY_SAFETY_NET_OVERLAP_MS: '0',
    });
    expect(again.code).toBe(0);
    const done = again.output.map((l) => JSON.parse(l)).find((l) => l.message === 'safety-net run done');
    expect(done.windows).toBe(1);
    expect(Date.parse(done.cursor)).toBeGreaterThan(Date.parse(first));
  });

  it('fails with a non-zero exit, committing nothing, when FenX refuses the credentials; a bad setting stops it at start', async () => {
    await h.step(50);
    await h.feedEvents();
    const before = (await h.details()).length;
    const refused = await h.runOnce({ FENX_CLIENT_SECRET: 'not-the-secret' });
    expect(refused.code).toBe(1);
    expect(refused.output.join('\n')).toMatch(/refused the credentials/);
    expect((await h.details()).length).toBe(before);

    const misconfigured = await h.runOnce({ EXTRACTOR_BATCH_SIZE: 'lots' });
    expect(misconfigured.code).toBe(2);
    expect(misconfigured.output.join('\n')).toMatch(/EXTRACTOR_BATCH_SIZE/);

    // Nothing was committed past the refused events: the next good run brings topic 2 up to date.
    const good = await h.runOnce();
    expect(good.code).toBe(0);
    expect(await h.mismatches()).toEqual([]);
  });
});
