import { metricValue, waitFor } from '@fenx/testing';
import { Harness } from './test/harness';

const BATCH = 100;

describe('journey-extractor killed mid-batch', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await Harness.start();
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('SIGKILL then restart: nothing missing; events processed twice are counted and at most the read-ahead window', async () => {
    await h.step(800);
    await h.faults({ latencyMs: 40 });
    const fed = await h.feedEvents();
    const env = {
      EXTRACTOR_BATCH_SIZE: String(BATCH),
      // The read-ahead window of backlog-wide coalescing: events read and not yet committed.
      EXTRACTOR_PENDING_MAX_EVENTS: String(BATCH),
      FENX_MAX_CONCURRENCY: '4',
      EXTRACTOR_FETCH_CONCURRENCY: '4',
    };
    const first = await h.startContinuous(env);
    // Kill while it is in the middle of the backlog: some details written, most not.
    await waitFor(
      async () => {
        const text = await (await fetch(`${first.url}/metrics`)).text();
        return metricValue(text, 'journey_extractor_records_produced_total') >= 20;
      },
      { timeoutMs: 60000, intervalMs: 50, what: 'the first details' },
    );
    first.app.kill('SIGKILL');
    const { signal } = await first.app.exited();
    expect(signal).toBe('SIGKILL');
    expect(await h.mismatches()).not.toEqual([]);

    // The restarted process also runs the safety net on its schedule (first run at start).
    const second = await h.startContinuous({
      ...env,
      JOURNEY_SAFETY_NET_INTERVAL_MS: '600000',
      JOURNEY_SAFETY_NET_SETTLE_MS: '0',
    });
    let last: string[] = [];
    await waitFor(
      async () => {
        last = await h.mismatches();
        return last.length === 0;
      },
      { timeoutMs: 240000, intervalMs: 2000, what: 'the complete end state' },
    ).catch((e: Error) => {
      throw new Error(`${e.message}: ${last.slice(0, 5).join('; ')} (${last.length})`);
    });

    // A notification in the sources of two snapshots was processed twice: only events read and
    // not committed when the process died can be (at most the read-ahead window).
    const seen = new Map<string, number>();
    for (const d of await h.details())
      for (const e of d.detail.sourceEvents)
        seen.set(e.notificationId, (seen.get(e.notificationId) ?? 0) + 1);
    const twice = [...seen.values()].filter((n) => n > 1).length;
    expect(twice).toBeLessThanOrEqual(BATCH);
    expect(seen.size).toBeGreaterThan(0);
    expect(fed.journeyEvents).toBeGreaterThan(BATCH * 2);
    const text = await (await fetch(`${second.url}/metrics`)).text();
    expect(metricValue(text, 'journey_extractor_dead_letters_total')).toBe(0);
    expect(
      metricValue(text, 'journey_extractor_synthetic_events_total', { origin: 'safety-net' }),
    ).toBeGreaterThan(0);
  });
});
