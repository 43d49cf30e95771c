import {
  Consumer,
  ConsumerConfig,
  ICustomPartitioner,
  Message,
  PartitionerArgs,
  Kafka,
  KafkaConfig,
  logCreator,
  Partitioners,
  Producer,
  SASLOptions,
} from 'kafkajs';
import { applyKafkajsFixes } from './kafkajs-fixes';
import { KafkaSettings } from './kafka-settings';
import { TopicSpec } from './topics';

export interface KafkaClientOptions {
  /** Routes kafkajs's own log lines (e.g. into pino); kafkajs logs to the console otherwise. */
  logCreator?: logCreator;
}

/** The one place that builds a kafkajs client; apps and libs never call `new Kafka` themselves. */
export function createKafka(settings: KafkaSettings, options: KafkaClientOptions = {}): Kafka {
  applyKafkajsFixes();
  const config: KafkaConfig = {
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: settings.connectionTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    ssl: settings.ssl,
    sasl: settings.sasl as SASLOptions | undefined,
    logCreator: options.logCreator,
  };
  return new Kafka(config);
}

/**
 * Murmur2, as the Java client, so the same key lands on the same partition whoever produces it;
 * a record's `partitionKey` (see OutgoingRecord) is hashed in place of its key when present.
 */
export const partitionKeyPartitioner: ICustomPartitioner = () => {
  const murmur2 = Partitioners.DefaultPartitioner();
  return (args: PartitionerArgs) => {
    const partitionKey = (args.message as Message & { partitionKey?: string }).partitionKey;
    return murmur2(
      partitionKey === undefined ? args : { ...args, message: { ...args.message, key: partitionKey } },
    );
  };
};

export function createProducer(kafka: Kafka, settings: KafkaSettings): Producer {
  return kafka.producer({
    idempotent: settings.idempotent,
    // kafkajs keeps sequence numbers correct only with one request in flight per broker.
    maxInFlightRequests: settings.idempotent ? 1 : undefined,
    allowAutoTopicCreation: false,
    createPartitioner: partitionKeyPartitioner,
  });
}

export function createConsumer(
  kafka: Kafka,
  groupId: string,
  overrides: Omit<ConsumerConfig, 'groupId'> = {},
): Consumer {
  return kafka.consumer({
    allowAutoTopicCreation: false,
    ...overrides,
    groupId,
  });
}

export interface EnsureTopicsResult {
  created: string[];
  existing: string[];
}

/**
 * Creates the manifest topics that are missing (production brokers only: the dev broker has no
 * CreateTopics API, so its launcher creates them). Existing topics are left as they are.
 */
export async function ensureTopics(
  kafka: Kafka,
  settings: KafkaSettings,
  topics: readonly TopicSpec[],
): Promise<EnsureTopicsResult> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const present = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !present.has(t.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: settings.replicationFactor,
          configEntries: Object.entries(t.config).map(([name, value]) => ({
            name,
            value,
          })),
        })),
      });
    }
    return {
      created: missing.map((t) => t.name),
      existing: topics.filter((t) => present.has(t.name)).map((t) => t.name),
    };
  } finally {
    await admin.disconnect();
  }
}
