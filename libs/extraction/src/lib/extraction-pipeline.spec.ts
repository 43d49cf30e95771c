import { relativeUrls } from '@fenx/fenx-events';
import { ConsumedRecord, StopConsumerError } from '@fenx/kafka';
import { HEADER, syntheticWebhookEvent, TOPICS, EXTRACTION_HEADER } from '@fenx/kafka-contracts';
import { Registry } from 'prom-client';
import { ExtractionMetrics } from './extraction-metrics';
import {
  AggregateGroup,
  deadLetterReasonLabel,
  ExtractionPipeline,
  ExtractionSpec,
  FetchResult,
} from './extraction-pipeline';
import { requeueRecord } from './requeue';

const TENANT = 't-1';
let offset = 0;

function journeyRecord(journeyId: string, id: string, when = '2026-01-01T00:00:00Z'): ConsumedRecord {
  const { record } = syntheticWebhookEvent(
    {
      id,
      tenantId: TENANT,
      eventType: 'journey:taskcompleted',
      relativeUrl: relativeUrls.journey(journeyId),
      payload: {},
      when,
      correlationId: null,
      causationId: null,
    },
    'replay',
  );
  return {
    topic: TOPICS.webhookEvents.name,
    partition: 0,
    offset: String(offset++),
    key: record.key,
    value: Buffer.from(record.value as string),
    headers: Object.fromEntries(Object.entries(record.headers ?? {}).map(([k, v]) => [k, String(v)])),
    timestamp: String(Date.now()),
  };
}

function entityRecord(entityId: string, id: string): ConsumedRecord {
  const { record } = syntheticWebhookEvent(
    {
      id,
      tenantId: TENANT,
      eventType: 'entitydata:created',
      relativeUrl: relativeUrls.entity(entityId),
      payload: {},
      when: '2026-01-01T00:00:00Z',
      correlationId: null,
      causationId: null,
    },
    'replay',
  );
  return { ...journeyRecord('x', `tmp-${id}`), key: record.key, value: Buffer.from(record.value as string) };
}

function rawRecord(value: string): ConsumedRecord {
  return { ...journeyRecord('x', `raw-${offset}`), value: Buffer.from(value) };
}

function setup(
  fetch: (group: AggregateGroup) => Promise<FetchResult>,
  overrides: { now?: () => number } = {},
) {
  const registry = new Registry();
  const metrics = new ExtractionMetrics('test-extractor', registry);
  const groups: AggregateGroup[] = [];
  const spec: ExtractionSpec = {
    select: (e) => e.domain === 'journey',
    keyOf: (e) => e.ids.journeyId,
    fetch: async (group) => {
      groups.push(group);
      return fetch(group);
    },
  };
  const pipeline = new ExtractionPipeline({
    spec,
    metrics,
    outputTopic: TOPICS.journeyDetails.name,
    concurrency: 3,
    recentIdsCapacity: 100,
    requeue: { baseMs: 1000, maxMs: 8000, maxAttempts: 2 },
    now: overrides.now,
  });
  const value = async (name: string, labels: Record<string, string> = {}) => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    const match = (metric?.values ?? []).find((v) =>
      Object.entries(labels).every(([k, l]) => (v.labels as Record<string, string>)[k] === l),
    );
    return match?.value ?? 0;
  };
  return { pipeline, groups, metrics, value };
}

const detail = (group: AggregateGroup): FetchResult => ({
  records: [
    {
      kind: 'journey',
      record: { key: group.key, value: JSON.stringify({ id: group.key, n: group.events.length }) },
    },
  ],
});

describe('ExtractionPipeline', () => {
  it('fetches once per aggregate, in event order, and writes one record each with the batch id', async () => {
    const { pipeline, groups, value } = setup(async (g) => detail(g));
    const records = [
      journeyRecord('j1', 'n1', '2026-01-01T00:00:03Z'),
      journeyRecord('j2', 'n2'),
      journeyRecord('j1', 'n3', '2026-01-01T00:00:01Z'),
      entityRecord('e1', 'n4'),
      journeyRecord('j1', 'n5', '2026-01-01T00:00:02Z'),
    ];
    const result = await pipeline.handle(records, { batchId: 'b1', depth: 0 });
    expect(groups.map((g) => g.key).sort()).toEqual(['j1', 'j2']);
    const j1 = groups.find((g) => g.key === 'j1');
    expect(j1?.events.map((e) => e.event.notificationId)).toEqual(['n3', 'n5', 'n1']);
    expect(result.failures).toEqual([]);
    expect(result.outputs).toHaveLength(1);
    expect(result.outputs[0].topic).toBe(TOPICS.journeyDetails.name);
    expect(result.outputs[0].records.map((r) => r.key).sort()).toEqual(['j1', 'j2']);
    expect(result.outputs[0].records[0].headers?.[EXTRACTION_HEADER.batchId]).toBe('b1');
    expect(await value('test_extractor_events_consumed_total')).toBe(5);
    expect(await value('test_extractor_events_skipped_total', { reason: 'other_domain' })).toBe(1);
    expect(await value('test_extractor_distinct_ids_total')).toBe(2);
    // Records count as produced only once Kafka acknowledged them.
    expect(await value('test_extractor_records_produced_total', { kind: 'journey' })).toBe(0);
    pipeline.chunkCompleted('b1');
    expect(await value('test_extractor_records_produced_total', { kind: 'journey' })).toBe(2);
  });

  it('drops duplicate notifications within a batch and, once written, across batches', async () => {
    const written: string[] = [];
    const { pipeline, groups, value } = setup(async (g) => ({
      ...detail(g),
      onWritten: () => written.push(g.key),
    }));
    await pipeline.handle([journeyRecord('j1', 'dup'), journeyRecord('j1', 'dup')], {
      batchId: 'b1',
      depth: 0,
    });
    expect(groups[0].events).toHaveLength(1);
    // Not yet acknowledged: a redelivery of the same notification is fetched again.
    await pipeline.handle([journeyRecord('j1', 'dup')], { batchId: 'b2', depth: 0 });
    expect(groups).toHaveLength(2);
    pipeline.chunkCompleted('b2');
    expect(written).toEqual(['j1']);
    expect(pipeline.recentIds).toBe(1);
    const third = await pipeline.handle([journeyRecord('j1', 'dup')], { batchId: 'b3', depth: 0 });
    expect(groups).toHaveLength(2);
    expect(third.outputs).toEqual([]);
    expect(await value('test_extractor_events_skipped_total', { reason: 'duplicate_notification' })).toBe(2);
  });

  it('dead-letters undecodable records and events without an aggregate id at once', async () => {
    const { pipeline, value } = setup(async (g) => detail(g));
    const noJourney = journeyRecord('j1', 'n-nokey');
    const envelope = JSON.parse(String(noJourney.value));
    envelope.ids = {};
    const result = await pipeline.handle(
      [rawRecord('not json'), { ...noJourney, value: Buffer.from(JSON.stringify(envelope)) }],
      { batchId: 'b1', depth: 0 },
    );
    expect(result.failures).toHaveLength(2);
    expect(result.failures?.every((f) => f.retryable === false)).toBe(true);
    expect(result.failures?.map((f) => deadLetterReasonLabel(f.reason))).toEqual([
      'undecodable',
      'no_aggregate_key',
    ]);
    expect(await value('test_extractor_events_skipped_total', { reason: 'undecodable' })).toBe(1);
  });

  it('reports a failed or throwing fetch as failures of exactly that group’s records', async () => {
    const { pipeline } = setup(async (g) => {
      if (g.key === 'bad') throw new Error('FenX said 500');
      if (g.key === 'partial')
        return { ...detail(g), failed: { reason: 'one event is odd', events: [g.events[0]] } };
      return detail(g);
    });
    const result = await pipeline.handle(
      [
        journeyRecord('bad', 'a'),
        journeyRecord('bad', 'b'),
        journeyRecord('ok', 'c'),
        journeyRecord('partial', 'd'),
        journeyRecord('partial', 'e'),
      ],
      { batchId: 'b1', depth: 0 },
    );
    const reasons = result.failures?.map((f) => [f.reason, f.records.length]);
    expect(reasons).toEqual([
      ['fetch_failed: Error: FenX said 500', 2],
      ['fetch_failed: one event is odd', 1],
    ]);
    expect(result.outputs[0].records).toHaveLength(2);
    pipeline.chunkCompleted('b1');
    // The failed events are not remembered as processed; the rest are.
    expect(pipeline.recentIds).toBe(2);
  });

  it('re-queues events that are not retrievable yet into topic 1 with attempt and not-before, then gives up', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const { pipeline, value } = setup(
      async () => ({ retryLater: { reason: 'HTTP 404 for a young event' } }),
      {
        now: () => now,
      },
    );
    const first = await pipeline.handle([journeyRecord('j1', 'young')], { batchId: 'b1', depth: 0 });
    expect(first.failures).toEqual([]);
    expect(first.outputs).toHaveLength(1);
    expect(first.outputs[0].topic).toBe(TOPICS.webhookEvents.name);
    const requeued = first.outputs[0].records[0];
    expect(requeued.key).toBe('j1');
    expect(requeued.headers?.[EXTRACTION_HEADER.retryAttempt]).toBe('1');
    expect(requeued.headers?.[EXTRACTION_HEADER.notBefore]).toBe('2026-01-01T00:00:01.000Z');
    expect(requeued.headers?.[HEADER.notificationId]).toBe('young');
    pipeline.chunkCompleted('b1');
    expect(pipeline.recentIds).toBe(0);
    expect(await value('test_extractor_events_requeued_total')).toBe(1);

    // The second attempt comes back due: fetched again, re-queued with a doubled delay.
    now += 5000;
    const back = { ...journeyRecord('j1', 'young'), headers: requeued.headers as Record<string, string> };
    const second = await pipeline.handle([back], { batchId: 'b2', depth: 0 });
    const again = second.outputs[0].records[0];
    expect(again.headers?.[EXTRACTION_HEADER.retryAttempt]).toBe('2');
    expect(again.headers?.[EXTRACTION_HEADER.notBefore]).toBe('2026-01-01T00:00:07.000Z');

    // Past maxAttempts (2) the event is dead-lettered instead.
    now += 10000;
    const last = { ...back, headers: again.headers as Record<string, string> };
    const third = await pipeline.handle([last], { batchId: 'b3', depth: 0 });
    expect(third.outputs).toEqual([]);
    expect(third.failures?.[0]).toMatchObject({
      retryable: false,
      reason: expect.stringMatching(/^retry_exhausted:/),
    });
  });

  it('waits for a re-queued event that is not due yet before fetching it', async () => {
    const fetchedAt: number[] = [];
    const { pipeline } = setup(async (g) => {
      fetchedAt.push(Date.now());
      return detail(g);
    });
    const record = journeyRecord('j1', 'later');
    const due = Date.now() + 300;
    const queued = requeueRecord(record, 1, new Date(due), 'young');
    await pipeline.handle([{ ...record, headers: queued.headers as Record<string, string> }], {
      batchId: 'b1',
      depth: 0,
    });
    expect(fetchedAt[0]).toBeGreaterThanOrEqual(due - 5);
  });

  it('stops the consumer when a fetch throws StopConsumerError', async () => {
    const { pipeline } = setup(async () => {
      throw new StopConsumerError('credentials refused');
    });
    await expect(pipeline.handle([journeyRecord('j1', 'n')], { batchId: 'b1', depth: 0 })).rejects.toThrow(
      StopConsumerError,
    );
  });

  it('never has more fetches in flight than its concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const { pipeline } = setup(async (g) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return detail(g);
    });
    const records = Array.from({ length: 20 }, (_, i) => journeyRecord(`j${i}`, `c${i}`));
    await pipeline.handle(records, { batchId: 'b1', depth: 0 });
    expect(peak).toBe(3);
  });

  it('rejects a concurrency below 1', () => {
    expect(
      () =>
        new ExtractionPipeline({
          spec: { select: () => true, keyOf: () => 'k', fetch: async () => ({}) },
          metrics: new ExtractionMetrics('x', new Registry()),
          outputTopic: TOPICS.journeyDetails.name,
          concurrency: 0,
          recentIdsCapacity: 1,
          requeue: { baseMs: 1, maxMs: 1, maxAttempts: 1 },
        }),
    ).toThrow(/concurrency/);
  });
});
