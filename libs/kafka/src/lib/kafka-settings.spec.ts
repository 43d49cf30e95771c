import { ConfigValidationError, validateEnv } from '@fenx/config';
import { KafkaEnv, kafkaSettingsFrom, kafkaTlsOptions } from './kafka-settings';

describe('Kafka settings', () => {
  it('defaults to production settings: acks=all, idempotence, topic creation', () => {
    const settings = kafkaSettingsFrom(validateEnv(KafkaEnv, {}));
    expect(settings).toMatchObject({
      brokers: ['localhost:9092'],
      acks: 'all',
      idempotent: true,
      createTopics: true,
      replicationFactor: 3,
    });
    expect(settings.sasl).toBeUndefined();
  });

  it('switches idempotence and topic creation off when told to', () => {
    const settings = kafkaSettingsFrom(
      validateEnv(KafkaEnv, {
        KAFKA_BROKERS: '127.0.0.1:4001,127.0.0.1:4002',
        KAFKA_IDEMPOTENT: 'false',
        KAFKA_CREATE_TOPICS: 'false',
      }),
    );
    expect(settings.brokers).toEqual(['127.0.0.1:4001', '127.0.0.1:4002']);
    expect(settings.idempotent).toBe(false);
    expect(settings.createTopics).toBe(false);
  });

  it('takes TLS files and MSK IAM, which needs a region and no user or password', () => {
    const settings = kafkaSettingsFrom(
      validateEnv(KafkaEnv, {
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem',
        KAFKA_SASL_MECHANISM: 'aws-msk-iam',
        KAFKA_AWS_REGION: 'eu-west-2',
      }),
    );
    expect(settings).toMatchObject({
      ssl: true,
      tls: { caFile: '/etc/kafka/ca.pem' },
      sasl: { mechanism: 'aws-msk-iam', region: 'eu-west-2' },
    });
    expect(() => validateEnv(KafkaEnv, { KAFKA_SASL_MECHANISM: 'aws-msk-iam' })).toThrow(/KAFKA_AWS_REGION/);
    expect(() => validateEnv(KafkaEnv, { KAFKA_SSL_CERT_FILE: '/c.pem' })).toThrow(/KAFKA_SSL_KEY_FILE/);
  });

  it('names the CA file it cannot read', () => {
    expect(() =>
      kafkaTlsOptions({
        ...kafkaSettingsFrom(validateEnv(KafkaEnv, { KAFKA_SSL: 'true' })),
        tls: { caFile: '/nonexistent/ca.pem' },
      }),
    ).toThrow(/^KAFKA_SSL_CA_FILE=\/nonexistent\/ca.pem cannot be read/);
  });

  it('names each bad variable', () => {
    let error: ConfigValidationError | undefined;
    try {
      validateEnv(KafkaEnv, {
        KAFKA_BROKERS: 'no-port',
        KAFKA_ACKS: '0',
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_SASL_PASSWORD: 'pw',
      });
    } catch (e) {
      error = e as ConfigValidationError;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const vars = error?.problems.map((p) => p.split(':')[0]).sort();
    expect(vars).toEqual(['KAFKA_ACKS', 'KAFKA_BROKERS', 'KAFKA_SASL_USERNAME']);
    expect(error?.message).toContain('host:port');
    expect(error?.message).not.toContain('pw"');
  });

  it('builds SASL settings only when complete', () => {
    const settings = kafkaSettingsFrom(
      validateEnv(KafkaEnv, {
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'u',
        KAFKA_SASL_PASSWORD: 'p',
        KAFKA_SSL: 'true',
      }),
    );
    expect(settings.sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'u',
      password: 'p',
    });
    expect(settings.ssl).toBe(true);
  });
});
