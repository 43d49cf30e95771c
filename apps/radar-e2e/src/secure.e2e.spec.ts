import { KafkaCluster } from '@fenx/kafka/test';
import { AppProcess, freePort } from '@fenx/testing';

/** radar started against a secured cluster with a setting that cannot work: it exits, naming it. */
describe('radar start-up on a secured cluster (SASL_SSL)', () => {
  let cluster: KafkaCluster;

  beforeAll(async () => {
    cluster = await KafkaCluster.start({ brokers: 1, security: { users: { radar: 'radar-secret' } } });
  }, 120000);

  afterAll(async () => {
    await cluster?.stop();
  });

  async function startFailing(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
    const app = await AppProcess.start({
      name: 'radar',
      env: {
        ...cluster.env('radar'),
        PORT: String(await freePort()),
        RADAR_WEBHOOK_SECRETS: 'current-secret',
        FENX_TENANT_ID: '45bf62ac-e4b1-4c16-ae32-d774cd18db6d',
        ...env,
      },
    });
    try {
      const { code } = await app.exited();
      return { code, output: app.output().join('\n') };
    } finally {
      await app.stop();
    }
  }

  it('exits at once on a wrong password, naming KAFKA_SASL_PASSWORD', async () => {
    const { code, output } = await startFailing({ KAFKA_SASL_PASSWORD: 'not-the-password' });
    expect(code).not.toBe(0);
    expect(output).toMatch(
      /Kafka refused the credentials of KAFKA_SASL_USERNAME=radar .*check KAFKA_SASL_PASSWORD/,
    );
    expect(output).not.toContain('not-the-password');
  }, 60000);

  it('exits, without hanging, when the CA file did not sign the brokers’ certificate, naming the file', async () => {
    const other = cluster.tls?.otherCaFile ?? '';
    const { code, output } = await startFailing({ KAFKA_SSL_CA_FILE: other });
    expect(code).not.toBe(0);
    expect(output).toContain(`KAFKA_SSL_CA_FILE=${other} did not sign it`);
  }, 90000);
});
