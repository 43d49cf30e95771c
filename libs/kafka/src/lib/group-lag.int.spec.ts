import { SharedKafkaClient, sharedKafkaClient } from '../test';
import { consumerGroupLag } from './group-lag';
import { KafkaClient } from './kafka-client';
import { KafkaProducer } from './kafka-producer';
import { readTopic } from './topic-reader';
import { TopicName, TOPICS } from '@fenx/kafka-contracts';

describe('consumerGroupLag against Apache Kafka', () => {
  let kafka: KafkaClient;
  let producer: KafkaProducer;
  const topic = TOPICS.journeyDetails.name;
  const other = TOPICS.entityDetails.name;
  const T0 = Date.parse('2026-11-23T10:00:00Z');

  let client: SharedKafkaClient;

  beforeAll(async () => {
    client = await sharedKafkaClient();
    ({ kafka, producer } = client);
  });

  afterAll(() => client.stop());

  const produce = (t: TopicName, n: number, from: number, tag: string) =>
    producer.emit(
      t,
      Array.from({ length: n }, (_, i) => ({
        key: `${tag}-${i % 7}`,
        value: `${tag}-${i}`,
        timestamp: String(from + i * 1000),
      })),
    );

  it('counts what a group has yet to process, per partition, with the oldest such record', async () => {
    await produce(topic, 40, T0, 'a');
    const group = 'lag-test';
    await readTopic(kafka, topic, { groupId: group, commit: true });
    // Nothing left once the group read everything.
    const [caughtUp] = await consumerGroupLag(kafka, group, [topic]);
    expect(caughtUp.lag).toBe(0);
    expect(caughtUp.oldestUnprocessed).toBeUndefined();
    // A partition none of the keys went to has nothing committed.
    expect(caughtUp.partitions.every((p) => p.high === '0' || p.committed === p.high)).toBe(true);

    await produce(topic, 25, T0 + 3_600_000, 'b');
    const [behind] = await consumerGroupLag(kafka, group, [topic]);
    expect(behind).toMatchObject({ groupId: group, topic, lag: 25 });
    expect(behind.partitions.reduce((n, p) => n + p.lag, 0)).toBe(25);
    expect(behind.partitions.map((p) => p.partition)).toEqual(
      [...behind.partitions.map((p) => p.partition)].sort((x, y) => x - y),
    );
    // The earliest of the new records (the first was stamped T0 + 1 h).
    expect(behind.oldestUnprocessed?.timestamp).toBe(T0 + 3_600_000);

    const [counted] = await consumerGroupLag(kafka, group, [topic], { oldest: false });
    expect(counted.lag).toBe(25);
    expect(counted.oldestUnprocessed).toBeUndefined();
  });

  it('counts everything held for a group that never committed', async () => {
    await produce(other, 12, T0, 'c');
    const [lag] = await consumerGroupLag(kafka, 'never-committed', [other]);
    expect(lag.lag).toBe(12);
    expect(lag.partitions.every((p) => p.committed === undefined)).toBe(true);
    expect(lag.oldestUnprocessed?.timestamp).toBe(T0);
  });
});
