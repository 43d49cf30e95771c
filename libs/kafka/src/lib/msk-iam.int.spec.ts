import { Kafka } from 'kafkajs';
import { KafkaCluster } from '../test';
import { createKafka, kafkajs, mskIamToken } from './kafka-client';
import { explainKafkaError } from './kafka-settings';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

/**
 * MSK's IAM access control as far as a machine without AWS goes: the token the client presents is
 * signed from the process's AWS credentials, and the brokers' OAUTHBEARER listener takes a token it can
 * validate (Kafka's own validator accepts unsigned JWTs only; MSK's IAM validator runs only on MSK).
 */
describe('KAFKA_SASL_MECHANISM=aws-msk-iam', () => {
  let cluster: KafkaCluster;
  const saved = { ...process.env };

  beforeAll(async () => {
    // Placeholder credentials of AWS's documentation: the signer needs some, nothing calls AWS.
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIAIOSFODNN7EXAMPLE';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    cluster = await KafkaCluster.start({ brokers: 1, topics: [], oauthbearer: true });
  }, 120000);

  afterAll(async () => {
    process.env = saved;
    await cluster?.stop();
  });

  it('signs a token for kafka-cluster:Connect in the region from the process credentials', async () => {
    const { value: token } = await mskIamToken('eu-west-2')();
    const url = new URL(Buffer.from(token, 'base64url').toString('utf8'));
    expect(url.host).toBe('kafka.eu-west-2.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('kafka-cluster:Connect');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(
      /^AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-2\/kafka-cluster\/aws4_request$/,
    );
  });

  it('the OAUTHBEARER listener takes a token it can validate', async () => {
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${b64({ alg: 'none' })}.${b64({ sub: 'admin', iat: now, exp: now + 3600 })}.`;
    const admin = new Kafka({
      brokers: cluster.oauthBootstrap,
      logCreator: () => () => undefined,
      sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: unsigned }) },
    }).admin();
    await admin.connect();
    try {
      expect(Array.isArray(await admin.listTopics())).toBe(true);
    } finally {
      await admin.disconnect();
    }
  });

  it('presents the signed token of KAFKA_SASL_MECHANISM=aws-msk-iam to the brokers, which judge it', async () => {
    // Kafka's validator takes only its unsigned JWTs, so it must refuse MSK's token: the refusal is the
    // broker's verdict on the token the client signed and presented (RFC 7628's error challenge).
    const settings = {
      ...cluster.settings('msk-iam'),
      brokers: cluster.oauthBootstrap,
      sasl: { mechanism: 'aws-msk-iam' as const, region: 'eu-west-2' },
    };
    const admin = kafkajs(createKafka(settings, { logCreator: () => () => undefined })).admin();
    const error = await admin.connect().then(
      () => new Error('connected with a token the broker cannot validate'),
      (e: Error) => e,
    );
    await admin.disconnect();
    expect(error.name).toBe('KafkaJSSASLAuthenticationError');
    expect(error.message).toMatch(/OAUTHBEARER authentication failed: .*invalid_token/);
    expect((explainKafkaError(settings, error) as Error).message).toMatch(
      /^Kafka refused the AWS IAM token \(KAFKA_SASL_MECHANISM=aws-msk-iam, KAFKA_AWS_REGION=eu-west-2\)/,
    );
  });
});
