import { waitFor } from '@fenx/testing';
import { sharedKafka, TestKafka } from '../testing';
import { BatchConsumer } from './batch-consumer';
import { createKafka, KafkaClient } from './kafka-client';
import { KafkaProducer } from './kafka-producer';
import { drainTargets, ReadAheadConsumer } from './read-ahead-consumer';
import { TOPICS } from './topics';

const topic = TOPICS.journeyDetails.name;

describe('consumer progress against Apache Kafka', () => {
  let broker: TestKafka;
  let kafka: KafkaClient;
  let producer: KafkaProducer;

  beforeAll(async () => {
    broker = await sharedKafka();
    kafka = createKafka(broker.settings(), { logCreator: () => () => undefined });
    producer = new KafkaProducer(kafka, broker.settings());
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await broker.stop();
  });

  it('BatchConsumer: a handler that does not finish leaves the fetched lag stalled; once it finishes the partitions move on to lag 0', async () => {
    await producer.emit(
      topic,
      Array.from({ length: 30 }, (_, i) => ({ key: `j-${i % 6}`, value: `{"n":${i}}` })),
    );
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let handled = 0;
    const group = 'progress-batch';
    const consumer = new BatchConsumer({
      kafka,
      producer,
      groupId: group,
      topic,
      deadLetterTopic: TOPICS.lakeSinkDeadLetter.name,
      chunkSize: 100,
      sessionTimeoutMs: 10000,
      handler: async (records) => {
        await gate;
        handled += records.length;
        return { outputs: [] };
      },
    });
    const run = consumer.runContinuous();
    try {
      // No commit yet: every partition with records waits since its first fetch.
      const stalled = await waitFor(() => consumer.progress.snapshot(0).stalled, { timeoutMs: 60000 });
      expect(stalled).toMatchObject({ topic, lag: expect.any(Number) });
      expect(stalled.lag).toBeGreaterThan(0);
      release();
      const done = await waitFor(
        () => {
          const s = consumer.progress.snapshot(0);
          return handled >= 30 && s.lag === 0 ? s : undefined;
        },
        { timeoutMs: 60000 },
      );
      expect(done.stalled).toBeUndefined();
    } finally {
      release();
      await consumer.stop();
      await run;
    }
    const { targets, committed } = await drainTargets(kafka, group, topic);
    expect(committed).toEqual(targets);
  });

  it('ReadAheadConsumer: reading ahead is no progress, a commit is', async () => {
    await producer.emit(
      topic,
      Array.from({ length: 12 }, (_, i) => ({ key: `r-${i % 4}`, value: `{"r":${i}}` })),
    );
    const group = 'progress-read-ahead';
    const read = new Map<number, bigint>();
    const consumer = new ReadAheadConsumer({
      kafka,
      groupId: group,
      topic,
      sessionTimeoutMs: 10000,
      reader: {
        records: (records, partition) => {
          read.set(partition, BigInt(records[records.length - 1].offset) + 1n);
          return records.length;
        },
      },
    });
    const { finished } = await consumer.start();
    try {
      const { targets } = await drainTargets(kafka, group, topic);
      const total = [...targets.values()].reduce((a, b) => a + b, 0n);
      await waitFor(() => ([...read.values()].reduce((a, b) => a + b, 0n) >= total ? true : undefined), {
        timeoutMs: 60000,
      });
      expect(consumer.progress.snapshot(0).stalled).toBeDefined();
      await consumer.commit(read);
      expect(consumer.progress.snapshot(0)).toMatchObject({ topic, lag: 0 });
      expect(consumer.progress.snapshot(0).stalled).toBeUndefined();
    } finally {
      await consumer.stop();
      await finished;
    }
  });
});
