import { KafkaCluster } from '../test';
import { waitFor } from '@fenx/testing';
import { Admin } from 'kafkajs';
import { createConsumer, createKafka, KafkaClient, kafkajs } from './kafka-client';
import { KafkaProducer } from './kafka-producer';
import { namespaced, TOPICS } from '@fenx/kafka-contracts';

const topic = TOPICS.webhookEvents.name;

describe('kafkajs against Apache Kafka', () => {
  let broker: KafkaCluster;
  let kafka: KafkaClient;
  let admin: Admin;
  let producer: KafkaProducer;

  beforeAll(async () => {
    broker = await KafkaCluster.start({ brokers: 3 });
    kafka = createKafka(broker.settings(), {
      logCreator: () => () => undefined,
    });
    admin = kafkajs(kafka).admin();
    await admin.connect();
    producer = new KafkaProducer(kafka, broker.settings());
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await broker?.stop();
  });

  async function consumeAll(groupId: string, expected: number): Promise<Map<string, number>> {
    const seen = new Map<string, number>();
    const consumer = createConsumer(kafka, groupId, { heartbeatInterval: 500 });
    // Commit-after-process: offsets are resolved one by one and committed by
    // commitOffsetsIfNecessary, which with a threshold of 1 commits whatever was resolved.
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: false,
      autoCommitThreshold: 1,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat }) => {
        const ids: string[] = [];
        for (const m of batch.messages) {
          ids.push(String(m.value));
          resolveOffset(m.offset);
          await heartbeat();
        }
        await commitOffsetsIfNecessary();
        for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
      },
    });
    try {
      await waitFor(() => seen.size >= expected, {
        timeoutMs: 30000,
        what: `${expected} messages in ${groupId}`,
      });
    } finally {
      await consumer.disconnect();
    }
    return seen;
  }

  async function committedEqualsEnd(groupId: string): Promise<void> {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId: namespaced(groupId), topics: [topic] });
    for (const end of ends) {
      const c = committed.partitions.find((p) => p.partition === end.partition);
      expect({ partition: end.partition, offset: c?.offset }).toEqual({
        partition: end.partition,
        offset: end.high,
      });
    }
  }

  it('delivers every message once per consumer group and commits exactly what was consumed', async () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `m-${i}`);
    for (let i = 0; i < ids.length; i += 250) {
      await producer.emit(
        topic,
        ids.slice(i, i + 250).map((id) => ({ key: `k-${id.length % 17}-${id}`, value: id })),
      );
    }
    for (const group of ['group-a', 'group-b']) {
      const seen = await consumeAll(group, ids.length);
      expect([...seen.keys()].sort()).toEqual([...ids].sort());
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
      await committedEqualsEnd(group);
    }
    const total = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
    expect(total).toBe(ids.length);
  });

  it('loses nothing acknowledged with acks=all while a broker is SIGKILLed and restarted', async () => {
    const before = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
    const acked: string[] = [];
    let downAt = -1;
    let upAt = -1;
    const faults = (async () => {
      await waitFor(() => acked.length >= 500, {
        what: 'first acknowledged messages',
      });
      downAt = acked.length;
      await broker.kill(1);
      await new Promise((r) => setTimeout(r, 3000)); // the fault under test: an outage of a fixed length
      upAt = acked.length;
      await broker.restart(1);
    })();
    for (let batch = 0; batch < 30; batch++) {
      const values = Array.from({ length: 100 }, (_, i) => `outage-${batch}-${i}`);
      await producer.emit(
        topic,
        values.map((v) => ({ key: v, value: v })),
      );
      acked.push(...values);
      if (batch === 10) await faults;
    }
    await faults;
    expect(downAt).toBeGreaterThanOrEqual(500);
    expect(upAt).toBeGreaterThanOrEqual(downAt);

    // A new leader's high watermark can trail its log for a moment after a failover.
    const stored = async () =>
      (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0) - before;
    await waitFor(async () => (await stored()) >= acked.length, {
      what: 'every acknowledged message stored',
    });
    const seen = await consumeAll('group-outage', before + acked.length);
    for (const v of acked) expect(seen.has(v)).toBe(true);
  });

  it('connects a new producer while a broker was just killed (an app restarted during an outage starts)', async () => {
    await broker.kill(2);
    try {
      // For a few seconds the metadata still names the dead node; each new producer asks one node for
      // its producer id, so several of them meet it.
      for (let i = 0; i < 6; i++) {
        const fresh = new KafkaProducer(
          createKafka(broker.settings(`fresh-${i}`), { logCreator: () => () => undefined }),
          broker.settings(),
        );
        await fresh.connect();
        await fresh.emit(topic, [{ key: `fresh-${i}`, value: `fresh-${i}` }]);
        await fresh.disconnect();
      }
    } finally {
      await broker.restart(2);
    }
  }, 120000);

  it("writes one call larger than the brokers' message.max.bytes to one partition (1 MB by default)", async () => {
    const before = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
    // 1,500 records of 2 KB under one key: 3 MB for a single partition.
    const records = Array.from({ length: 1500 }, (_, i) => ({
      key: 'one-entity',
      value: `${i}:${'x'.repeat(2048)}`,
    }));
    await producer.emitMany([{ topic, records }]);
    const after = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
    expect(after - before).toBe(1500);
  });
});
