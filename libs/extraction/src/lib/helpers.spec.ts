import { Registry } from 'prom-client';
import { mapConcurrent, sleep } from './concurrency';
import { ExtractionMetrics, fenxOperationOf, fenxOutcomeOf } from './extraction-metrics';
import { BoundedCache, RecentIds } from './recent-ids';
import { requeueDelayMs } from './requeue';
import { syntheticNotificationId } from './synthetic-events';

describe('RecentIds and BoundedCache', () => {
  it('forget the oldest entries beyond their capacity', () => {
    const ids = new RecentIds(2);
    ids.add('a');
    ids.add('b');
    ids.add('a');
    ids.add('c');
    expect([ids.has('a'), ids.has('b'), ids.has('c'), ids.size]).toEqual([true, false, true, 2]);
    const cache = new BoundedCache<string>(2);
    cache.set('x', '1');
    cache.set('y', '2');
    cache.get('x');
    cache.set('z', '3');
    expect([cache.get('x'), cache.get('y'), cache.get('z'), cache.size]).toEqual(['1', undefined, '3', 2]);
    cache.delete('x');
    expect(cache.get('x')).toBeUndefined();
    expect(() => new RecentIds(-1)).toThrow(RangeError);
    expect(() => new BoundedCache(1.5)).toThrow(RangeError);
    const none = new RecentIds(0);
    none.add('a');
    expect(none.has('a')).toBe(false);
  });
});

describe('mapConcurrent and sleep', () => {
  it('keeps input order and rejects a bad limit', async () => {
    expect(await mapConcurrent([3, 1, 2], 2, async (n) => n * 10)).toEqual([30, 10, 20]);
    await expect(mapConcurrent([1], 0, async (n) => n)).rejects.toThrow(RangeError);
  });

  it('wakes a sleep when its signal aborts', async () => {
    const controller = new AbortController();
    const slept = sleep(60000, controller.signal);
    controller.abort();
    await expect(slept).resolves.toBeUndefined();
  });
});

describe('requeueDelayMs', () => {
  it('doubles from the base up to the cap', () => {
    expect([0, 1, 2, 3, 10].map((a) => requeueDelayMs(a, 1000, 5000))).toEqual([
      1000, 2000, 4000, 5000, 5000,
    ]);
  });
});

describe('syntheticNotificationId', () => {
  it('is deterministic, UUID-shaped and differs with its parts', () => {
    const a = syntheticNotificationId('safety-net', 'j1', '2026-01-01T00:00:00.000Z');
    expect(a).toBe(syntheticNotificationId('safety-net', 'j1', '2026-01-01T00:00:00.000Z'));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).not.toBe(syntheticNotificationId('safety-net', 'j2', '2026-01-01T00:00:00.000Z'));
  });
});

describe('ExtractionMetrics', () => {
  it('names every series after the app and reuses them on a second construction', async () => {
    const registry = new Registry();
    const first = new ExtractionMetrics('journey-extractor', registry);
    const second = new ExtractionMetrics('journey-extractor', registry);
    expect(second.eventsConsumed).toBe(first.eventsConsumed);
    first.fenxListener().onRequest({
      kind: 'api',
      method: 'GET',
      route: '/journeyquery/api/journey-instance/{id}',
      status: 304,
      outcome: 'not-modified',
      durationMs: 12,
      attempt: 1,
    });
    first.fenxListener().onInvalidResponse({
      method: 'GET',
      route: '/associationquery/api/association/{id}',
      schema: 'association',
      field: '/data/id',
      message: 'is missing',
    });
    const text = await registry.metrics();
    expect(text).toMatch(
      /^journey_extractor_fenx_requests_total\{operation="journey",outcome="not_modified"\} 1$/m,
    );
    expect(text).toMatch(
      /^journey_extractor_fenx_invalid_responses_total\{operation="association",field="\/data\/id"\} 1$/m,
    );
    for (const name of [
      'events_consumed_total',
      'events_skipped_total',
      'distinct_ids_total',
      'fenx_request_duration_seconds',
      'records_produced_total',
      'dead_letters_total',
      'batch_duration_seconds',
      'batch_splits_total',
      'consumer_lag_records',
      'event_to_detail_seconds',
      'last_success_timestamp_seconds',
      'synthetic_events_total',
      'report_window_splits_total',
      'report_rows_without_id_total',
    ])
      expect(text).toContain(`# TYPE journey_extractor_${name} `);
  });

  it('maps FenX routes and outcomes onto small label sets', () => {
    expect(fenxOperationOf({ kind: 'token', route: '/connect/token' })).toBe('token');
    expect(
      fenxOperationOf({ kind: 'api', route: '/reportingquery/api/journey-report/journey-updated-report' }),
    ).toBe('report_journey_updated');
    expect(
      fenxOperationOf({ kind: 'api', route: '/entitydataquery/api/v2/entity/{entityId}/draft/{draftId}' }),
    ).toBe('draft');
    expect(
      fenxOperationOf({
        kind: 'api',
        route: '/entitydatacommand/api/v2/entity/{entityId}/draft/{draftId}/conflicts',
      }),
    ).toBe('conflicts');
    expect(fenxOperationOf({ kind: 'api', route: '/entitydataquery/api/v2/entity/{id}' })).toBe('entity');
    expect(fenxOperationOf({ kind: 'api', route: '/somewhere/else' })).toBe('other');
    expect(fenxOutcomeOf('unauthorized')).toBe('client_error');
    expect(fenxOutcomeOf('rate-limited')).toBe('rate_limited');
  });
});
