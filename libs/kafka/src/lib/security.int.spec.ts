import { KafkaCluster } from '../test';
import { applyAcls, PIPELINE_APPS, pipelineAcls } from './acls';
import { createKafka, KafkaClient, kafkajs } from './kafka-client';
import { KafkaProducer } from './kafka-producer';
import { kafkaSettingProblem, KafkaSettings } from './kafka-settings';
import { readTopic } from './topic-reader';
import { TOPICS, TopicName } from '@fenx/kafka-contracts';

const quiet = { logCreator: () => () => undefined };

describe('Kafka over SASL_SSL with the production ACLs', () => {
  let cluster: KafkaCluster;
  const clients: KafkaProducer[] = [];

  beforeAll(async () => {
    cluster = await KafkaCluster.start({
      brokers: 3,
      security: { users: Object.fromEntries(PIPELINE_APPS.map((app) => [app, `${app}-secret`])) },
    });
    await applyAcls(createKafka(cluster.settings('acl-setup'), quiet), pipelineAcls());
  }, 120000);

  afterAll(async () => {
    await Promise.allSettled(clients.map((p) => p.disconnect()));
    await cluster?.stop();
  });

  const as = (user: string): { kafka: KafkaClient; settings: KafkaSettings } => {
    const settings = cluster.settings(`${user}-test`, user);
    return { kafka: createKafka(settings, quiet), settings };
  };

  /** `denied` for an authorization failure (whichever request of kafkajs met it), else the error. */
  const outcome = (err: unknown): string => {
    const text = `${(err as { type?: string }).type ?? ''} ${(err as Error).message}`;
    return /AUTHORIZATION_FAILED|not authorized/i.test(text) ? 'denied' : text;
  };

  async function write(user: string, topic: TopicName): Promise<string> {
    const { kafka, settings } = as(user);
    const producer = new KafkaProducer(kafka, settings);
    clients.push(producer);
    try {
      await producer.connect();
      await producer.emit(topic, [{ key: 'k', value: `from ${user}` }]);
      return 'written';
    } catch (err) {
      return outcome(err);
    } finally {
      await producer.disconnect();
    }
  }

  async function read(user: string, topic: TopicName): Promise<string> {
    try {
      const records = await readTopic(as(user).kafka, topic, { timeoutMs: 20000 });
      return `read ${records.length}`;
    } catch (err) {
      return outcome(err);
    }
  }

  it("lets radar's principal write topic 1 and the quarantine, and read only the quarantine", async () => {
    expect(await write('radar', TOPICS.webhookEvents.name)).toBe('written');
    expect(await write('radar', TOPICS.webhookUnverified.name)).toBe('written');
    expect(await write('radar', TOPICS.journeyDetails.name)).toBe('denied');
    expect(await write('radar', TOPICS.pipelineState.name)).toBe('denied');
    expect(await read('radar', TOPICS.webhookUnverified.name)).toMatch(/^read \d+$/);
    expect(await read('radar', TOPICS.webhookEvents.name)).not.toMatch(/^read/);
  });

  it('lets each extractor read topic 1 and write only its own topics', async () => {
    expect(await read('journey-extractor', TOPICS.webhookEvents.name)).toMatch(/^read \d+$/);
    expect(await write('journey-extractor', TOPICS.journeyDetails.name)).toBe('written');
    expect(await write('journey-extractor', TOPICS.journeyExtractorDeadLetter.name)).toBe('written');
    expect(await write('journey-extractor', TOPICS.entityDetails.name)).toBe('denied');
    expect(await write('entity-extractor', TOPICS.entityDetails.name)).toBe('written');
    expect(await write('entity-extractor', TOPICS.journeyDetails.name)).toBe('denied');
    expect(await read('entity-extractor', TOPICS.lakeSinkDeadLetter.name)).toBe('denied');
  });

  it('lets lake-sink read the detail topics and write only its dead letters', async () => {
    expect(await read('lake-sink', TOPICS.journeyDetails.name)).toMatch(/^read \d+$/);
    expect(await read('lake-sink', TOPICS.pipelineState.name)).toBe('denied');
    expect(await write('lake-sink', TOPICS.journeyDetails.name)).toBe('denied');
    expect(await write('lake-sink', TOPICS.webhookEvents.name)).toBe('denied');
    expect(await write('lake-sink', TOPICS.lakeSinkDeadLetter.name)).toBe('written');
  });

  async function connectError(settings: KafkaSettings): Promise<unknown> {
    const admin = kafkajs(createKafka(settings, quiet)).admin();
    try {
      await admin.connect();
      await admin.listTopics();
      return undefined;
    } catch (err) {
      return err;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  it('fails at once on a wrong password, naming the setting', async () => {
    const settings = { ...cluster.settings('bad-password', 'radar') };
    settings.sasl = { mechanism: 'scram-sha-512', username: 'radar', password: 'not-the-password' };
    const error = await connectError(settings);
    expect(error).toBeDefined();
    expect(kafkaSettingProblem(settings, error)).toMatch(
      /^Kafka refused the credentials of KAFKA_SASL_USERNAME=radar \(KAFKA_SASL_MECHANISM=scram-sha-512\): check KAFKA_SASL_PASSWORD/,
    );
  });

  it('fails, without hanging, on brokers whose certificate the CA file did not sign, naming the file', async () => {
    const tls = cluster.tls;
    if (!tls) throw new Error('the cluster has no TLS');
    const settings = { ...cluster.settings('untrusted', 'radar'), tls: { caFile: tls.otherCaFile } };
    const error = await connectError(settings);
    expect(error).toBeDefined();
    expect(kafkaSettingProblem(settings, error)).toContain(
      `the brokers' TLS certificate is not trusted: KAFKA_SSL_CA_FILE=${tls.otherCaFile} did not sign it`,
    );
  }, 60000);

  it('connects with a client certificate (mutual TLS) as well as SCRAM', async () => {
    const tls = cluster.tls;
    if (!tls) throw new Error('the cluster has no TLS');
    const settings = {
      ...cluster.settings('mtls', 'radar'),
      tls: { caFile: tls.caFile, certFile: tls.clientCertFile, keyFile: tls.clientKeyFile },
    };
    expect(await connectError(settings)).toBeUndefined();
  });
});
