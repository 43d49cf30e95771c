import { waitFor } from '@fenx/testing';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { FenxApiError } from './fenx-api-error';
import { FenxClient } from './fenx-client';
import type { FenxRequestEvent } from './fenx-listener';
import { backoffDelayMs, seededRandom } from './retry-policy';
import { errorEnvelope, FakeFenx, json, ok, TestClock } from './test/fake-fenx';

const JOURNEY = '/journeyquery/api/journey-instance/j-1';
const JOURNEY_BODY = ok({ id: 'j-1', status: 'In Progress', stages: [] });
const SERVER_ERROR = errorEnvelope('INTERNAL_SERVER_ERROR', 'Boom');

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('FenxClient retries', () => {
  let fake: FakeFenx;
  let clock: TestClock;
  let events: FenxRequestEvent[];
  const clients: FenxClient[] = [];

  function client(overrides: Parameters<FakeFenx['client']>[0] = {}, seed = 7): FenxClient {
    const c = fake.client(overrides, {
      clock,
      random: seededRandom(seed),
      listener: { onRequest: (e) => events.push(e) },
    });
    clients.push(c);
    return c;
  }

  beforeEach(async () => {
    fake = await FakeFenx.start();
    clock = new TestClock();
    events = [];
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await fake.close();
  });

  it('rides out a 5xx storm with full-jitter exponential backoff', async () => {
    fake.sequence('GET', JOURNEY, [
      { status: 503, body: SERVER_ERROR },
      { status: 500, body: SERVER_ERROR },
      { status: 502 },
      { status: 200, body: JOURNEY_BODY },
    ]);
    const result = await client({ maxRetries: 4 }).getJourney('j-1');

    expect(result).toMatchObject({ status: 'ok', journey: { id: 'j-1' } });
    expect(fake.calls('GET', JOURNEY)).toHaveLength(4);
    const random = seededRandom(7);
    expect(clock.sleeps).toEqual([1, 2, 3].map((retry) => backoffDelayMs(retry, 100, 2000, random)));
    // Full jitter: each wait lies below its exponential ceiling.
    clock.sleeps.forEach((ms, i) => expect(ms).toBeLessThan(100 * 2 ** i));
    expect(events.filter((e) => e.kind === 'api')).toEqual([
      expect.objectContaining({
        status: 503,
        outcome: 'server-error',
        attempt: 1,
      }),
      expect.objectContaining({
        status: 500,
        outcome: 'server-error',
        attempt: 2,
      }),
      expect.objectContaining({
        status: 502,
        outcome: 'server-error',
        attempt: 3,
      }),
      expect.objectContaining({
        status: 200,
        outcome: 'ok',
        attempt: 4,
        method: 'GET',
        route: '/journeyquery/api/journey-instance/{id}',
      }),
    ]);
  });

  it('throws a FenxApiError with FenX’s code and messages once the budget is spent', async () => {
    fake.sequence('GET', JOURNEY, [{ status: 500, body: SERVER_ERROR }]);
    const error = await client({ maxRetries: 2 })
      .getJourney('j-1')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FenxApiError);
    expect(error).toMatchObject({
      reason: 'http-status',
      status: 500,
      errorCode: 'INTERNAL_SERVER_ERROR',
      messages: [{ message: 'Boom', type: 'Error', errorCode: 'INTERNAL_SERVER_ERROR' }],
      method: 'GET',
      path: JOURNEY,
      attempts: 3,
    });
    expect((error as Error).message).toBe(
      `FenX GET ${JOURNEY} failed after 3 attempts: HTTP 500 INTERNAL_SERVER_ERROR: Boom`,
    );
    expect(fake.calls('GET', JOURNEY)).toHaveLength(3);
  });

  it('does not retry other 4xx answers', async () => {
    fake.sequence('GET', JOURNEY, [{ status: 403, body: errorEnvelope('FORBIDDEN', 'No access') }]);
    await expect(client().getJourney('j-1')).rejects.toMatchObject({
      status: 403,
      attempts: 1,
    });
    expect(clock.sleeps).toEqual([]);
  });

  it('reports a 410 obsolete endpoint as such', async () => {
    fake.sequence('GET', JOURNEY, [{ status: 410, body: errorEnvelope('OBSOLETE_ENDPOINT', 'Sunset') }]);
    await expect(client().getJourney('j-1')).rejects.toMatchObject({
      status: 410,
      errorCode: 'OBSOLETE_ENDPOINT',
    });
  });

  it('honours Retry-After on a 429, outside the 5xx budget', async () => {
    fake.sequence('GET', JOURNEY, [
      { status: 429, headers: { 'retry-after': '2' } },
      { status: 429, headers: { 'retry-after': '1' } },
      { status: 200, body: JOURNEY_BODY },
    ]);
    const result = await client({ maxRetries: 0 }).getJourney('j-1');

    expect(result.status).toBe('ok');
    expect(clock.sleeps).toEqual([2000, 1000]);
    expect(events.map((e) => e.outcome)).toEqual([
      'ok', // token
      'rate-limited',
      'rate-limited',
      'ok',
    ]);
  });

  it('waits one second after a 429 without Retry-After (FenX’s window)', async () => {
    fake.sequence('GET', JOURNEY, [{ status: 429 }, { status: 200, body: JOURNEY_BODY }]);
    await client().getJourney('j-1');
    expect(clock.sleeps).toEqual([1000]);
  });

  it('waits at most a minute per 429, however long Retry-After is', async () => {
    fake.sequence('GET', JOURNEY, [
      { status: 429, headers: { 'retry-after': '3600' } },
      { status: 200, body: JOURNEY_BODY },
    ]);
    await client().getJourney('j-1');
    expect(clock.sleeps).toEqual([60000]);
  });

  it('gives up after maxRateLimitRetries 429s', async () => {
    fake.sequence('GET', JOURNEY, [{ status: 429, headers: { 'retry-after': '1' } }]);
    await expect(client({ maxRateLimitRetries: 3 }).getJourney('j-1')).rejects.toMatchObject({
      status: 429,
      attempts: 4,
    });
  });

  it('times out a call that gets no answer and retries it', async () => {
    let held = 0;
    fake.on('GET', JOURNEY, (_req, res) => {
      held++;
      if (held === 1) return; // never answers
      json(res, 200, JOURNEY_BODY);
    });
    const result = await client({ timeoutMs: 200 }).getJourney('j-1');

    expect(result.status).toBe('ok');
    expect(fake.calls('GET', JOURNEY)).toHaveLength(2);
    expect(events.filter((e) => e.kind === 'api')[0]).toMatchObject({
      outcome: 'timeout',
      attempt: 1,
      status: undefined,
    });
    expect(events[1].durationMs).toBeGreaterThanOrEqual(190);
  });

  it('fails with reason timeout when every attempt times out', async () => {
    fake.on('GET', JOURNEY, () => undefined);
    const error = await client({ timeoutMs: 150, maxRetries: 1 })
      .getJourney('j-1')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'timeout', attempts: 2 });
    expect((error as FenxApiError).status).toBeUndefined();
  });

  it('retries network errors and then fails with reason network', async () => {
    const dead = `http://127.0.0.1:${await unusedPort()}`;
    const c = client({
      baseUrl: dead,
      tokenUrl: `${fake.baseUrl}/connect/token`,
      maxRetries: 2,
    });
    const error = await c.getJourney('j-1').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FenxApiError);
    expect(error).toMatchObject({ reason: 'network', attempts: 3 });
    expect(clock.sleeps).toHaveLength(2);
    expect(events.filter((e) => e.kind === 'api').map((e) => e.outcome)).toEqual([
      'network-error',
      'network-error',
      'network-error',
    ]);
  });

  it('does not repeat a webhook creation after a 5xx (it may exist already)', async () => {
    fake.sequence('POST', '/webhooks/v1/webhooks', [{ status: 500, body: SERVER_ERROR }]);
    await expect(
      client().createWebhook({
        name: 'radar',
        url: 'https://radar.example/hook',
        secret: 'x',
        enabled: true,
        eventTypes: ['*'],
      }),
    ).rejects.toMatchObject({ status: 500, attempts: 1 });
  });

  it('stops waiting when the caller aborts', async () => {
    fake.on('GET', JOURNEY, () => undefined);
    const controller = new AbortController();
    const pending = client({ timeoutMs: 5000 })
      .getJourney('j-1', { signal: controller.signal })
      .catch((e: unknown) => e);
    await waitFor(() => fake.calls('GET', JOURNEY).length === 1, {
      what: 'the request to reach FenX',
    });
    controller.abort();

    await expect(pending).resolves.toMatchObject({
      reason: 'aborted',
      attempts: 1,
    });
  });

  it('fails calls with reason aborted once closed', async () => {
    const c = client();
    await c.close();
    await expect(c.getJourney('j-1')).rejects.toMatchObject({
      reason: 'aborted',
    });
  });

  it('ignores a listener that throws', async () => {
    fake.sequence('GET', JOURNEY, [{ status: 200, body: JOURNEY_BODY }]);
    const c = fake.client(
      {},
      {
        listener: {
          onRequest: () => {
            throw new Error('metrics broke');
          },
        },
      },
    );
    clients.push(c);
    await expect(c.getJourney('j-1')).resolves.toMatchObject({ status: 'ok' });
  });
});
