import type { INestApplication } from '@nestjs/common';
import { sign } from '@fenx/hmac';
import { createKafka, readTopic } from '@fenx/kafka';
import { decodeWebhookEvent, TOPICS } from '@fenx/kafka-contracts';
import { sharedKafka, TestKafka } from '@fenx/kafka/test';
import fc from 'fast-check';
import { connect } from 'node:net';
import { register } from 'prom-client';
import { createRadarApp } from './radar-app';
import { loadRadarConfig } from './radar-config';

const SECRET = 'fuzz-secret';
const LIMIT = 16384;

/** A request written byte for byte on a socket, so duplicated headers reach radar as sent. */
function send(port: number, body: Buffer, headers: [string, string][]): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const head = [
      'POST /webhooks/fenx HTTP/1.1',
      'host: 127.0.0.1',
      'connection: close',
      `content-length: ${body.length}`,
      ...headers.map(([k, v]) => `${k}: ${v}`),
    ].join('\r\n');
    let answer = '';
    const settle = (error?: Error) => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      // A 413 may be answered and the connection closed before the whole body was sent.
      if (m) resolve(Number(m[1]));
      else reject(error ?? new Error(`no HTTP answer: ${answer.slice(0, 100)}`));
    };
    socket.on('data', (c: Buffer) => (answer += c.toString('latin1')));
    socket.on('error', settle);
    socket.on('close', () => settle());
    socket.write(Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), body]));
  });
}

const notificationBody = fc
  .record({
    Id: fc.oneof(fc.uuid(), fc.string()),
    TenantId: fc.oneof(fc.uuid(), fc.constant(''), fc.integer()),
    EventType: fc.oneof(fc.constantFrom('journey:taskcompleted', 'entitydata:created', 'x:y'), fc.string()),
    RelativeUrl: fc.oneof(
      fc.uuid().map((id) => `journeyquery/api/journey-instance/${id}`),
      fc.webPath(),
    ),
    Payload: fc.jsonValue(),
    When: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.string(),
    ),
  })
  .map((o) => Buffer.from(JSON.stringify(o)));

const anyBody = fc.oneof(
  notificationBody,
  fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)),
  fc.string({ unit: 'binary' }).map((s) => Buffer.from(s)),
  fc.constant(Buffer.alloc(0)),
  fc.integer({ min: LIMIT - 8, max: LIMIT * 3 }).map((n) => Buffer.alloc(n, 0x7b)),
);

type Signing = 'valid' | 'tampered' | 'wrong-secret' | 'none' | 'garbage' | 'duplicated' | 'lowercase';

describe('radar under random and mutated requests', () => {
  let broker: TestKafka;
  let app: INestApplication;
  let port: number;

  beforeAll(async () => {
    broker = await sharedKafka();
    app = await createRadarApp(
      loadRadarConfig({
        ...broker.env(),
        RADAR_WEBHOOK_SECRETS: SECRET,
        RADAR_MAX_BODY_BYTES: String(LIMIT),
        LOG_LEVEL: 'silent',
      }),
    );
    await app.listen(0, '127.0.0.1');
    port = Number(new URL(await app.getUrl()).port);
  }, 60000);

  afterAll(async () => {
    await app?.close();
    await broker?.stop();
    register.clear();
  });

  it('never crashes, never answers 2xx without a record, never writes an unsigned request', async () => {
    const accepted: Buffer[] = [];
    const refusedSigned: Buffer[] = [];
    let unsignedAccepted = 0;
    await fc.assert(
      fc.asyncProperty(
        anyBody,
        fc.constantFrom<Signing>(
          'valid',
          'tampered',
          'wrong-secret',
          'none',
          'garbage',
          'duplicated',
          'lowercase',
        ),
        fc.constantFrom('application/json', 'text/plain', 'application/octet-stream', ''),
        fc.array(
          fc.tuple(fc.constantFrom('x-extra', 'x-correlation-id', 'accept'), fc.string({ maxLength: 40 })),
          {
            maxLength: 3,
          },
        ),
        async (body, signing, contentType, extra) => {
          const good = sign(body, SECRET);
          const headers: [string, string][] = extra
            .map(([k, v]): [string, string] => [k, v.replace(/[^\x20-\x7e]/g, '')])
            .concat(contentType ? [['content-type', contentType]] : []);
          if (signing === 'valid') headers.push(['x-fenx-signature', good]);
          if (signing === 'lowercase') headers.push(['x-fenx-signature', good.toLowerCase()]);
          if (signing === 'tampered')
            headers.push(['x-fenx-signature', sign(Buffer.concat([body, Buffer.from(' ')]), 'other')]);
          if (signing === 'wrong-secret') headers.push(['x-fenx-signature', sign(body, 'not-it')]);
          if (signing === 'garbage') headers.push(['x-fenx-signature', 'sha256=' + 'Z'.repeat(64)]);
          if (signing === 'duplicated')
            headers.push(['x-fenx-signature', good], ['x-fenx-signature', sign(body, 'not-it')]);
          const status = await send(port, body, headers);
          const genuine = signing === 'valid' || signing === 'lowercase';
          expect([200, 401, 413, 503]).toContain(status);
          if (status === 200 && genuine) accepted.push(body);
          if (status === 200 && !genuine) unsignedAccepted += 1;
          if (genuine && body.length <= LIMIT && status !== 200) refusedSigned.push(body);
          if (body.length > LIMIT) expect(status).toBe(413);
        },
      ),
      { numRuns: 600, seed: 20261123 },
    );
    expect(unsignedAccepted).toBe(0);
    expect(refusedSigned).toEqual([]);
    expect(accepted.length).toBeGreaterThan(50);
    // Still serving after all of it.
    expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);

    const kafka = createKafka(broker.settings('fuzz'), { logCreator: () => () => undefined });
    const stored = (await readTopic(kafka, TOPICS.webhookEvents.name)).map((r) => {
      const d = decodeWebhookEvent(r.value);
      if (!d.ok) throw new Error(d.reason);
      return Buffer.from(d.value.body, d.value.bodyEncoding === 'base64' ? 'base64' : 'utf8');
    });
    // Exactly the accepted requests, byte for byte: nothing missing, nothing unsigned.
    const key = (b: Buffer) => b.toString('base64');
    expect(stored.map(key).sort()).toEqual(accepted.map(key).sort());
  }, 600000);
});
