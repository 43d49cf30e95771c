import type { INestApplication } from '@nestjs/common';
import { type Calibration, sign } from '@fenx/hmac';
import { createKafka, KafkaClient, readTopic } from '@fenx/kafka';
import {
  decodeWebhookEvent,
  HEADER,
  headerText,
  readUnverifiedDelivery,
  TOPICS,
  WebhookEvent,
  webhookEventBody,
} from '@fenx/kafka-contracts';
import { KafkaCluster, sharedKafka, TestKafka } from '@fenx/kafka/test';
import { metricValue, waitFor } from '@fenx/testing';
import { register } from 'prom-client';
import { randomUUID } from 'node:crypto';
import { type AddressInfo, connect } from 'node:net';
import { createRadarApp, listenRadar } from './radar-app';
import { HTTP_PLATFORMS, loadRadarConfig } from './radar-config';
import { calibrateFromKafka } from '../cli/calibrate';

const TENANT = '45bf62ac-e4b1-4c16-ae32-d774cd18db6d';
// radar's bound on waiting for Kafka's acknowledgement in this suite (the default is 5 s).
const ACK_TIMEOUT_MS = 3000;
const CURRENT = 'current-secret';
const PREVIOUS = 'previous-secret';

function notification(overrides: Record<string, unknown> = {}) {
  const journeyId = randomUUID();
  return {
    journeyId,
    body: JSON.stringify({
      Id: randomUUID(),
      TenantId: TENANT,
      EventType: 'journey:taskcompleted',
      RelativeUrl: `journeyquery/api/journey-instance/${journeyId}`,
      Payload: { taskId: randomUUID() },
      When: '2026-11-23T05:00:00.1234567Z',
      CorrelationId: randomUUID(),
      CausationId: null,
      ...overrides,
    }),
  };
}

describe.each(HTTP_PLATFORMS)('radar on %s against Apache Kafka', (platform) => {
  let broker: KafkaCluster;
  let kafka: KafkaClient;
  let app: INestApplication;
  let url: string;

  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${url}/webhooks/fenx`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const signed = (body: string | Buffer, secret = CURRENT) =>
    post(body, { 'x-fenx-signature': sign(body, secret) });
  const events = async (): Promise<
    { key: string | null; event: WebhookEvent; headers: Record<string, string | undefined> }[]
  > =>
    (await readTopic(kafka, TOPICS.webhookEvents.name)).map((r) => {
      const decoded = decodeWebhookEvent(r.value);
      if (!decoded.ok) throw new Error(decoded.reason);
      return {
        key: r.key,
        event: decoded.value,
        headers: {
          notificationId: headerText(r.headers, HEADER.notificationId),
          origin: headerText(r.headers, HEADER.origin),
        },
      };
    });
  const metrics = async () => (await fetch(`${url}/metrics`)).text();

  beforeAll(async () => {
    broker = await KafkaCluster.start({ brokers: 3, startTimeoutMs: 150000 });
    kafka = createKafka(broker.settings('radar-test'), { logCreator: () => () => undefined });
    const config = loadRadarConfig({
      ...broker.env(),
      RADAR_WEBHOOK_SECRETS: JSON.stringify([CURRENT, `sha256-raw:${PREVIOUS}`]),
      RADAR_MAX_BODY_BYTES: '65536',
      RADAR_KAFKA_ACK_TIMEOUT_MS: String(ACK_TIMEOUT_MS),
      RADAR_HTTP_PLATFORM: platform,
      FENX_TENANT_ID: TENANT,
      LOG_LEVEL: 'silent',
      KAFKA_CONNECTION_TIMEOUT_MS: '500',
      KAFKA_REQUEST_TIMEOUT_MS: '1000',
    });
    app = await createRadarApp(config);
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  }, 60000);

  afterAll(async () => {
    await app?.close();
    await broker?.stop();
    register.clear();
  });

  it('answers a signed event 200 once it is in topic 1: raw body byte for byte, key and ids from the URL, headers', async () => {
    const { body, journeyId } = notification();
    const res = await signed(body);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { notificationId: string };
    expect(answer).toEqual({ status: 'accepted', notificationId: JSON.parse(body).Id, valid: true });
    const stored = (await events()).find((e) => e.event.notificationId === answer.notificationId);
    expect(stored?.key).toBe(journeyId);
    expect(stored?.event.body).toBe(body);
    expect(stored?.event.bodyEncoding).toBe('utf8');
    expect(stored?.event.ids.journeyId).toBe(journeyId);
    expect(stored?.event.origin).toBe('webhook');
    expect(stored?.event.valid).toBe(true);
    expect(stored?.headers).toEqual({ notificationId: answer.notificationId, origin: 'webhook' });
  });

  it('stores a body that starts with a byte-order mark byte for byte, BOM included', async () => {
    const { body } = notification();
    const raw = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]);
    const res = await post(raw, { 'x-fenx-signature': sign(raw, CURRENT) });
    expect(res.status).toBe(200);
    const { notificationId } = (await res.json()) as { notificationId: string };
    const stored = (await events()).find((e) => e.event.notificationId === notificationId);
    expect(stored && webhookEventBody(stored.event).equals(raw)).toBe(true);
    expect(stored?.event.valid).toBe(true);
  });

  it('never answers 3xx (FenX counts any status below 400 as delivered): other paths and methods get 4xx, or 200 once stored', async () => {
    const { body } = notification();
    const signature = sign(body, CURRENT);
    const answers: string[] = [];
    for (const [method, path] of [
      ['POST', '/webhooks/fenx/'],
      ['POST', '//webhooks/fenx'],
      ['POST', '/webhooks//fenx'],
      ['POST', '/WEBHOOKS/FENX'],
      ['POST', '/webhooks/fenx/..'],
      ['POST', '/webhooks'],
      ['POST', '/'],
      ['GET', '/webhooks/fenx'],
      ['HEAD', '/webhooks/fenx'],
      ['PUT', '/webhooks/fenx'],
      ['OPTIONS', '/webhooks/fenx'],
      ['GET', '/'],
    ]) {
      const res = await fetch(`${url}${path}`, {
        method,
        redirect: 'manual',
        headers: { 'content-type': 'application/json', 'x-fenx-signature': signature },
        body: method === 'GET' || method === 'HEAD' ? undefined : body,
      });
      answers.push(`${method} ${path} ${res.status}`);
    }
    const status = (a: string) => Number(a.split(' ')[2]);
    expect(answers.filter((a) => status(a) >= 300 && status(a) < 400)).toEqual([]);
    // Express routes case-insensitively and with a trailing slash: there, such a POST is the webhook
    // route, and its 200 comes after the record is stored; anything else is a 4xx.
    const taken = answers.filter((a) => status(a) < 300);
    expect(taken.every((a) => a.startsWith('POST ') && status(a) === 200)).toBe(true);
    if (taken.length > 0) expect((await events()).some((e) => e.event.body === body)).toBe(true);
  });

  it('refuses a tampered body, a wrong secret, a missing or malformed header with 401 and writes nothing', async () => {
    const before = (await events()).length;
    const { body } = notification();
    const tampered = body.replace('taskcompleted', 'taskassigned');
    const answers = [
      (await post(tampered, { 'x-fenx-signature': sign(body, CURRENT) })).status,
      (await signed(body, 'not-the-secret')).status,
      (await post(body)).status,
      (await post(body, { 'x-fenx-signature': 'sha256=xyz' })).status,
    ];
    expect(answers).toEqual([401, 401, 401, 401]);
    expect((await events()).length).toBe(before);
    const text = await metrics();
    expect(metricValue(text, 'radar_signature_failures_total', { reason: 'mismatch' })).toBe(2);
    expect(metricValue(text, 'radar_signature_failures_total', { reason: 'missing' })).toBe(1);
    expect(metricValue(text, 'radar_signature_failures_total', { reason: 'malformed' })).toBe(1);
  });

  it('keeps a refused delivery whose well-formed signature no key reproduces in the quarantine, verbatim and without credentials; calibrate --from-kafka names the scheme that signed it', async () => {
    const bodies = [notification().body, `\uFEFF${notification().body}\n`, notification().body];
    const answers = [];
    for (const body of bodies)
      answers.push(
        (
          await post(body, {
            'x-fenx-signature': sign(body, CURRENT, 'body+sha256-base64'),
            authorization: 'Bearer gateway-token',
          })
        ).status,
      );
    expect(answers).toEqual([401, 401, 401]);
    expect((await events()).filter((e) => bodies.includes(e.event.body))).toEqual([]);

    const kept = await waitFor(
      async () => {
        const all = (await readTopic(kafka, TOPICS.webhookUnverified.name)).map(readUnverifiedDelivery);
        const ours = all.filter((d) => bodies.some((b) => d.body.equals(Buffer.from(b))));
        return ours.length === bodies.length ? ours : undefined;
      },
      { timeoutMs: 20000, intervalMs: 500, what: 'the three refused deliveries in the quarantine topic' },
    );
    for (const d of kept) {
      expect(d.httpHeaders['x-fenx-signature']).toBe(sign(d.body, CURRENT, 'body+sha256-base64'));
      expect(d.httpHeaders['authorization']).toBeUndefined();
      expect(d.reason).toBe('mismatch');
    }
    expect(
      metricValue(await metrics(), 'radar_quarantine_total', { outcome: 'stored' }),
    ).toBeGreaterThanOrEqual(3);

    const env = {
      ...broker.env(),
      RADAR_WEBHOOK_SECRETS: JSON.stringify([CURRENT, `sha256-raw:${PREVIOUS}`]),
    };
    const result = await calibrateFromKafka({}, env);
    expect(result.exitCode).toBe(0);
    expect(result.text).toContain(
      'FenX signs with body+sha256-base64: set RADAR_SIGNING_SCHEME=body+sha256-base64',
    );
    const counts = JSON.parse((await calibrateFromKafka({ json: true }, env)).text) as Calibration;
    // The earlier test's tampered body and wrong secret are in the quarantine too, matching nothing.
    expect(counts.matches).toEqual([{ scheme: 'body+sha256-base64', secretIndex: 0, deliveries: 3 }]);
    expect(counts.wellFormed).toBeGreaterThanOrEqual(3);
  });

  it('accepts the previous secret while it is rotated out', async () => {
    const { body } = notification();
    expect((await signed(body, PREVIOUS)).status).toBe(200);
  });

  it('answers a body over the limit 413 before reading it, and writes nothing', async () => {
    const before = (await events()).length;
    const body = JSON.stringify({ padding: 'x'.repeat(70000) });
    const res = await signed(body);
    expect(res.status).toBe(413);
    expect((await events()).length).toBe(before);
    expect(
      metricValue(await metrics(), 'radar_http_requests_total', { outcome: 'too_large' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it("echoes the caller's x-request-id, or a new one, on 200, 401 and 413 alike", async () => {
    const { body } = notification();
    const own = await post(body, { 'x-fenx-signature': sign(body, CURRENT), 'x-request-id': 'req-own' });
    expect([own.status, own.headers.get('x-request-id')]).toEqual([200, 'req-own']);
    const forged = await post(body, { 'x-fenx-signature': sign(body, 'not-the-secret') });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const large = JSON.stringify({ padding: 'x'.repeat(70000) });
    const tooLarge = await post(large, {
      'x-fenx-signature': sign(large, CURRENT),
      'x-request-id': 'req-big',
    });
    expect([tooLarge.status, tooLarge.headers.get('x-request-id')]).toEqual([413, 'req-big']);
  });

  it('writes every genuine event, flagged with its reasons when it is odd, and answers 200', async () => {
    const unknownType = notification({ EventType: 'journey:somethingnew' }).body;
    const unknownUrl = notification({ RelativeUrl: 'newapi/api/thing/123' }).body;
    const otherTenant = notification({ TenantId: randomUUID() }).body;
    const polled = JSON.stringify({
      id: randomUUID(),
      eventType: 'entitydata:created',
      when: '2026-11-23T05:00:00Z',
      tenantId: TENANT,
      causationId: null,
      correlationId: null,
      relativeUrl: `entitydataquery/api/entity/${randomUUID()}`,
      payload: {},
    });
    const notJson = '{"Id": "cut off';
    const notUtf8 = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const answers = [];
    for (const body of [unknownType, unknownUrl, otherTenant, polled, notJson, notUtf8]) {
      const res = await signed(body);
      answers.push([res.status, ((await res.json()) as { valid: boolean }).valid]);
    }
    expect(answers).toEqual([
      [200, false],
      [200, false],
      [200, false],
      [200, true],
      [200, false],
      [200, false],
    ]);
    const all = await events();
    const problemsOf = (b: string) => all.find((e) => e.event.body === b)?.event.problems ?? [];
    expect(problemsOf(unknownType)).toEqual(['unknown event type: journey:somethingnew']);
    expect(problemsOf(unknownUrl)).toEqual(['unknown RelativeUrl pattern: newapi/api/thing/123']);
    expect(problemsOf(otherTenant)[0]).toMatch(/^tenant mismatch/);
    expect(problemsOf(notJson)[0]).toMatch(/^body is not JSON/);
    const binary = all.find((e) => e.event.bodyEncoding === 'base64');
    expect(Buffer.from(binary?.event.body ?? '', 'base64')).toEqual(notUtf8);
    const text = await metrics();
    for (const reason of [
      'unknown_event_type',
      'unknown_relative_url',
      'wrong_tenant',
      'not_json',
      'not_utf8',
    ])
      expect(metricValue(text, 'radar_validation_flags_total', { reason })).toBe(1);
    expect(metricValue(text, 'radar_http_requests_total', { outcome: 'flagged' })).toBe(5);
  });

  it('groups concurrent requests into shared produce calls, each answered after its own acknowledgement', async () => {
    const before = metricValue(await metrics(), 'radar_kafka_batch_size_records_count');
    const bodies = Array.from({ length: 60 }, () => notification().body);
    // A 503 (an acknowledgement later than the bound, on a loaded machine) is retried, as FenX
    // retries it; every delivery ends in a 200.
    const deliver = async (body: string): Promise<number> => {
      for (let attempt = 1; ; attempt++) {
        const status = (await signed(body)).status;
        if (status !== 503 || attempt === 5) return status;
      }
    };
    const answers = await Promise.all(bodies.map(deliver));
    expect(answers.filter((s) => s !== 200)).toEqual([]);
    const text = await metrics();
    const calls = metricValue(text, 'radar_kafka_batch_size_records_count') - before;
    expect(calls).toBeGreaterThanOrEqual(1);
    // Fewer produce calls than records written: concurrent requests shared them.
    expect(calls).toBeLessThan(60);
    const stored = new Set((await events()).map((e) => e.event.body));
    expect(bodies.filter((b) => !stored.has(b))).toEqual([]);
  });

  it('answers 503 while Kafka is down (never 2xx without a record), is not ready, and 200 again once it is back', async () => {
    const unavailableBefore = metricValue(await metrics(), 'radar_http_requests_total', {
      outcome: 'unavailable',
    });
    await broker.killAll();
    let down: { body: string; status: number }[] = [];
    try {
      down = [];
      for (let i = 0; i < 3; i++) {
        const { body } = notification();
        down.push({ body, status: (await signed(body)).status });
      }
      expect(down.map((d) => d.status)).toEqual([503, 503, 503]);
      expect((await fetch(`${url}/health/ready`)).status).toBe(503);
      expect(
        metricValue(await metrics(), 'radar_http_requests_total', { outcome: 'unavailable' }) -
          unavailableBefore,
      ).toBe(3);
    } finally {
      await broker.restartAll();
    }
    const { body } = notification();
    const status = await waitFor(
      async () => {
        const s = (await signed(body)).status;
        return s === 200 ? s : undefined;
      },
      { timeoutMs: 90000, intervalMs: 500, what: 'radar answering 200 again' },
    );
    expect(status).toBe(200);
    await waitFor(async () => (await fetch(`${url}/health/ready`)).status === 200, { timeoutMs: 30000 });
    // A 503 may still have reached Kafka (FenX's retry is then a duplicate, removed downstream by its Id);
    // what must never happen is a 200 whose record is missing.
    const stored = new Set((await events()).map((e) => e.event.body));
    expect(stored.has(body)).toBe(true);
  }, 240000);

  it('answers 503 within its bound while two of three brokers are down (acks=all cannot be met), 200 again once one is back', async () => {
    await broker.kill(2);
    await broker.kill(3);
    const answers: { body: string; status: number; ms: number }[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const { body } = notification();
        const started = Date.now();
        const status = (await signed(body)).status;
        answers.push({ body, status, ms: Date.now() - started });
      }
      expect(answers.map((a) => a.status)).toEqual([503, 503, 503]);
      // Bounded by RADAR_KAFKA_ACK_TIMEOUT_MS plus its own work: it never waits on Kafka's retries.
      expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(ACK_TIMEOUT_MS + 4500);
    } finally {
      await broker.restart(2);
    }
    const { body } = notification();
    await waitFor(async () => (await signed(body)).status === 200, {
      timeoutMs: 90000,
      intervalMs: 500,
      what: 'radar answering 200 with two brokers up',
    });
    await broker.restart(3);
    const stored = new Set((await events()).map((e) => e.event.body));
    expect(stored.has(body)).toBe(true);
  }, 240000);

  it('with a broker frozen (SIGSTOP) for a while: every 200 is stored, nothing else but 503, and 200s again after SIGCONT', async () => {
    const answered: { body: string; status: number }[] = [];
    const send = async () => {
      const { body } = notification();
      const status = (await signed(body)).status;
      answered.push({ body, status });
      return status;
    };
    broker.pause(1);
    try {
      // Long enough for the controller to fence the frozen node (broker.session.timeout.ms: 6 s).
      const until = Date.now() + 10000;
      while (Date.now() < until) await send();
    } finally {
      broker.resume(1);
    }
    await waitFor(async () => (await send()) === 200, {
      timeoutMs: 90000,
      intervalMs: 200,
      what: 'a 200 after SIGCONT',
    });
    expect(answered.filter((a) => a.status !== 200 && a.status !== 503)).toEqual([]);
    const stored = new Set((await events()).map((e) => e.event.body));
    expect(answered.filter((a) => a.status === 200 && !stored.has(a.body))).toEqual([]);
  }, 240000);

  // Last in this suite: it replaces the app above by one on two ports with short HTTP limits, on the
  // run's shared cluster (the faults above leave this suite's own cluster recovering for a while).
  describe('HTTP limits and the internal port', () => {
    let publicUrl: string;
    let internalUrl: string;
    let publicPort: number;
    let healthy: TestKafka;
    const REQUEST_TIMEOUT_MS = 2000;

    afterAll(async () => {
      await healthy?.stop();
    });

    beforeAll(async () => {
      await app.close();
      register.clear();
      healthy = await sharedKafka();
      const config = loadRadarConfig({
        ...healthy.env(),
        RADAR_WEBHOOK_SECRETS: CURRENT,
        RADAR_HTTP_PLATFORM: platform,
        FENX_TENANT_ID: TENANT,
        LOG_LEVEL: 'silent',
        PORT: '0',
        RADAR_INTERNAL_PORT: '0',
        RADAR_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        RADAR_HEADERS_TIMEOUT_MS: '1000',
      });
      app = await createRadarApp(config);
      const { internalPort } = await listenRadar(app, config, '127.0.0.1');
      publicPort = (app.getHttpServer().address() as AddressInfo).port;
      publicUrl = `http://127.0.0.1:${publicPort}`;
      internalUrl = `http://127.0.0.1:${internalPort}`;
    }, 180000);

    /**
     * Sends a request's head announcing `length` body bytes, then one byte every `everyMs` until the
     * server closes the connection or the body is complete; resolves with what it sent and got back.
     */
    const dribble = (head: string, body: Buffer, everyMs: number) =>
      new Promise<{ sent: number; answer: string }>((resolve, reject) => {
        const socket = connect(publicPort, '127.0.0.1');
        let sent = 0;
        let answer = '';
        let timer: NodeJS.Timeout | undefined;
        socket.on('data', (d) => (answer += d.toString('latin1')));
        socket.on('error', () => undefined);
        socket.on('close', () => {
          clearInterval(timer);
          resolve({ sent, answer });
        });
        socket.on('connect', () => {
          socket.write(head);
          timer = setInterval(() => {
            if (sent >= body.length) return clearInterval(timer);
            if (!socket.writable) return;
            socket.write(body.subarray(sent, sent + 1));
            sent += 1;
          }, everyMs);
        });
        setTimeout(() => reject(new Error(`still connected after sending ${sent} bytes`)), 60000).unref();
      });

    it('cuts off a client that dribbles a body for longer than RADAR_REQUEST_TIMEOUT_MS', async () => {
      const { body } = notification();
      const bytes = Buffer.from(body);
      const head =
        `POST /webhooks/fenx HTTP/1.1\r\nHost: radar\r\ncontent-type: application/json\r\n` +
        `x-fenx-signature: ${sign(body, CURRENT)}\r\ncontent-length: ${bytes.length}\r\n\r\n`;
      // One byte every 100 ms: the body would take bytes.length / 10 seconds, far beyond the limit.
      expect(bytes.length / 10).toBeGreaterThan((REQUEST_TIMEOUT_MS / 1000) * 10);
      const { sent, answer } = await dribble(head, bytes, 100);
      expect(sent).toBeLessThan(bytes.length);
      expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
    }, 70000);

    it('takes a delivery whose body arrives slowly but within the limit', async () => {
      const { body } = notification();
      const bytes = Buffer.from(body);
      const chunks = [bytes.subarray(0, 100), bytes.subarray(100, 200), bytes.subarray(200)];
      const res = await fetch(`${publicUrl}/webhooks/fenx`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-fenx-signature': sign(body, CURRENT) },
        duplex: 'half',
        body: new ReadableStream({
          async pull(controller) {
            const next = chunks.shift();
            if (!next) return controller.close();
            await new Promise((r) => setTimeout(r, 200));
            controller.enqueue(next);
          },
        }),
      } as RequestInit);
      expect(res.status).toBe(200);
    });

    it('serves the webhook route only on the public port, /metrics and /health only on the internal one', async () => {
      const status = async (url: string, init?: RequestInit) => (await fetch(url, init)).status;
      expect(await status(`${publicUrl}/metrics`)).toBe(404);
      expect(await status(`${publicUrl}/health/live`)).toBe(404);
      expect(await status(`${internalUrl}/health/live`)).toBe(200);
      expect(await status(`${internalUrl}/health/ready`)).toBe(200);
      const metricsText = await (await fetch(`${internalUrl}/metrics`)).text();
      expect(metricsText).toContain('radar_http_requests_total');
      const { body } = notification();
      expect(
        await status(`${internalUrl}/webhooks/fenx`, {
          method: 'POST',
          headers: { 'x-fenx-signature': sign(body, CURRENT) },
          body,
        }),
      ).toBe(404);
      expect(
        await status(`${publicUrl}/webhooks/fenx`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-fenx-signature': sign(body, CURRENT) },
          body,
        }),
      ).toBe(200);
    });
  });
});
