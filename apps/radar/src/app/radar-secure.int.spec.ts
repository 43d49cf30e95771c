import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { sign } from '@fenx/hmac';
import { applyAcls, createKafka, pipelineAcls, readTopic } from '@fenx/kafka';
import { TOPICS } from '@fenx/kafka-contracts';
import { KafkaCluster } from '@fenx/kafka/test';
import { metricValue } from '@fenx/testing';
import { register } from 'prom-client';
import { createRadarApp } from './radar-app';
import { loadRadarConfig } from './radar-config';

const TENANT = '45bf62ac-e4b1-4c16-ae32-d774cd18db6d';
const SECRET = 'current-secret';

const body = () =>
  JSON.stringify({
    Id: randomUUID(),
    TenantId: TENANT,
    EventType: 'journey:taskcompleted',
    RelativeUrl: `journeyquery/api/journey-instance/${randomUUID()}`,
    Payload: {},
    When: '2026-11-23T05:00:00.1234567Z',
  });

describe('radar on a secured cluster (SASL_SSL, the production ACLs)', () => {
  let cluster: KafkaCluster;

  beforeAll(async () => {
    cluster = await KafkaCluster.start({
      brokers: 1,
      security: { users: { radar: 'radar-secret', 'lake-sink': 'lake-sink-secret' } },
    });
    await applyAcls(
      createKafka(cluster.settings('acl-setup'), { logCreator: () => () => undefined }),
      pipelineAcls(),
    );
  }, 120000);

  afterAll(async () => {
    await cluster?.stop();
  });

  const config = (env: Record<string, string>) =>
    loadRadarConfig({
      RADAR_WEBHOOK_SECRETS: SECRET,
      RADAR_KAFKA_ACK_TIMEOUT_MS: '3000',
      FENX_TENANT_ID: TENANT,
      LOG_LEVEL: 'silent',
      KAFKA_CREATE_TOPICS: 'false',
      ...env,
    });

  async function withRadar(env: Record<string, string>, run: (url: string) => Promise<void>): Promise<void> {
    const app: INestApplication = await createRadarApp(config(env));
    try {
      await app.listen(0, '127.0.0.1');
      await run((await app.getUrl()).replace('[::1]', '127.0.0.1'));
    } finally {
      await app.close();
      register.clear();
    }
  }

  const deliver = (url: string, text: string) =>
    fetch(`${url}/webhooks/fenx`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fenx-signature': sign(text, SECRET) },
      body: text,
    });

  const storedBodies = async () =>
    new Set(
      (
        await readTopic(
          createKafka(cluster.settings('check'), { logCreator: () => () => undefined }),
          TOPICS.webhookEvents.name,
        )
      ).map((r) => (JSON.parse(String(r.value)) as { body: string }).body),
    );

  it("stores and answers 200 as radar's own principal", async () => {
    const text = body();
    await withRadar(cluster.env('radar'), async (url) => {
      expect((await deliver(url, text)).status).toBe(200);
    });
    expect((await storedBodies()).has(text)).toBe(true);
  });

  it('answers 503 when an ACL denies the write, counts it as denied, and stores nothing', async () => {
    const text = body();
    // lake-sink's principal may not write topic 1.
    await withRadar(cluster.env('lake-sink'), async (url) => {
      expect((await deliver(url, text)).status).toBe(503);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(
        metricValue(metrics, 'radar_kafka_write_failures_total', { reason: 'denied' }),
      ).toBeGreaterThanOrEqual(1);
    });
    expect((await storedBodies()).has(text)).toBe(false);
  });
});
