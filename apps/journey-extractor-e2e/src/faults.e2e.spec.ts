import { TOPICS } from '@fenx/kafka-contracts';
import { metricValue, waitFor } from '@fenx/testing';
import { Harness, readTopicToEnd } from './test/harness';

describe('journey-extractor continuous under FenX faults and a broker outage', () => {
  let h: Harness;
  let deleted: string[] = [];

  beforeAll(async () => {
    h = await Harness.start({}, { ownCluster: true });
  });

  afterAll(async () => {
    await h?.stop();
  });

  async function converged(url: string, deleted: string[] = []): Promise<string[]> {
    let last: string[] = [];
    await waitFor(
      async () => {
        last = await h.mismatches(deleted);
        return last.length === 0;
      },
      { timeoutMs: 180000, intervalMs: 2000, what: 'topic 2 equal to the ground truth' },
    ).catch((e: Error) => {
      throw new Error(`${e.message}: ${last.slice(0, 10).join('; ')} (${last.length} in all)`);
    });
    return (await fetch(`${url}/metrics`)).text().then((t) => [t]);
  }

  it('5xx storm, 429s, timeouts, 404s (deleted and not yet retrievable), expiring tokens: the same end state', async () => {
    await h.step(300);
    const journeys = await h.journeys();
    deleted = journeys.slice(0, 3).map((j) => j.id);
    await h.faults({
      errorRate: 0.25,
      timeoutRate: 0.05,
      hangMs: 2000,
      rateLimit: { perSecond: 40, burst: 4 },
      deletedIds: deleted,
      notYetRetrievableMs: 1500,
      tokenTtlSeconds: 2,
    });
    await h.feedEvents();
    const { url } = await h.startContinuous({
      FENX_TIMEOUT_MS: '500',
      EXTRACTOR_BATCH_SIZE: '200',
      // Long enough that the deleted journeys' 404s are re-queued (young) before they become deletion
      // records, however long the start takes on a busy machine.
      EXTRACTOR_NOT_FOUND_GRACE_MS: '15000',
      EXTRACTOR_REQUEUE_BASE_MS: '300',
      EXTRACTOR_REQUEUE_MAX_MS: '2000',
    });
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    await waitFor(async () => (await fetch(`${url}/health/ready`)).status === 200, { what: 'ready' });
    await h.faults({ expireTokens: true });

    const [metrics] = await converged(url, deleted);
    const outcome = (o: string) =>
      metricValue(metrics, 'journey_extractor_fenx_requests_total', { operation: 'journey', outcome: o });
    expect(outcome('server_error')).toBeGreaterThan(0);
    expect(outcome('rate_limited') + outcome('timeout')).toBeGreaterThan(0);
    expect(outcome('not_found')).toBeGreaterThan(0);
    expect(
      metricValue(metrics, 'journey_extractor_records_produced_total', { kind: 'deleted' }),
    ).toBeGreaterThanOrEqual(3);
    expect(metricValue(metrics, 'journey_extractor_events_requeued_total')).toBeGreaterThan(0);
    expect(metricValue(metrics, 'journey_extractor_dead_letters_total')).toBe(0);
    // Every name the dashboards use is exported.
    for (const name of [
      'events_consumed_total',
      'batch_duration_seconds',
      'consumer_lag_records',
      'event_to_detail_seconds',
      'last_success_timestamp_seconds',
    ])
      expect(metrics).toContain(`journey_extractor_${name}`);
  });

  it('all brokers down mid-batch and back: nothing lost, nothing dead-lettered', async () => {
    await h.clearFaults();
    // The deleted journeys stay deleted; the other faults end.
    await h.faults({ latencyMs: 20, deletedIds: deleted });
    const before = (await h.details()).length;
    await h.step(300);
    await h.feedEvents();
    const [app] = h.apps;
    // Wait for the extractor to be writing this activity, then take the cluster away for a while.
    await waitFor(async () => (await h.details()).length > before, { timeoutMs: 60000, what: 'new details' });
    await h.cluster.killAll();
    await new Promise((r) => setTimeout(r, 4000)); // the outage itself, not a wait for a condition
    await h.cluster.restartAll();
    expect(app.running).toBe(true);
    const url = `http://127.0.0.1:${(app.options.env ?? {})['EXTRACTOR_PORT']}`;
    const [metrics] = await converged(url, deleted);
    expect(metricValue(metrics, 'journey_extractor_dead_letters_total')).toBe(0);
    expect(await readTopicToEnd(h.kafka, TOPICS.journeyExtractorDeadLetter.name)).toEqual([]);
  });
});
