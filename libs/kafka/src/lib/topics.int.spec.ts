import { randomUUID } from 'node:crypto';
import { waitFor } from '@fenx/testing';
import { sharedKafka, TestKafka } from '../test';
import { createKafka, ensureTopics, KafkaClient, kafkajs, TopicMismatchError } from './kafka-client';
import { KafkaProducer } from './kafka-producer';
import { readTopic } from './topic-reader';
import { TOPICS, TopicName, TopicSpec } from '@fenx/kafka-contracts';

describe('topics on Apache Kafka', () => {
  let cluster: TestKafka;
  let kafka: KafkaClient;
  let producer: KafkaProducer;

  beforeAll(async () => {
    cluster = await sharedKafka({ topics: [] });
    kafka = createKafka(cluster.settings(), { logCreator: () => () => undefined });
    producer = new KafkaProducer(kafka, cluster.settings());
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await cluster?.stop();
  });

  const unique = (spec: TopicSpec, config: Record<string, string> = {}): TopicSpec => ({
    ...spec,
    name: `${spec.name}.${randomUUID().slice(0, 8)}`,
    config: { ...spec.config, ...config },
  });

  async function describe(name: string) {
    const admin = kafkajs(kafka).admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [name] });
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name }],
      });
      return {
        partitions: meta.topics[0].partitions.length,
        replicas: meta.topics[0].partitions.map((p) => p.replicas.length),
        config: Object.fromEntries(
          configs.resources[0].configEntries.map((e) => [e.configName, e.configValue]),
        ),
      };
    } finally {
      await admin.disconnect();
    }
  }

  it('creates a missing topic with the manifest partitions, replication and configuration', async () => {
    const spec = unique(TOPICS.journeyDetails);
    const result = await ensureTopics(kafka, cluster.settings(), [spec]);
    expect(result).toEqual({ created: [spec.name], existing: [] });
    const topic = await describe(spec.name);
    expect(topic.partitions).toBe(12);
    expect(topic.replicas.every((r) => r === 3)).toBe(true);
    expect(topic.config['cleanup.policy']).toBe('compact');
    expect(topic.config['min.compaction.lag.ms']).toBe(String(7 * 24 * 60 * 60 * 1000));
    expect(topic.config['min.insync.replicas']).toBe('2');

    // A second start finds it as it should be and leaves it alone.
    expect(await ensureTopics(kafka, cluster.settings(), [spec])).toEqual({
      created: [],
      existing: [spec.name],
    });
  });

  it('reports an existing topic whose settings differ from the manifest instead of using it', async () => {
    const spec = unique(TOPICS.pipelineState);
    // Created by hand, as an operator might: deleting instead of compacting, and with 3 partitions.
    await ensureTopics(kafka, cluster.settings(), [
      { ...spec, partitions: 3, config: { 'cleanup.policy': 'delete' } },
    ]);

    const error = await ensureTopics(kafka, cluster.settings(), [spec]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TopicMismatchError);
    expect((error as TopicMismatchError).mismatches).toEqual([
      { topic: spec.name, setting: 'partitions', expected: '1', actual: '3' },
      { topic: spec.name, setting: 'cleanup.policy', expected: 'compact', actual: 'delete' },
    ]);
    expect((error as Error).message).toContain(
      `${spec.name} cleanup.policy is delete, the manifest says compact`,
    );
  });

  it('compacts a compacted topic: an old cursor is gone once the cleaner ran, the latest stays', async () => {
    // The manifest's state topic, with segments that roll and get cleaned within seconds.
    const spec = unique(TOPICS.pipelineState, {
      'segment.ms': '100',
      'min.cleanable.dirty.ratio': '0.01',
      'delete.retention.ms': '100',
    });
    await ensureTopics(kafka, cluster.settings(), [spec]);
    const topic = spec.name as TopicName;
    for (let i = 1; i <= 50; i++) {
      await producer.emit(topic, [{ key: 'journey-safety-net-cursor', value: `cursor-${i}` }]);
      await producer.emit(topic, [{ key: 'entity-reconciliation-cursor', value: `entity-${i}` }]);
    }
    // The active segment is never cleaned: later writes roll it (segment.ms) so the old ones can be.
    const compacted = await waitFor(
      async () => {
        await producer.emit(topic, [{ key: 'tick', value: String(Date.now()) }]);
        const records = await readTopic(kafka, topic);
        const once = (key: string) => records.filter((r) => r.key === key).length === 1;
        // The cleaner works segment by segment: wait until both cursors are down to one record.
        return once('journey-safety-net-cursor') && once('entity-reconciliation-cursor')
          ? records
          : undefined;
      },
      { timeoutMs: 60000, intervalMs: 500, what: 'the log cleaner to compact the state topic' },
    );
    const latest = (key: string) => compacted.filter((r) => r.key === key).map((r) => r.value?.toString());
    expect(latest('journey-safety-net-cursor')).toEqual(['cursor-50']);
    expect(latest('entity-reconciliation-cursor')).toEqual(['entity-50']);
    expect(compacted.some((r) => r.value?.toString() === 'cursor-1')).toBe(false);
  });
});
