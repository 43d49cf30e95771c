import { waitFor } from '@fenx/testing';
import { SharedKafkaClient, sharedKafkaClient } from '../test';
import { ConsumedRecord } from './chunk-processor';
import { KafkaClient } from './kafka-client';
import { KafkaProducer } from './kafka-producer';
import { drainTargets, ReadAheadConsumer } from './read-ahead-consumer';
import { TOPICS } from '@fenx/kafka-contracts';

const topic = TOPICS.webhookEvents.name;

describe('ReadAheadConsumer against Apache Kafka', () => {
  let kafka: KafkaClient;
  let producer: KafkaProducer;

  let client: SharedKafkaClient;

  beforeAll(async () => {
    client = await sharedKafkaClient();
    ({ kafka, producer } = client);
  });

  afterAll(() => client.stop());

  it('takes what the reader has room for, pauses, resumes without losing any, and commits the offsets it is told', async () => {
    const values = Array.from({ length: 40 }, (_, i) => `v-${i}`);
    await producer.emit(
      topic,
      values.map((value, i) => ({ key: `k-${i % 5}`, value })),
    );
    const group = 'read-ahead-test';
    const taken: ConsumedRecord[] = [];
    let room = 10;
    const first = new ReadAheadConsumer({
      kafka,
      groupId: group,
      topic,
      sessionTimeoutMs: 10000,
      reader: {
        records: (records) => {
          const n = Math.max(0, Math.min(room - taken.length, records.length));
          taken.push(...records.slice(0, n));
          return n;
        },
      },
    });
    const run = await first.start();
    await waitFor(() => taken.length >= 10 || undefined, { timeoutMs: 60000 });
    expect(taken).toHaveLength(10);
    const chosen = new Map<number, bigint>();
    // Each partition's records come in offset order, so the last one taken of a partition is its highest.
    for (const r of taken) chosen.set(r.partition, BigInt(r.offset) + 1n);
    room = Infinity;
    first.resume();
    await waitFor(() => taken.length >= 40 || undefined, { timeoutMs: 60000 });
    expect(taken.map((r) => r.value?.toString()).sort()).toEqual([...values].sort());
    await first.commit(chosen);
    await first.stop();
    await run.finished;

    const { committed } = await drainTargets(kafka, group, topic);
    for (const [partition, offset] of committed) expect(offset).toBe(chosen.get(partition) ?? 0n);

    const again: ConsumedRecord[] = [];
    const second = new ReadAheadConsumer({
      kafka,
      groupId: group,
      topic,
      sessionTimeoutMs: 10000,
      reader: {
        records: (records) => {
          again.push(...records);
          return records.length;
        },
      },
    });
    await second.start();
    await waitFor(() => again.length >= 30 || undefined, { timeoutMs: 60000 });
    await second.stop();
    const firstTen = new Set(taken.slice(0, 10).map((r) => r.value?.toString()));
    expect(again.map((r) => r.value?.toString()).sort()).toEqual(
      values.filter((v) => !firstTen.has(v)).sort(),
    );
  });
});
