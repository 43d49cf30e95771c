import { BatchConsumer, createKafka, KafkaClient, KafkaProducer, ReadRecord, readTopic } from '@fenx/kafka';
import { buildWebhookEvent, TOPIC_MANIFEST, TOPICS } from '@fenx/kafka-contracts';
import { sharedKafka, TestKafka } from '@fenx/kafka/test';
import { cli } from '../test/cli-harness';
import { taskCompletedBody } from '../test/notifications';

const SOURCE = TOPICS.webhookEvents.name;
const DLQ = TOPICS.journeyExtractorDeadLetter.name;

const notification = (n: number): Buffer =>
  taskCompletedBody(`00000000-0000-4000-8000-00000000000${n}`, `journey-${n}`);

describe('fenx-admin dead-letters, against Apache Kafka', () => {
  let broker: TestKafka;
  let kafka: KafkaClient;
  let producer: KafkaProducer;
  let env: Record<string, string>;

  const readAll = (topic: string): Promise<ReadRecord[]> => readTopic(kafka, topic, { timeoutMs: 30000 });

  beforeAll(async () => {
    broker = await sharedKafka();
    const settings = broker.settings();
    kafka = createKafka(settings);
    producer = new KafkaProducer(kafka, settings);
    await producer.connect();
    env = { ...broker.env(), KAFKA_CONNECTION_TIMEOUT_MS: '1000' };

    // Three events in topic 1 that an extractor fails on: BatchConsumer dead-letters them with
    // reason, attempts and source, exactly as the extractors do.
    await producer.emit(
      SOURCE,
      [1, 2, 3].map((n) => buildWebhookEvent({ body: notification(n), origin: 'webhook' }).record),
    );
    const failing = new BatchConsumer({
      kafka,
      producer,
      groupId: 'test-extractor',
      topic: SOURCE,
      deadLetterTopic: DLQ,
      maxRetryDepth: 0,
      retryBackoff: { initialMs: 1, maxMs: 1 },
      sessionTimeoutMs: 10000,
      handler: async (records) => ({
        outputs: [],
        failures: [{ records, reason: 'FenxApiError: HTTP 500 INTERNAL_SERVER_ERROR' }],
      }),
    });
    const drained = await failing.runOnce();
    expect(drained.deadLetters).toBe(3);
  }, 90000);

  afterAll(async () => {
    await producer?.disconnect();
    await broker?.stop();
  });

  it('list prints each dead letter with its reason, attempts and source', async () => {
    const run = await cli(['dead-letters', 'list', '--topic', DLQ], env);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const rows = run.out.split('\n').filter((l) => l.includes('INTERNAL_SERVER_ERROR'));
    expect(rows).toHaveLength(3);
    for (const n of [1, 2, 3]) expect(run.out).toContain(`journey-${n}`);
    expect(run.out).toMatch(new RegExp(`${SOURCE.replace(/\./g, '\\.')}/\\d+/\\d+`));
    expect(run.out).toContain('journey:taskcompleted');
    expect(run.out).toContain('3 dead letter(s)');

    const json = await cli(['dead-letters', 'list', '--topic', DLQ, '--json', '--limit', '2'], env);
    const views = JSON.parse(json.out) as { reason: string; attempts: string; source: string }[];
    expect(views).toHaveLength(2);
    expect(views[0]).toEqual(
      expect.objectContaining({ reason: expect.stringContaining('HTTP 500'), attempts: '1' }),
    );
  });

  it('list of an empty dead-letter topic says so', async () => {
    const run = await cli(['dead-letters', 'list', '--topic', TOPICS.lakeSinkDeadLetter.name], env);
    expect(run).toEqual({ code: 0, out: `no dead letters in ${TOPICS.lakeSinkDeadLetter.name}`, err: '' });
  });

  it('replay re-publishes to the source topic with keys, values and headers, into the source partition; a second run replays nothing new', async () => {
    const before = await readAll(SOURCE);
    expect(before).toHaveLength(3);

    const first = await cli(['dead-letters', 'replay', '--topic', DLQ], env);
    if (first.code !== 0) throw new Error(first.err);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toContain(`replayed 3 record(s) from ${DLQ}: 3 -> ${SOURCE}`);

    const after = await readAll(SOURCE);
    expect(after).toHaveLength(6);
    const originals = new Map(before.map((r) => [r.key, r]));
    const replayed = after.filter((r) => r.headers['fenx-replayed-from'] !== undefined);
    expect(replayed).toHaveLength(3);
    for (const r of replayed) {
      const original = originals.get(r.key);
      expect(original).toBeDefined();
      expect(r.partition).toBe(original?.partition);
      expect(r.value?.toString()).toBe(original?.value?.toString());
      expect(r.headers['fenx-notification-id']?.toString()).toBe(
        original?.headers['fenx-notification-id']?.toString(),
      );
      expect(r.headers['dead-letter-reason']).toBeUndefined();
      expect(r.headers['fenx-replayed-from']?.toString()).toMatch(
        new RegExp(`^${DLQ.replace(/\./g, '\\.')}/\\d+/\\d+$`),
      );
    }

    const second = await cli(['dead-letters', 'replay', '--topic', DLQ], env);
    expect(second.code).toBe(0);
    expect(second.out).toContain(`replayed 0 record(s) from ${DLQ}`);
    expect(await readAll(SOURCE)).toHaveLength(6);

    // Not a TTY: the progress comes as one JSON line at the start and one at the end (3 records take
    // less than the 10 s between lines).
    const lines: string[] = [];
    const again = await cli(['dead-letters', 'replay', '--topic', DLQ, '--from-beginning'], env, {
      isTTY: false,
      write: (text: string) => lines.push(text),
    });
    if (again.code !== 0) throw new Error(again.err);
    expect(again.code).toBe(0);
    expect(again.out).toContain('replayed 3 record(s)');
    expect(await readAll(SOURCE)).toHaveLength(9);
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    const progress = lines.map(
      (l) => JSON.parse(l) as { message: string; 'log.level': string; progress: Record<string, unknown> },
    );
    expect(progress).toHaveLength(2);
    expect(progress[0].progress).toMatchObject({
      label: `dead-letters replay ${DLQ}`,
      unit: 'records',
      done: 0,
      total: 3,
      finished: false,
    });
    expect(progress[1]['log.level']).toBe('info');
    expect(progress[1].progress).toMatchObject({ done: 3, total: 3, replayed: 3, finished: true });
    expect(progress[1].message).toMatch(
      new RegExp(`^dead-letters replay ${DLQ.replace(/\./g, '\\.')}: 3/3 records, .*, done$`),
    );
  });

  it('an unknown broker address exits 6', async () => {
    const run = await cli(['dead-letters', 'list', '--topic', DLQ], {
      KAFKA_BROKERS: '127.0.0.1:1',
      KAFKA_CONNECTION_TIMEOUT_MS: '200',
      KAFKA_REQUEST_TIMEOUT_MS: '500',
    });
    expect(run.code).toBe(6);
    expect(run.err).toContain('Kafka failed');
  });

  it('kafka setup finds the manifest topics as the manifest says: a rerun creates nothing', async () => {
    const first = await cli(['kafka', 'setup'], env);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    const again = await cli(['kafka', 'setup'], env);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(
      new RegExp(`^topics: 0 created, ${TOPIC_MANIFEST.length} already as the manifest says$`),
    );
  });

  it('kafka setup refuses an unknown app in --principal, naming the apps', async () => {
    const run = await cli(['kafka', 'setup', '--principal', 'nobody=User:x'], env);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/app one of radar, journey-extractor, entity-extractor, lake-sink/);
  });
});
