import { waitFor } from '@fenx/testing';
import { Admin } from 'kafkajs';
import { sharedKafka, TestKafka } from '../test';
import { BatchConsumer, HoldOptions } from './batch-consumer';
import { BatchHandler, ConsumedRecord, StopConsumerError } from './chunk-processor';
import { createKafka, KafkaClient, kafkajs } from './kafka-client';
import { KafkaProducer } from './kafka-producer';
import { namespaced, TopicName, TOPICS } from '@fenx/kafka-contracts';

const deadLetter = TOPICS.journeyExtractorDeadLetter.name;

/** Holding records across fetches (`hold`): few large chunks, nothing committed before its chunk is handled. */
describe('BatchConsumer holding records across fetches (Apache Kafka)', () => {
  let broker: TestKafka;
  let kafka: KafkaClient;
  let admin: Admin;
  let producer: KafkaProducer;

  beforeAll(async () => {
    broker = await sharedKafka({
      topics: [
        TOPICS.webhookEvents,
        TOPICS.journeyDetails,
        TOPICS.entityDetails,
        TOPICS.journeyExtractorDeadLetter,
      ],
    });
    kafka = createKafka(broker.settings(), { logCreator: () => () => undefined });
    admin = kafkajs(kafka).admin();
    await admin.connect();
    producer = new KafkaProducer(kafka, broker.settings());
    await producer.connect();
  }, 60000);

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await broker?.stop();
  });

  /** Committed offset per partition of the source topic (partitions without a commit left out). */
  async function committed(groupId: string, topic: TopicName): Promise<Map<number, number>> {
    const [c] = await admin.fetchOffsets({ groupId: namespaced(groupId), topics: [topic] });
    return new Map(
      c.partitions.filter((p) => Number(p.offset) >= 0).map((p) => [p.partition, Number(p.offset)]),
    );
  }

  interface Seen {
    partition: number;
    first: number;
    last: number;
    records: number;
    /** The group's committed offset of the partition when the chunk was handed over. */
    committedAt: number;
  }

  /** A handler that notes each chunk with the group's commit at the time (and can refuse every chunk). */
  function recording(groupId: string, topic: TopicName, seen: Seen[], fail = false): BatchHandler {
    return async (records: ConsumedRecord[]) => {
      if (fail) throw new StopConsumerError('the store refused the file');
      const c = await committed(groupId, topic);
      seen.push({
        partition: records[0].partition,
        first: Number(records[0].offset),
        last: Number(records[records.length - 1].offset),
        records: records.length,
        committedAt: c.get(records[0].partition) ?? 0,
      });
      return { outputs: [] };
    };
  }

  function holding(
    groupId: string,
    topic: TopicName,
    hold: HoldOptions,
    chunkSize: number,
    handler: BatchHandler,
  ) {
    return new BatchConsumer({
      kafka,
      producer,
      groupId,
      topic,
      deadLetterTopic: deadLetter,
      handler,
      chunkSize,
      hold,
      sessionTimeoutMs: 10000,
    });
  }

  /** Every chunk starts at the last commit and continues the one before it: nothing skipped, nothing twice. */
  function expectContiguous(seen: Seen[]): void {
    const byPartition = new Map<number, Seen[]>();
    for (const s of seen) byPartition.set(s.partition, [...(byPartition.get(s.partition) ?? []), s]);
    for (const chunks of byPartition.values()) {
      for (let i = 0; i < chunks.length; i++) {
        expect(chunks[i].committedAt).toBe(chunks[i].first);
        expect(chunks[i].last - chunks[i].first + 1).toBe(chunks[i].records);
        if (i > 0) expect(chunks[i].first).toBe(chunks[i - 1].last + 1);
      }
    }
  }

  it('a trickle of one record every 100 ms becomes one chunk per hold interval, committed after it', async () => {
    const topic = TOPICS.webhookEvents.name;
    const key = `trickle-${Date.now()}`;
    const seen: Seen[] = [];
    const consumer = holding(
      'hold-trickle',
      topic,
      { maxBytes: 1 << 20, maxMs: 1500 },
      10000,
      recording('hold-trickle', topic, seen),
    );
    const run = consumer.runContinuous();
    try {
      const started = Date.now();
      for (let i = 0; i < 60; i++) {
        await producer.emit(topic, [{ key, value: `t-${i}` }]);
        await new Promise((r) => setTimeout(r, 100));
      }
      const elapsed = Date.now() - started;
      await waitFor(() => seen.reduce((n, s) => n + s.records, 0) >= 60, {
        timeoutMs: 30000,
        what: 'the trickle handed over',
      });
      expect(seen.reduce((n, s) => n + s.records, 0)).toBe(60);
      expect(new Set(seen.map((s) => s.partition)).size).toBe(1);
      // Per fetch (without hold) this would be tens of chunks; held, one per interval at most.
      expect(seen.length).toBeLessThanOrEqual(Math.ceil(elapsed / 1500) + 1);
      expect(seen.length).toBeGreaterThanOrEqual(2);
      expectContiguous(seen);
      await waitFor(async () => (await committed('hold-trickle', topic)).get(seen[0].partition) === 60, {
        timeoutMs: 10000,
        what: 'the last chunk committed',
      });
    } finally {
      await consumer.stop();
      await run;
    }
  });

  it('a timer flush longer than the session: the fetch waiting on it heartbeats, the member stays, each record once', async () => {
    const topic = TOPICS.webhookEvents.name;
    const group = `hold-slow-${Date.now()}`;
    const key = `slow-${Date.now()}`;
    const handed: string[] = [];
    let slowed = false;
    const consumer = new BatchConsumer({
      kafka,
      producer,
      groupId: group,
      topic,
      deadLetterTopic: deadLetter,
      chunkSize: 10000,
      hold: { maxBytes: 1 << 20, maxMs: 500 },
      // The broker's shortest session (group.min.session.timeout.ms); the first flush takes twice as long.
      sessionTimeoutMs: 6000,
      handler: async (records) => {
        // Only this test's records (the group reads the topic from its start).
        const mine = records.filter((r) => String(r.key) === key);
        if (mine.length > 0 && !slowed) {
          slowed = true;
          await new Promise((r) => setTimeout(r, 13000));
        }
        handed.push(...mine.map((r) => String(r.value)));
        return { outputs: [] };
      },
    });
    const run = consumer.runContinuous();
    try {
      await producer.emit(
        topic,
        Array.from({ length: 5 }, (_, i) => ({ key, value: `s-${i}` })),
      );
      await waitFor(() => slowed, { timeoutMs: 30000, what: 'the first timer flush' });
      // Fetched while the flush runs: this fetch's batch waits for the flush.
      await producer.emit(
        topic,
        Array.from({ length: 5 }, (_, i) => ({ key, value: `s-${5 + i}` })),
      );
      await waitFor(() => handed.length >= 10, { timeoutMs: 60000, what: 'all ten handed over' });
      // A member that lost its session would have its first chunk's commit refused and hand it over again.
      await new Promise((r) => setTimeout(r, 3000));
      expect(handed).toEqual(Array.from({ length: 10 }, (_, i) => `s-${i}`));
    } finally {
      await consumer.stop();
      await run;
    }
  }, 120000);

  it('hands a backlog over in chunks of at most chunkSize records and maxBytes', async () => {
    const topic = TOPICS.journeyDetails.name;
    const key = `bk${String(Date.now()).slice(-8)}`; // 10 bytes
    const value = 'x'.repeat(110);
    for (let i = 0; i < 1000; i += 250)
      await producer.emit(
        topic,
        Array.from({ length: 250 }, () => ({ key, value })),
      );
    const seen: Seen[] = [];
    const byRecords = holding(
      'hold-records',
      topic,
      { maxBytes: 1 << 30, maxMs: 60000 },
      300,
      recording('hold-records', topic, seen),
    );
    const sized: number[] = [];
    const bytes = holding(
      'hold-bytes',
      topic,
      { maxBytes: 120 * 40, maxMs: 60000 },
      10000,
      async (records) => {
        sized.push(records.length);
        return { outputs: [] };
      },
    );
    const runs = [byRecords.runContinuous(), bytes.runContinuous()];
    try {
      // 1000 records: three full chunks of 300 at once; the last 100 wait for the (long) interval.
      await waitFor(() => seen.length >= 3, { timeoutMs: 30000, what: 'three full chunks' });
      await new Promise((r) => setTimeout(r, 1000));
      expect(seen.map((s) => s.records)).toEqual([300, 300, 300]);
      expectContiguous(seen);
      const partition = seen[0].partition;
      expect((await committed('hold-records', topic)).get(partition)).toBe(900);
      // Each record counts its 110-byte value and 10-byte key: 40 to a chunk of 4,800 bytes.
      await waitFor(() => sized.reduce((n, s) => n + s, 0) >= 1000, { timeoutMs: 30000 });
      expect(sized).toEqual(Array.from({ length: 25 }, () => 40));
    } finally {
      // stop() hands over and commits what is still held.
      await byRecords.stop();
      await bytes.stop();
      await Promise.all(runs);
    }
    expect(seen.map((s) => s.records)).toEqual([300, 300, 300, 100]);
    expect((await committed('hold-records', topic)).get(seen[0].partition)).toBe(1000);
  });

  it('a chunk that cannot be handled commits nothing, and the next run hands over the same records', async () => {
    const topic = TOPICS.entityDetails.name;
    const key = `fail-${Date.now()}`;
    await producer.emit(
      topic,
      Array.from({ length: 50 }, (_, i) => ({ key, value: `f-${i}` })),
    );
    const hold = { maxBytes: 1 << 20, maxMs: 500 };
    const failing = holding('hold-fail', topic, hold, 1000, recording('hold-fail', topic, [], true));
    await expect(failing.runContinuous()).rejects.toThrow(/refused the file/);
    await failing.stop();
    expect((await committed('hold-fail', topic)).size).toBe(0);
    const seen: Seen[] = [];
    const again = holding('hold-fail', topic, hold, 1000, recording('hold-fail', topic, seen));
    const run = again.runContinuous();
    try {
      await waitFor(() => seen.reduce((n, s) => n + s.records, 0) >= 50, { timeoutMs: 30000 });
      expect(seen).toEqual([expect.objectContaining({ first: 0, last: 49, records: 50, committedAt: 0 })]);
    } finally {
      await again.stop();
      await run;
    }
  });
});
