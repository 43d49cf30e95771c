import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@fenx/testing';
import { createKafka, kafkajs } from '../lib/kafka-client';
import { KafkaProducer } from '../lib/kafka-producer';
import { KAFKA_NAMESPACE, TOPICS } from '@fenx/kafka-contracts';
import { ConnectWorker } from './connect-worker';
import { TestKafka } from './kafka-cluster';
import { sharedKafka } from './shared-kafka';

/**
 * A Kafka Connect worker in distributed mode on the test cluster, SIGKILLed mid-stream and restarted.
 * The connector is the runtime's own FileStreamSinkConnector (no S3 sink connector is served here:
 * docs/data-lake.md): it shows what Connect guarantees without a connector's own exactly-once naming.
 */
describe('Kafka Connect worker (distributed mode) against Apache Kafka', () => {
  let broker: TestKafka;
  let worker: ConnectWorker | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'connect-test-'));

  beforeAll(async () => {
    broker = await sharedKafka({ topics: [TOPICS.journeyDetails] });
  }, 60000);

  afterAll(async () => {
    await worker?.stop();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps its state in topics of the cluster; SIGKILLed mid-stream and restarted, it misses no record, and repeats at most what came since its last offset commit', async () => {
    const flushMs = 2000;
    worker = await ConnectWorker.start({
      bootstrap: broker.bootstrap,
      offsetFlushIntervalMs: flushMs,
      // The task's consumer leaves the group soon after a SIGKILL (Kafka's default: 45 s).
      workerConfig: { 'consumer.session.timeout.ms': 10000, 'consumer.heartbeat.interval.ms': 2000 },
    });
    const out = join(dir, 'journeys.txt');
    const name = `${KAFKA_NAMESPACE}file-sink`;
    await worker.putConnector(name, {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
      'tasks.max': '1',
      topics: TOPICS.journeyDetails.name,
      file: out,
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    });
    await worker.waitRunning(name);

    const kafka = createKafka(broker.settings('connect-test'), { logCreator: () => () => undefined });
    const admin = kafkajs(kafka).admin();
    await admin.connect();
    const topics = await admin.listTopics();
    await admin.disconnect();
    for (const t of ['configs', 'offsets', 'status'])
      expect(topics).toContain(`${KAFKA_NAMESPACE}fenx-connect.${t}`);

    const producer = new KafkaProducer(kafka, broker.settings('connect-test'));
    await producer.connect();
    const total = 3000;
    const perTick = 50;
    const tickMs = 250; // 200 records a second
    const written = (): string[] => {
      try {
        return readFileSync(out, 'utf8')
          .split('\n')
          .filter((l) => /^seq-\d+$/.test(l));
      } catch {
        return [];
      }
    };
    let restart: Promise<void> | undefined;
    try {
      for (let i = 0; i < total; i += perTick) {
        await producer.emit(
          TOPICS.journeyDetails.name,
          Array.from({ length: perTick }, (_, j) => ({ key: `j-${(i + j) % 31}`, value: `seq-${i + j}` })),
        );
        if (i === total / 2) {
          await worker.kill();
          restart = worker.restart();
        }
        await new Promise((r) => setTimeout(r, tickMs));
      }
      await restart;
      const lines = await waitFor(
        () => {
          const l = written();
          return new Set(l).size >= total ? l : undefined;
        },
        { timeoutMs: 120000, intervalMs: 1000, what: 'every record in the sink file' },
      );
      const distinct = new Set(lines);
      expect(distinct.size).toBe(total);
      const duplicates = lines.length - distinct.size;
      // At-least-once: what the task had written since its last offset commit is written again.
      // At 200 records/s with a commit every 2 s, that is a few hundred records at most.
      expect(duplicates).toBeLessThanOrEqual((1000 / tickMs) * perTick * (flushMs / 1000 + 3));
      process.stdout.write(
        `connect worker: ${total} records, SIGKILL half-way, offset commit every ${flushMs} ms: ${duplicates} duplicates\n`,
      );
    } finally {
      await producer.disconnect();
    }
  }, 300000);
});
