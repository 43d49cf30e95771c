import { sign } from '@fenx/hmac';
import { sharedKafka, TestKafka } from '@fenx/kafka/test';
import { AppProcess, freePort, waitFor } from '@fenx/testing';
import { randomUUID } from 'node:crypto';

const TENANT = '45bf62ac-e4b1-4c16-ae32-d774cd18db6d';
const SECRET = 'log-test-webhook-secret';
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

type Line = Record<string, unknown>;

function notification(payload: Record<string, unknown> = {}): string {
  const journeyId = randomUUID();
  return JSON.stringify({
    Id: randomUUID(),
    TenantId: TENANT,
    EventType: 'journey:taskcompleted',
    RelativeUrl: `journeyquery/api/journey-instance/${journeyId}`,
    Payload: { taskId: randomUUID(), ...payload },
    When: '2026-11-23T05:00:00.1234567Z',
    CorrelationId: randomUUID(),
    CausationId: null,
  });
}

/**
 * The built radar's own stdout, parsed line by line: what a log shipper reads. An accepted delivery
 * (no line of its own), one Kafka refuses (a record over the brokers' message.max.bytes) and a forged
 * one, each refusal logged with its request id.
 */
describe('radar’s log lines (ECS) in a real run', () => {
  let broker: TestKafka;
  let radar: AppProcess;
  let url: string;
  let lines: Line[];
  let acceptedId: string | null;
  let refusedId: string | null;
  let forgedId: string | null;

  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${url}/webhooks/fenx`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  beforeAll(async () => {
    broker = await sharedKafka();
    const port = await freePort();
    const internal = await freePort();
    url = `http://127.0.0.1:${port}`;
    radar = await AppProcess.start({
      name: 'radar',
      env: {
        ...broker.env(),
        PORT: String(port),
        RADAR_INTERNAL_PORT: String(internal),
        RADAR_WEBHOOK_SECRETS: SECRET,
        FENX_TENANT_ID: TENANT,
        // Bodies up to 4 MB pass radar; Kafka's brokers take records up to 1 MB.
        RADAR_MAX_BODY_BYTES: String(4 * 1024 * 1024),
        LOG_LEVEL: 'info',
      },
      readyUrl: `http://127.0.0.1:${internal}/health/ready`,
      readyTimeoutMs: 60000,
    });

    const accepted = notification();
    const ok = await post(accepted, {
      'x-fenx-signature': sign(accepted, SECRET),
      'x-correlation-id': 'corr-accepted',
      authorization: 'Bearer not-for-the-logs',
    });
    expect(ok.status).toBe(200);
    acceptedId = ok.headers.get('x-request-id');

    const tooLarge = notification({ padding: 'x'.repeat(1536 * 1024) });
    const refused = await post(tooLarge, {
      'x-fenx-signature': sign(tooLarge, SECRET),
      'x-correlation-id': 'corr-refused',
    });
    expect(refused.status).toBe(503);
    refusedId = refused.headers.get('x-request-id');

    const forged = notification();
    const forgedAnswer = await post(forged, {
      'x-fenx-signature': sign(forged, 'not-the-secret'),
      'x-request-id': 'req-forged',
    });
    expect(forgedAnswer.status).toBe(401);
    forgedId = forgedAnswer.headers.get('x-request-id');

    const parse = () =>
      radar
        .output()
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Line);
    lines = await waitFor(
      () => {
        const all = parse();
        const has = (m: string) => all.some((l) => l['message'] === m);
        return has('signature refused') && has('event not stored: answered 503') ? all : undefined;
      },
      { timeoutMs: 10000, what: 'the refusal lines' },
    );
  }, 180000);

  afterAll(async () => {
    await radar?.stop();
    await broker?.stop();
  });

  it('writes only JSON lines, each with the ECS base fields', () => {
    const other = radar.output().filter((l) => !l.startsWith('{'));
    expect(other).toEqual([]);
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines)
      expect(line).toMatchObject({
        '@timestamp': expect.stringMatching(ISO),
        'log.level': expect.stringMatching(/^(trace|debug|info|warn|error|fatal)$/),
        message: expect.any(String),
        'ecs.version': expect.any(String),
        'service.name': 'radar',
        'service.version': expect.any(String),
        'event.dataset': 'radar',
      });
    expect(lines.filter((l) => 'msg' in l || 'level' in l || 'time' in l || 'err' in l)).toEqual([]);
  });

  it('writes no line for the accepted request, and echoes a request id to every answer', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    expect(acceptedId).toMatch(uuid);
    expect(refusedId).toMatch(uuid);
    expect(forgedId).toBe('req-forged');
    expect(lines.filter((l) => l['trace.id'] === 'corr-accepted' || l['requestId'] === acceptedId)).toEqual(
      [],
    );
  });

  it('logs the event Kafka refused with error.type, error.message and error.stack_trace', () => {
    const notStored = lines.find((l) => l['message'] === 'event not stored: answered 503');
    expect(notStored).toMatchObject({
      'log.level': 'error',
      'log.logger': 'Webhook',
      requestId: refusedId,
      'trace.id': 'corr-refused',
      notificationId: expect.any(String),
      error: {
        type: expect.stringMatching(/^KafkaJS/),
        message: expect.any(String),
        stack_trace: expect.stringContaining('\n    at '),
      },
    });
    const refusal = lines.find(
      (l) => l['message'] === 'Kafka refused a produce call: its requests are answered 503',
    );
    expect(refusal).toMatchObject({
      'log.level': 'error',
      'log.logger': 'RadarKafka',
      error: { type: expect.any(String) },
    });
  });

  it('logs the forged delivery as a refused signature, the signature itself redacted', () => {
    expect(lines.find((l) => l['message'] === 'signature refused')).toMatchObject({
      'log.level': 'warn',
      reason: 'mismatch',
      requestId: 'req-forged',
      req: { method: 'POST', url: '/webhooks/fenx', headers: { 'x-fenx-signature': '[redacted]' } },
    });
    const text = radar.output().join('\n');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('not-for-the-logs');
    expect(text).not.toMatch(/sha256=[0-9A-Fa-f]{64}/);
  });
});
