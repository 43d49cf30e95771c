import { relativeUrls } from '@fenx/fenx-events';
import { createKafka, KafkaClient, KafkaProducer, readTopic, TopicFollower } from '@fenx/kafka';
import {
  EXTRACTION_HEADER,
  headerText,
  syntheticWebhookEvent,
  textHeaders,
  TOPICS,
} from '@fenx/kafka-contracts';
import { sharedKafka, TestKafka } from '@fenx/kafka/test';
import { waitFor } from '@fenx/testing';
import { Registry } from 'prom-client';
import { ExtractionMetrics } from './extraction-metrics';
import { AggregateGroup, ExtractionSpec } from './extraction-pipeline';
import { Extractor } from './extractor';
import { testPipeline } from './test/test-pipeline';

const quiet = { logCreator: () => () => undefined };

interface Read {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

describe('Extractor with backlog-wide coalescing over Apache Kafka', () => {
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

  it('fetches each journey of the backlog, drops duplicates, re-queues young events, divides and retries a failure, dead-letters garbage', async () => {
    const registry = new Registry();
    const metrics = new ExtractionMetrics('int-extractor', registry);
    const groups: AggregateGroup[] = [];
    const young = new Set(['j-young']);
    const flaky = new Set(['j-3']);
    const spec: ExtractionSpec = {
      select: (e) => e.domain === 'journey' && e.origin === 'backfill',
      keyOf: (e) => e.ids.journeyId,
      fetch: async (group) => {
        groups.push(group);
        if (young.delete(group.key)) return { retryLater: { reason: 'not retrievable yet' } };
        if (flaky.delete(group.key)) return { failed: { reason: 'FenX answered 503' } };
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
      coalescing: {
        maxKeys: 3,
        maxBytes: 1024 * 1024,
        maxUncommitted: 20,
        keysPerChunk: 2,
        chunksInFlight: 2,
      },
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
    const details = (await readTopic(kafka, TOPICS.journeyDetails.name)).map((r) => ({
      key: r.key,
      value: r.value?.toString() ?? null,
      headers: textHeaders(r.headers),
    }));
    const byKey = new Map(details.map((d) => [d.key, JSON.parse(d.value ?? '{}')]));
    expect([...byKey.keys()].sort()).toEqual(['j-0', 'j-1', 'j-2', 'j-3', 'j-4', 'j-young']);
    // However the reads and fetches interleaved, every event of a journey is in one of its snapshots.
    const eventsOf = (key: string) =>
      new Set(
        details.filter((d) => d.key === key).flatMap((d) => JSON.parse(d.value ?? '{}').events as string[]),
      );
    for (let j = 0; j < 5; j++)
      expect([...eventsOf(`j-${j}`)].sort()).toEqual(
        Array.from({ length: 6 }, (_, k) => `n-${j + 5 * k}`).sort(),
      );
    expect(details.every((d) => d.headers[EXTRACTION_HEADER.batchId] !== undefined)).toBe(true);
    const text = await registry.metrics();
    expect(text).toMatch(/^int_extractor_events_skipped_total\{reason="duplicate_notification"\} 1$/m);
    expect(text).toMatch(/^int_extractor_dead_letters_total\{reason="undecodable"\} 1$/m);
    expect(text).toMatch(/^int_extractor_events_requeued_total 1$/m);
    expect(text).toMatch(/^int_extractor_records_produced_total\{kind="journey"\} \d+$/m);
    expect(groups.filter((g) => g.key === 'j-3').length).toBeGreaterThanOrEqual(2);
    expect(groups.filter((g) => g.key === 'j-young')).toHaveLength(2);
  });
});
