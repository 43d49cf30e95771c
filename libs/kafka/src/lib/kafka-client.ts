import {
  Admin,
  ConfigResourceTypes,
  Consumer,
  ConsumerConfig,
  ICustomPartitioner,
  Message,
  PartitionerArgs,
  Kafka,
  KafkaConfig,
  Partitioners,
  Producer,
  SASLOptions,
} from 'kafkajs';
import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
import { applyKafkajsFixes } from './kafkajs-fixes';
import { retryRetriable } from './retriable';
import { explainKafkaError, KafkaSettings, kafkaTlsOptions } from './kafka-settings';
import { namespaced, TopicSpec } from '@fenx/kafka-contracts';

/**
 * A connection to a Kafka cluster, made by `createKafka`. It is opaque: outside this lib it is only
 * handed to the lib's functions and classes (`KafkaProducer`, `BatchConsumer`, `readTopic`,
 * `topicOffsets`...), so the client behind it can change without touching the apps.
 */
export class KafkaClient {
  readonly #kafka: Kafka;

  constructor(kafka: Kafka) {
    this.#kafka = kafka;
  }

  /** The kafkajs client behind a KafkaClient; see `kafkajs`. */
  static unwrap(client: KafkaClient): Kafka {
    return client.#kafka;
  }
}

/** The kafkajs client behind a KafkaClient, for this lib's own modules (the lib's index does not export it). */
export function kafkajs(client: KafkaClient): Kafka {
  return KafkaClient.unwrap(client);
}

/** One log line of the Kafka client. */
export interface KafkaLogEntry {
  namespace: string;
  level: number;
  label: string;
  log: { message: string; [key: string]: unknown };
}

/** Makes the function the Kafka client writes its log lines to (levels: 1 error, 2 warn, 4 info, 5 debug). */
export type KafkaLogCreator = (level: number) => (entry: KafkaLogEntry) => void;

export interface KafkaClientOptions {
  /** Routes the client's own log lines (e.g. into pino); they go to the console otherwise. */
  logCreator?: KafkaLogCreator;
}

/** The one place that builds a Kafka client; apps and libs never call `new Kafka` themselves. */
export function createKafka(settings: KafkaSettings, options: KafkaClientOptions = {}): KafkaClient {
  applyKafkajsFixes();
  const config: KafkaConfig = {
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: settings.connectionTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    ssl: kafkaTlsOptions(settings),
    sasl: saslOptions(settings),
    logCreator: options.logCreator,
  };
  return new KafkaClient(new Kafka(config));
}

/** MSK IAM's OAUTHBEARER token provider: a token signed (SigV4) from the process's AWS credentials on each call. */
export function mskIamToken(region: string): () => Promise<{ value: string }> {
  return async () => ({ value: (await generateAuthToken({ region })).token });
}

/** The client's SASL options; for MSK IAM, a provider that signs a fresh token whenever one is needed. */
function saslOptions(settings: KafkaSettings): SASLOptions | undefined {
  const sasl = settings.sasl;
  if (!sasl) return undefined;
  if (sasl.mechanism === 'aws-msk-iam')
    return { mechanism: 'oauthbearer', oauthBearerProvider: mskIamToken(sasl.region) };
  return sasl as SASLOptions;
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

export function createProducer(kafka: KafkaClient, settings: KafkaSettings): Producer {
  return kafkajs(kafka).producer({
    idempotent: settings.idempotent,
    // kafkajs keeps sequence numbers correct only with one request in flight per broker.
    maxInFlightRequests: settings.idempotent ? 1 : undefined,
    allowAutoTopicCreation: false,
    createPartitioner: partitionKeyPartitioner,
  });
}

export function createConsumer(
  kafka: KafkaClient,
  groupId: string,
  overrides: Omit<ConsumerConfig, 'groupId'> = {},
): Consumer {
  return kafkajs(kafka).consumer({
    allowAutoTopicCreation: false,
    ...overrides,
    groupId: namespaced(groupId),
  });
}

export interface EnsureTopicsResult {
  created: string[];
  existing: string[];
}

/** One way an existing topic differs from the manifest. */
export interface TopicMismatch {
  topic: string;
  setting: string;
  expected: string;
  actual: string;
}

/** Existing topics that differ from the manifest: used as they are, they would break a guarantee. */
export class TopicMismatchError extends Error {
  constructor(readonly mismatches: TopicMismatch[]) {
    super(
      `Kafka topics differ from the manifest (libs/kafka-contracts/src/lib/topics.ts): ${mismatches
        .map((m) => `${m.topic} ${m.setting} is ${m.actual}, the manifest says ${m.expected}`)
        .join('; ')}. Alter the topics (kafka-configs.sh, kafka-topics.sh) or change the manifest.`,
    );
    this.name = 'TopicMismatchError';
  }
}

/**
 * Creates the manifest topics that are missing, with the manifest's partitions and configuration,
 * and waits until they take requests. Existing topics are checked against the manifest (partitions,
 * replication factor no lower than the settings', every configuration entry the manifest names): a
 * difference throws a TopicMismatchError naming each one, rather than running on a topic that, say,
 * deletes what should be compacted.
 */
export async function ensureTopics(
  kafka: KafkaClient,
  settings: KafkaSettings,
  topics: readonly TopicSpec[],
): Promise<EnsureTopicsResult> {
  const admin = kafkajs(kafka).admin();
  try {
    await admin.connect();
  } catch (err) {
    throw explainKafkaError(settings, err);
  }
  try {
    const present = new Set(await retryRetriable('listing topics', () => admin.listTopics()));
    const missing = topics.filter((t) => !present.has(t.name));
    const existing = topics.filter((t) => present.has(t.name));
    if (missing.length > 0) {
      // Another app creating the same topic at the same moment is fine: kafkajs answers false then.
      await retryRetriable('creating topics', () =>
        admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((t) => ({
            topic: t.name,
            numPartitions: t.partitions,
            replicationFactor: settings.replicationFactor,
            configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
          })),
        }),
      );
      // A new partition's leader may not take requests yet although the metadata names it.
      for (const t of missing) {
        await retryRetriable(`waiting for ${t.name}`, () => admin.fetchTopicOffsets(t.name), {
          timeoutMs: 60000,
        });
      }
    }
    if (existing.length > 0) {
      const mismatches = await topicMismatches(admin, settings, existing);
      if (mismatches.length > 0) throw new TopicMismatchError(mismatches);
    }
    return { created: missing.map((t) => t.name), existing: existing.map((t) => t.name) };
  } finally {
    await admin.disconnect();
  }
}

async function topicMismatches(
  admin: Admin,
  settings: KafkaSettings,
  topics: readonly TopicSpec[],
): Promise<TopicMismatch[]> {
  const mismatches: TopicMismatch[] = [];
  const metadata = await retryRetriable('reading topic metadata', () =>
    admin.fetchTopicMetadata({ topics: topics.map((t) => t.name) }),
  );
  const configs = await retryRetriable('reading topic configuration', () =>
    admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((t) => ({
        type: ConfigResourceTypes.TOPIC,
        name: t.name,
        configNames: Object.keys(t.config),
      })),
    }),
  );
  for (const spec of topics) {
    const meta = metadata.topics.find((m) => m.name === spec.name);
    const partitions = meta?.partitions.length ?? 0;
    if (partitions !== spec.partitions) {
      mismatches.push({
        topic: spec.name,
        setting: 'partitions',
        expected: String(spec.partitions),
        actual: String(partitions),
      });
    }
    const replicas = Math.min(...(meta?.partitions.map((p) => p.replicas.length) ?? [0]));
    if (replicas < settings.replicationFactor) {
      mismatches.push({
        topic: spec.name,
        setting: 'replication factor',
        expected: `at least ${settings.replicationFactor}`,
        actual: String(replicas),
      });
    }
    const entries = configs.resources.find((r) => r.resourceName === spec.name)?.configEntries ?? [];
    for (const [name, expected] of Object.entries(spec.config)) {
      const actual = entries.find((e) => e.configName === name)?.configValue ?? '(unset)';
      if (actual !== expected) mismatches.push({ topic: spec.name, setting: name, expected, actual });
    }
  }
  return mismatches;
}
