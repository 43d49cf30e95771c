import { entityIdOfRow } from '@fenx/fenx-client';
import { decodeWebhookEvent, TOPICS } from '@fenx/kafka-contracts';
import { startPushgateway } from '@fenx/testing';
import { compareWithGroundTruth, Harness } from './test/harness';

const CURSOR_KEY = 'entity-extractor.reconciliation';
const OVERLAP_SECONDS = 5;

describe('entity extractor: webhook disabled, then the reconciliation poll', () => {
  let h: Harness;
  let gateway: Awaited<ReturnType<typeof startPushgateway>>;
  let env: Record<string, string>;

  beforeAll(async () => {
    h = await Harness.start();
    gateway = await startPushgateway();
    env = {
      RECONCILE_INITIAL_LOOKBACK_MINUTES: '60',
      RECONCILE_OVERLAP_SECONDS: String(OVERLAP_SECONDS),
      PUSHGATEWAY_URL: gateway.url,
    };
  });

  afterAll(async () => {
    gateway?.stop();
    await h?.stop();
  });

  async function cursor(): Promise<string | undefined> {
    const rec = (await h.latest(TOPICS.pipelineState.name)).get(CURSOR_KEY);
    return rec?.value ? (JSON.parse(rec.value) as { value: { end: string } }).value.end : undefined;
  }

  async function reconciliationEntityIds(afterOffsets: Set<string>): Promise<string[]> {
    const ids = new Set<string>();
    for (const r of await h.records(TOPICS.webhookEvents.name)) {
      if (afterOffsets.has(`${r.partition}/${r.offset}`)) continue;
      const d = decodeWebhookEvent(r.value);
      if (d.ok && d.value.origin === 'reconciliation' && d.value.ids.entityId) ids.add(d.value.ids.entityId);
    }
    return [...ids].sort();
  }

  it('completes the end state from the report; the cursor lives in Kafka and the next run starts from it', async () => {
    await h.step(100);
    await h.deliveriesSettled();
    await h.setWebhookEnabled(false);
    await h.step(200);

    await h.runToEnd(['once'], env);
    const missed = compareWithGroundTruth(await h.entityDetails(), await h.groundTruth());
    expect(missed.length).toBeGreaterThan(0);

    await h.runToEnd(['reconcile'], env);
    const first = await cursor();
    expect(first).toBeDefined();
    // The job pushed its metrics: the events it put back into topic 1, by origin.
    const pushed = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(pushed).toMatch(
      /entity_extractor_synthetic_events_total\{[^}]*job="entity-extractor"[^}]*origin="reconciliation"[^}]*\} [1-9]/,
    );
    await h.runToEnd(['once'], env);
    expect(compareWithGroundTruth(await h.entityDetails(), await h.groundTruth())).toEqual([]);

    // More missed activity; a new process (no local state at all) reads the cursor from Kafka.
    const seen = new Set(
      (await h.records(TOPICS.webhookEvents.name)).map((r) => `${r.partition}/${r.offset}`),
    );
    await h.step(60);
    await h.runToEnd(['reconcile'], env);
    const second = await cursor();
    expect(Date.parse(second ?? '')).toBeGreaterThan(Date.parse(first ?? ''));
    const windowStart = new Date(Date.parse(first ?? '') - OVERLAP_SECONDS * 1000);
    const report = await h.client.entityUpdatedReport(windowStart, new Date(second ?? ''));
    const expected = [...new Set(report.rows.map(entityIdOfRow))].filter((id): id is string => !!id).sort();
    expect(await reconciliationEntityIds(seen)).toEqual(expected);

    await h.runToEnd(['once'], env);
    expect(compareWithGroundTruth(await h.entityDetails(), await h.groundTruth())).toEqual([]);
  });
});
