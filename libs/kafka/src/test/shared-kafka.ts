import { createKafka, ensureTopics, KafkaClient, kafkajs } from '../lib/kafka-client';
import { KafkaProducer } from '../lib/kafka-producer';
import { KafkaSettings } from '../lib/kafka-settings';
import { retryRetriable } from '../lib/retriable';
import { KAFKA_NAMESPACE, TOPIC_MANIFEST, TopicSpec } from '@fenx/kafka-contracts';
import { testEnv, TestKafka, testSettings } from './kafka-cluster';

/**
 * The environment variable that carries the test run's shared cluster, `{"bootstrap": "h:p,h:p"}`:
 * set by tools/jest/kafka-global-setup.cjs (or once for the whole `npm test`), read by `sharedKafka`.
 */
export const SHARED_KAFKA_ENV = 'FENX_TEST_KAFKA';

export interface SharedKafkaOptions {
  /** Topics created in this file's namespace; the manifest by default, `[]` to leave it to the apps. */
  topics?: readonly TopicSpec[];
}

const quiet = { logCreator: () => () => undefined };

/** A test file's part of the shared cluster: its own namespace (KAFKA_NAMESPACE) of topics and groups. */
class SharedKafka implements TestKafka {
  constructor(readonly bootstrap: string[]) {}

  settings(clientId = 'fenx-pipeline-test'): KafkaSettings {
    return testSettings(this.bootstrap, clientId);
  }

  env(): Record<string, string> {
    return testEnv(this.bootstrap);
  }

  /** Deletes the namespace's topics, so that the shared cluster holds only what running files use. */
  async stop(): Promise<void> {
    const admin = kafkajs(createKafka(this.settings('fenx-test-cleanup'), quiet)).admin();
    await admin.connect();
    try {
      const topics = (await retryRetriable('listing topics', () => admin.listTopics())).filter((t) =>
        t.startsWith(KAFKA_NAMESPACE),
      );
      if (topics.length > 0) await retryRetriable('deleting topics', () => admin.deleteTopics({ topics }));
    } finally {
      await admin.disconnect();
    }
  }
}

/**
 * The test run's shared Apache Kafka cluster (3 KRaft nodes), with the manifest's topics created in
 * this test file's namespace. Every integration and e2e test file gets a namespace of its own from
 * tools/jest/kafka-namespace.cjs, so files share brokers but no topic or consumer group. Tests that
 * stop, pause or secure brokers start their own `KafkaCluster` instead.
 */
export async function sharedKafka(options: SharedKafkaOptions = {}): Promise<TestKafka> {
  const raw = process.env[SHARED_KAFKA_ENV];
  if (!raw) {
    throw new Error(
      `${SHARED_KAFKA_ENV} is unset: the shared test cluster is started by the jest global setup ` +
        `(tools/jest/kafka-global-setup.cjs); run this file with its project's integration or e2e config`,
    );
  }
  if (!KAFKA_NAMESPACE) {
    throw new Error(
      'KAFKA_NAMESPACE is empty: on the shared test cluster each test file needs a namespace of its own ' +
        '(tools/jest/kafka-namespace.cjs gives one; add it to the jest config setupFiles)',
    );
  }
  const kafka = new SharedKafka((JSON.parse(raw) as { bootstrap: string }).bootstrap.split(','));
  const topics = options.topics ?? TOPIC_MANIFEST;
  if (topics.length > 0) await ensureTopics(createKafka(kafka.settings(), quiet), kafka.settings(), topics);
  return kafka;
}

/** The shared cluster with a quiet client and a connected producer: how most Kafka tests start. */
export interface SharedKafkaClient {
  broker: TestKafka;
  kafka: KafkaClient;
  producer: KafkaProducer;
  /** Disconnects the producer and deletes this file's topics. */
  stop(): Promise<void>;
}

export async function sharedKafkaClient(options: SharedKafkaOptions = {}): Promise<SharedKafkaClient> {
  const broker = await sharedKafka(options);
  const kafka = createKafka(broker.settings(), quiet);
  const producer = new KafkaProducer(kafka, broker.settings());
  await producer.connect();
  return {
    broker,
    kafka,
    producer,
    stop: async () => {
      await producer.disconnect();
      await broker.stop();
    },
  };
}
