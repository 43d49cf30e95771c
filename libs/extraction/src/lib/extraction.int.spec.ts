import { relativeUrls } from '@fenx/fenx-events';
import { createKafka, KafkaClient, KafkaProducer, readTopic, TopicFollower } from '@fenx/kafka';
import {
  decodeWebhookEvent,
  HEADER,
  headerText,
  syntheticWebhookEvent,
  textHeaders,
  TOPICS,
  EXTRACTION_HEADER,
} from '@fenx/kafka-contracts';
import { sharedKafka, TestKafka } from '@fenx/kafka/test';
import { waitFor } from '@fenx/testing';
import { Registry } from 'prom-client';
import { ExtractionMetrics } from './extraction-metrics';
import { AggregateGroup, ExtractionSpec } from './extraction-pipeline';
import { ConsumerStalledError, Extractor } from './extractor';
import { testPipeline } from './test/test-pipeline';
import { StateStore } from './state-store';
import { runWindowedSync, SyntheticEventWriter, syntheticNotificationId } from './synthetic-events';

const quiet = { logCreator: () => () => undefined };

interface Read {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

describe('extraction over Apache Kafka', () => {
  let broker: TestKafka;
  let kafka: KafkaClient;
  let producer: KafkaProducer;
  let seq = 0;

  beforeAll(async () => {
    broker = await sharedKafka();
    kafka = createKafka(broker.settings(), quiet);
    producer = new KafkaProducer(kafka, broker.settings());
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await broker.stop();
  });

  async function readAll(topic: string, expected: number): Promise<Read[]> {
    const seen: Read[] = [];
    const follower = new TopicFollower(
      kafka,
      [topic],
      (r) => seen.push({ key: r.key, value: r.value?.toString() ?? null, headers: textHeaders(r.headers) }),
      { groupId: `reader-${++seq}` },
    );
    await follower.start();
    try {
      await waitFor(() => seen.length >= expected, {
        timeoutMs: 30000,
        what: `${expected} records in ${topic}`,
      });
    } finally {
      await follower.stop();
    }
    return seen;
  }

  /** The pipeline over `spec` the Extractor tests use: journey details out, short re-queue delays. */

  function journeyEvent(journeyId: string, id: string) {
    return syntheticWebhookEvent(
      {
        id,
        tenantId: 't',
        eventType: 'journey:taskstarted',
        relativeUrl: relativeUrls.journey(journeyId),
        payload: {},
        when: new Date().toISOString(),
        correlationId: null,
        causationId: null,
      },
      'replay',
    ).record;
  }

  it('StateStore: the latest value of each key is read back by a new client with no shared memory', async () => {
    const writer = new StateStore(kafka, producer, { writer: 'test' });
    expect(await writer.get('cursor')).toBeUndefined();
    await writer.put('cursor', { end: '2026-01-01T00:00:00.000Z' });
    await writer.put('other', { n: 1 });
    await writer.put('cursor', { end: '2026-01-01T01:00:00.000Z' });
    await writer.put('gone', { n: 2 });
    await writer.delete('gone');
    await producer.emit(TOPICS.pipelineState.name, [{ key: 'junk', value: 'not json' }]);

    // As a job started elsewhere with an empty disk: a new client, a new producer, a new store.
    const freshKafka = createKafka(broker.settings('another-process'), quiet);
    const freshProducer = new KafkaProducer(freshKafka, broker.settings('another-process'));
    await freshProducer.connect();
    try {
      const reader = new StateStore(freshKafka, freshProducer, { writer: 'test' });
      const all = await reader.readAll();
      expect(all.get('cursor')?.value).toEqual({ end: '2026-01-01T01:00:00.000Z' });
      expect(all.get('other')?.value).toEqual({ n: 1 });
      expect(all.has('gone')).toBe(false);
      expect(reader.ignored).toBe(1);
    } finally {
      await freshProducer.disconnect();
    }
  });

  it('runWindowedSync writes synthetic events window by window and moves the cursor after them', async () => {
    const store = new StateStore(kafka, producer, { writer: 'test' });
    const writer = new SyntheticEventWriter({ producer, ratePerSecond: 1000, batchSize: 2 });
    const windows: [string, string][] = [];
    const now = new Date('2026-01-01T03:00:00.000Z');
    const collect = async (start: Date, end: Date) => {
      windows.push([start.toISOString(), end.toISOString()]);
      return ['ja', 'jb', 'jc'].map((j) => ({
        id: syntheticNotificationId('safety-net', j, end.toISOString()),
        tenantId: 't',
        eventType: 'journey:instancestarted',
        relativeUrl: relativeUrls.journey(j),
        payload: {},
        when: end.toISOString(),
        correlationId: null,
        causationId: null,
      }));
    };
    const options = {
      store,
      cursorKey: 'test.safety-net',
      initialLookbackMs: 2 * 3600_000,
      maxWindowMs: 3600_000,
      origin: 'safety-net' as const,
      writer,
      collect,
      now: () => now,
    };
    const first = await runWindowedSync(options);
    expect(first.windows.map((w) => w.end)).toEqual(['2026-01-01T02:00:00.000Z', '2026-01-01T03:00:00.000Z']);
    expect(first.events).toBe(6);
    expect((await store.get('test.safety-net'))?.value).toEqual({ end: '2026-01-01T03:00:00.000Z' });
    const second = await runWindowedSync({ ...options, now: () => new Date('2026-01-01T03:30:00.000Z') });
    expect(second.windows).toEqual([
      { start: '2026-01-01T03:00:00.000Z', end: '2026-01-01T03:30:00.000Z', events: 3 },
    ]);
    const events = (await readAll(TOPICS.webhookEvents.name, 9)).filter(
      (r) => r.headers[HEADER.origin] === 'safety-net',
    );
    expect(events).toHaveLength(9);
    const decoded = events.map((e) => decodeWebhookEvent(e.value));
    expect(decoded.every((d) => d.ok && d.value.ids.journeyId !== undefined)).toBe(true);
  });

  it('Extractor: one fetch per journey, duplicates dropped, young events re-queued, garbage dead-lettered', async () => {
    const registry = new Registry();
    const metrics = new ExtractionMetrics('int-extractor', registry);
    const groups: AggregateGroup[] = [];
    const young = new Set(['j-young']);
    const spec: ExtractionSpec = {
      select: (e) => e.domain === 'journey' && e.origin === 'backfill',
      keyOf: (e) => e.ids.journeyId,
      fetch: async (group) => {
        groups.push(group);
        if (young.delete(group.key)) return { retryLater: { reason: 'not retrievable yet' } };
        return {
          records: [
            {
              kind: 'journey',
              record: {
                key: group.key,
                value: JSON.stringify({
                  key: group.key,
                  events: group.events.map((e) => e.event.notificationId),
                }),
              },
            },
          ],
        };
      },
    };
    const pipeline = testPipeline(spec, metrics);
    const extractor = new Extractor({
      kafka,
      producer,
      groupId: 'int-extractor',
      deadLetterTopic: TOPICS.journeyExtractorDeadLetter.name,
      pipeline,
      metrics,
      chunkSize: 100,
      retryBackoff: { initialMs: 1, maxMs: 5 },
      sessionTimeoutMs: 10000,
    });
    const backfill = (journeyId: string, id: string) => {
      const r = journeyEvent(journeyId, id);
      const envelope = JSON.parse(r.value as string);
      envelope.origin = 'backfill';
      return { ...r, value: JSON.stringify(envelope) };
    };
    const records = [
      ...Array.from({ length: 30 }, (_, i) => backfill(`j-${i % 5}`, `n-${i}`)),
      backfill('j-0', 'n-0'),
      backfill('j-young', 'n-young'),
      { key: 'garbage', value: 'not an envelope' },
    ];
    await producer.emit(TOPICS.webhookEvents.name, records);

    const summary = await extractor.runOnce();
    expect(summary.deadLetters).toBe(1);
    expect(extractor.state).toBe('stopped');
    const [dead] = await readAll(TOPICS.journeyExtractorDeadLetter.name, 1);
    expect(dead.headers['dead-letter-reason']).toMatch(/^undecodable:/);

    // The young journey went back into topic 1 and is fetched again once due (by this run, which
    // reads past its watermarks while draining, or by the next one).
    // Everything in topic 1 now (reading "at least one record" could stop before the re-queued one).
    const requeued = (await readTopic(kafka, TOPICS.webhookEvents.name)).filter(
      (r) => headerText(r.headers, EXTRACTION_HEADER.retryAttempt) === '1',
    );
    expect(requeued.map((r) => r.key)).toEqual(['j-young']);
    await extractor.runOnce();
    const details = await readAll(TOPICS.journeyDetails.name, 6);
    const byKey = new Map(details.map((d) => [d.key, JSON.parse(d.value ?? '{}')]));
    expect([...byKey.keys()].sort()).toEqual(['j-0', 'j-1', 'j-2', 'j-3', 'j-4', 'j-young']);
    expect(details).toHaveLength(6);
    expect(byKey.get('j-0').events).toHaveLength(6);
    expect(details.every((d) => d.headers[EXTRACTION_HEADER.batchId] !== undefined)).toBe(true);
    const text = await registry.metrics();
    expect(text).toMatch(/^int_extractor_events_skipped_total\{reason="duplicate_notification"\} 1$/m);
    expect(text).toMatch(/^int_extractor_dead_letters_total\{reason="undecodable"\} 1$/m);
    expect(text).toMatch(/^int_extractor_events_requeued_total 1$/m);
    expect(text).toMatch(/^int_extractor_records_produced_total\{kind="journey"\} 6$/m);
    expect(groups.filter((g) => g.key === 'j-young')).toHaveLength(2);
  });

  it('Extractor: a fetch that never ends makes it stalled (not ready), and after stallExitAfterMs runContinuous fails', async () => {
    const registry = new Registry();
    const metrics = new ExtractionMetrics('stall_extractor', registry);
    let release!: () => void;
    const never = new Promise<void>((resolve) => (release = resolve));
    const prefix = `stall-${Date.now()}-`;
    const spec: ExtractionSpec = {
      select: (e) => e.domain === 'journey' && (e.ids.journeyId ?? '').startsWith(prefix),
      keyOf: (e) => e.ids.journeyId,
      fetch: async () => {
        await never;
        return { records: [] };
      },
    };
    const pipeline = testPipeline(spec, metrics);
    const errors: string[] = [];
    const extractor = new Extractor({
      kafka,
      producer,
      groupId: `stall-extractor-${Date.now()}`,
      deadLetterTopic: TOPICS.journeyExtractorDeadLetter.name,
      pipeline,
      metrics,
      chunkSize: 100,
      sessionTimeoutMs: 10000,
      stallAfterMs: 2000,
      stallExitAfterMs: 6000,
      logger: {
        log: () => undefined,
        warn: () => undefined,
        error: (_fields, message) => errors.push(message),
      },
    });
    await producer.emit(TOPICS.webhookEvents.name, [journeyEvent(`${prefix}a`, `${prefix}n-1`)]);
    const started = Date.now();
    const run = extractor.runContinuous().then(
      () => undefined,
      (error: unknown) => error,
    );
    try {
      const stalled = await waitFor(() => (extractor.stalled.length > 0 ? extractor.stalled : undefined), {
        timeoutMs: 60000,
        what: 'the extractor stalled',
      });
      // The event's chunk never completes: its partition's lag is every record of it from the chunk on
      // (the topic holds the other tests' records too).
      expect(stalled[0]).toMatchObject({ topic: TOPICS.webhookEvents.name });
      expect(stalled[0].lag).toBeGreaterThanOrEqual(1);
      const failure = await run;
      expect(failure).toBeInstanceOf(ConsumerStalledError);
      expect((failure as ConsumerStalledError).message).toMatch(
        new RegExp(
          `^stalled: ${TOPICS.webhookEvents.name.replace(/\./g, '\\.')}/\\d+ has \\d+ events to process and committed nothing for \\d+ s$`,
        ),
      );
      expect((failure as ConsumerStalledError).stall.forMs).toBeGreaterThanOrEqual(6000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(6000);
      expect(extractor.state).toBe('failed');
      expect(errors.some((m) => m.startsWith('consumer stalled:'))).toBe(true);
    } finally {
      release();
      await extractor.stop();
    }
  }, 120000);
});
