import { waitFor } from '@fenx/testing';
import { SharedKafkaClient, sharedKafkaClient } from '../test';
import { BatchConsumer } from './batch-consumer';
import { topicOffsets } from './admin';
import { ConsumerProgress } from './consumer-progress';
import { GroupLagProbe } from './group-lag';
import { namespaced, TOPICS } from '@fenx/kafka-contracts';
import { KafkaClient, kafkajs } from './kafka-client';
import { KafkaProducer } from './kafka-producer';
import { drainTargets, ReadAheadConsumer } from './read-ahead-consumer';

const topic = TOPICS.journeyDetails.name;

describe('consumer progress against Apache Kafka', () => {
  let kafka: KafkaClient;
  let producer: KafkaProducer;

  let client: SharedKafkaClient;

  beforeAll(async () => {
    client = await sharedKafkaClient();
    ({ kafka, producer } = client);
  });

  afterAll(() => client.stop());

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

  it("GroupLagProbe: the brokers' ends and the group's commits give the lag of partitions no fetch reported", async () => {
    const group = `progress-probe-${Date.now()}`;
    const before = await topicOffsets(kafka, topic);
    // The group committed everything the topic held so far; 9 records come after.
    const admin = kafkajs(kafka).admin();
    await admin.connect();
    try {
      await admin.setOffsets({
        groupId: namespaced(group),
        topic,
        partitions: before.map((o) => ({ partition: o.partition, offset: o.high })),
      });
    } finally {
      await admin.disconnect();
    }
    await producer.emit(
      topic,
      Array.from({ length: 9 }, (_, i) => ({ key: `p-${i % 3}`, value: `{"p":${i}}` })),
    );
    const after = await topicOffsets(kafka, topic);
    const held = after.reduce((n, o) => n + Number(BigInt(o.high) - BigInt(o.low)), 0);
    const probe = new GroupLagProbe(kafka);
    try {
      // Members that joined and own every partition but whose fetches never complete.
      const committedGroup = new ConsumerProgress(topic);
      committedGroup.assigned(after.map((o) => o.partition));
      const newGroup = new ConsumerProgress(topic);
      newGroup.assigned(after.map((o) => o.partition));
      expect(committedGroup.lag).toBe(0);
      await probe.feed([
        { groupId: group, progress: committedGroup },
        { groupId: `${group}-new`, progress: newGroup },
      ]);
      expect(committedGroup.lag).toBe(9);
      expect(newGroup.lag).toBe(held);
      expect(committedGroup.snapshot(0).stalled).toMatchObject({ topic, lag: expect.any(Number) });
    } finally {
      await probe.close();
    }
  });
});
