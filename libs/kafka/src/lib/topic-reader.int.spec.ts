import { SharedKafkaClient, sharedKafkaClient } from '../test';
import { KafkaClient } from './kafka-client';
import { KafkaProducer } from './kafka-producer';
import { readTopic } from './topic-reader';
import { TOPICS } from '@fenx/kafka-contracts';

describe('readTopic against Apache Kafka', () => {
  let kafka: KafkaClient;
  let producer: KafkaProducer;

  let client: SharedKafkaClient;

  beforeAll(async () => {
    client = await sharedKafkaClient();
    ({ kafka, producer } = client);
  });

  afterAll(() => client.stop());

  it('returns nothing for an empty topic without joining a group', async () => {
    expect(await readTopic(kafka, TOPICS.lakeSinkDeadLetter.name)).toEqual([]);
  });

  it('reads every record up to the end noted at start, with keys, headers and offsets', async () => {
    const topic = TOPICS.journeyDetails.name;
    const sent = Array.from({ length: 500 }, (_, i) => ({
      key: `j-${i % 37}`,
      value: `v-${i}`,
      headers: { 'fenx-kind': 'test' },
    }));
    await producer.emit(topic, sent);
    const read = await readTopic(kafka, topic);
    expect(read.map((r) => r.value?.toString()).sort()).toEqual(sent.map((s) => s.value).sort());
    expect(new Set(read.map((r) => `${r.partition}:${r.offset}`)).size).toBe(500);
    expect(read.every((r) => String(r.headers['fenx-kind']) === 'test')).toBe(true);

    const seen: string[] = [];
    await producer.emit(topic, [{ key: 'j-late', value: 'late' }]);
    expect(
      await readTopic(kafka, topic, { onRecords: (rs) => void seen.push(...rs.map((r) => r.key ?? '')) }),
    ).toEqual([]);
    expect(seen).toHaveLength(501);
    expect(seen).toContain('j-late');
  });
});
