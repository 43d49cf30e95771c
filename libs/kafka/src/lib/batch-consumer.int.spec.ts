import { waitFor } from '@fenx/testing';
import { Admin } from 'kafkajs';
import { KafkaCluster } from '../test';
import { BatchConsumer, ChunkReport } from './batch-consumer';
import { BatchHandler, ConsumedRecord, StopConsumerError } from './chunk-processor';
import { createKafka, KafkaClient, kafkajs } from './kafka-client';
import { KafkaProducer } from './kafka-producer';
import { readTopic } from './topic-reader';
import { namespaced, TOPICS } from '@fenx/kafka-contracts';

const source = TOPICS.webhookEvents.name;
const output = TOPICS.journeyDetails.name;
const deadLetter = TOPICS.journeyExtractorDeadLetter.name;

interface Read {
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

describe('BatchConsumer against Apache Kafka', () => {
  let broker: KafkaCluster;
  let kafka: KafkaClient;
  let admin: Admin;
  let producer: KafkaProducer;

  beforeEach(async () => {
    broker = await KafkaCluster.start({ brokers: 3 });
    kafka = createKafka(broker.settings(), {
      logCreator: () => () => undefined,
    });
    admin = kafkajs(kafka).admin();
    await admin.connect();
    producer = new KafkaProducer(kafka, broker.settings());
    await producer.connect();
  });

  afterEach(async () => {
    await producer.disconnect();
    await admin.disconnect();
    await broker.stop();
  });

  async function produceSource(values: string[]): Promise<void> {
    for (let i = 0; i < values.length; i += 500) {
      await producer.emit(
        source,
        values.slice(i, i + 500).map((v) => ({ key: `journey-${v.length % 7}`, value: v })),
      );
    }
  }

  /** Everything in the topic once it holds at least `expected` records (duplicates included). */
  async function readAll(topic: string, expected: number): Promise<Read[]> {
    const records = await waitFor(
      async () => {
        const all = await readTopic(kafka, topic);
        return all.length >= expected ? all : undefined;
      },
      { timeoutMs: 30000, what: `${expected} records in ${topic}` },
    );
    return records.map((r) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.headers)) headers[k] = String(v);
      return { key: r.key, value: String(r.value), headers };
    });
  }

  async function committedTotal(groupId: string): Promise<number> {
    const [committed] = await admin.fetchOffsets({ groupId: namespaced(groupId), topics: [source] });
    return committed.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  }

  const upper: BatchHandler = async (records) => ({
    outputs: [
      {
        topic: output,
        records: records.map((r) => ({
          key: r.key ?? '',
          value: String(r.value).toUpperCase(),
        })),
      },
    ],
  });

  function consumerWith(groupId: string, handler: BatchHandler, reports: ChunkReport[] = []): BatchConsumer {
    return new BatchConsumer({
      kafka,
      producer,
      groupId,
      topic: source,
      deadLetterTopic: deadLetter,
      handler,
      chunkSize: 250,
      maxRetryDepth: 3,
      retryBackoff: { initialMs: 1, maxMs: 5 },
      sessionTimeoutMs: 10000,
      random: () => 0.5,
      listener: { chunkCompleted: (r) => reports.push(r) },
    });
  }

  it('drains to the offsets noted at start, produces before it commits, and resumes from the commit', async () => {
    const values = Array.from({ length: 3000 }, (_, i) => `event-${i}`);
    await produceSource(values);

    const reports: ChunkReport[] = [];
    const summary = await consumerWith('drain', upper, reports).runOnce();
    expect(summary.records).toBe(3000);
    expect(summary.outputs).toBe(3000);
    expect(summary.deadLetters).toBe(0);
    expect(Math.max(...reports.map((r) => r.records))).toBeLessThanOrEqual(250);
    expect(await committedTotal('drain')).toBe(3000);

    const written = await readAll(output, 3000);
    expect(written.map((w) => w.value).sort()).toEqual(values.map((v) => v.toUpperCase()).sort());

    await produceSource(['late-1', 'late-2']);
    const second = await consumerWith('drain', upper).runOnce();
    expect(second.records).toBe(2);
    expect(await committedTotal('drain')).toBe(3002);
  });

  it('divides and retries failed records, dead-letters what keeps failing, and commits past both', async () => {
    const values = Array.from({ length: 400 }, (_, i) => (i === 17 || i === 301 ? `poison-${i}` : `ok-${i}`));
    await produceSource(values);
    const firstAttempt = new Set<string>();
    const handler: BatchHandler = async (records, { batchId, depth }) => {
      // Every chunk fails once as a whole (a transient fault), then only the poison records fail.
      if (depth === 0 && !firstAttempt.has(batchId)) {
        firstAttempt.add(batchId);
        throw new Error('FenX answered 503');
      }
      const poison = records.filter((r) => String(r.value).startsWith('poison'));
      const good = records.filter((r) => !poison.includes(r));
      const written = await upper(good, { batchId, depth });
      return {
        outputs: written.outputs,
        failures: [{ records: poison, reason: 'journey is malformed' }],
      };
    };
    const summary = await consumerWith('retry', handler).runOnce();
    expect(summary.outputs).toBe(398);
    expect(summary.deadLetters).toBe(2);
    expect(await committedTotal('retry')).toBe(400);

    const dead = await readAll(deadLetter, 2);
    expect(dead.map((d) => d.value).sort()).toEqual(['poison-17', 'poison-301']);
    for (const d of dead) {
      expect(d.headers['dead-letter-reason']).toBe('journey is malformed');
      expect(d.headers['dead-letter-attempts']).toBe('4');
      expect(d.headers['dead-letter-source']).toMatch(
        new RegExp(`^${source.replace(/\./g, '\\.')}/\\d+/\\d+$`),
      );
      expect(d.headers['dead-letter-group']).toBe('retry');
    }
    const written = await readAll(output, 398);
    expect(new Set(written.map((w) => w.value)).size).toBe(398);
  });

  it('dead-letters a failure marked not retryable at once, without dividing it', async () => {
    const values = Array.from({ length: 20 }, (_, i) => (i === 5 ? 'garbage-5' : `fine-${i}`));
    await produceSource(values);
    const depths: number[] = [];
    const handler: BatchHandler = async (records, context) => {
      depths.push(context.depth);
      const garbage = records.filter((r) => String(r.value).startsWith('garbage'));
      const written = await upper(
        records.filter((r) => !garbage.includes(r)),
        context,
      );
      return {
        outputs: written.outputs,
        failures: [{ records: garbage, reason: 'value is not JSON', retryable: false }],
      };
    };
    const summary = await consumerWith('permanent', handler).runOnce();
    expect(summary.deadLetters).toBe(1);
    expect(summary.outputs).toBe(19);
    expect(depths.every((d) => d === 0)).toBe(true);
    const [dead] = await readAll(deadLetter, 1);
    expect(dead.value).toBe('garbage-5');
    expect(dead.headers['dead-letter-attempts']).toBe('1');
    expect(await committedTotal('permanent')).toBe(20);
  });

  it('commits nothing past a chunk whose output Kafka did not acknowledge, and loses nothing', async () => {
    const values = Array.from({ length: 1500 }, (_, i) => `outage-${i}`);
    await produceSource(values);
    let chunks = 0;
    const handler: BatchHandler = async (records, context) => {
      chunks += 1;
      if (chunks === 2) {
        await broker.killAll();
        setTimeout(() => void broker.restartAll(), 2000);
      }
      return upper(records, context);
    };
    const summary = await consumerWith('outage', handler).runOnce();
    expect(await committedTotal('outage')).toBe(1500);
    expect(summary.records).toBeGreaterThanOrEqual(1500);

    const written = await readAll(output, 1500);
    const distinct = new Set(written.map((w) => w.value));
    expect(distinct.size).toBe(1500);
    // Redelivery after the outage may repeat what was produced but not committed: at most a fetch.
    expect(written.length - distinct.size).toBeLessThanOrEqual(1500);
    // Recovery can take kafkajs's restart back-off plus a session timeout (30 s) for the crashed member to
    // leave the group; on a loaded machine that exceeds the tier's 60 s.
  }, 180000);

  it('two members of one group, one joining and one leaving while a backlog drains: nothing lost, duplicates within a chunk per rebalance', async () => {
    // Keys spread over every partition of the source topic.
    const values = Array.from({ length: 6000 }, (_, i) => `rebalance-${i}`);
    for (let i = 0; i < values.length; i += 500) {
      await producer.emit(
        source,
        values.slice(i, i + 500).map((v) => ({ key: v, value: v })),
      );
    }
    let handled = 0;
    const slow: BatchHandler = async (records, context) => {
      await new Promise((r) => setTimeout(r, 25)); // a FenX call's worth of time per chunk
      handled += records.length;
      return upper(records, context);
    };
    const first = consumerWith('rebalance', slow);
    const second = consumerWith('rebalance', slow);
    const runs = [first.runContinuous()];
    try {
      await waitFor(() => handled >= 1000, { timeoutMs: 60000, what: 'the first member under way' });
      runs.push(second.runContinuous());
      await waitFor(() => handled >= 3000, { timeoutMs: 60000, what: 'both members under way' });
      await first.stop();
      await waitFor(async () => (await committedTotal('rebalance')) === values.length, {
        timeoutMs: 90000,
        intervalMs: 500,
        what: 'the group to commit the whole backlog',
      });
    } finally {
      await first.stop();
      await second.stop();
      await Promise.allSettled(runs);
    }
    const written = await readAll(output, values.length);
    const distinct = new Set(written.map((w) => w.value));
    expect(distinct.size).toBe(values.length);
    // Two rebalances; at each, at most the chunk a member was producing when it lost the partition.
    expect(written.length - distinct.size).toBeLessThanOrEqual(2 * 250);
  }, 180000);

  it('stops without committing when the handler says no record is at fault', async () => {
    await produceSource(['a', 'b', 'c']);
    const handler: BatchHandler = async (records: ConsumedRecord[]) => {
      throw new StopConsumerError(`credentials refused while handling ${records.length} records`);
    };
    await expect(consumerWith('stop', handler).runOnce()).rejects.toThrow(/credentials refused/);
    expect(await committedTotal('stop')).toBe(0);
  });
});
