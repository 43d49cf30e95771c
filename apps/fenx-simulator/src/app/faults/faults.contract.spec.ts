import { bootSimulator, SimHarness } from '../../test/sim-harness';
import { SimClock } from '../core/clock';
import { RateLimiter } from './rate-limiter';

describe('fault modes', () => {
  let sim: SimHarness;
  let entityId: string;
  const entityPath = () => `/entitydataquery/api/v2/entity/${entityId}`;

  beforeAll(async () => {
    sim = await bootSimulator();
    await sim.sim('POST', '/generator/step', { count: 3 });
    entityId = (await sim.sim<{ entities: { id: string }[] }>('GET', '/ground-truth')).entities[0].id;
  });
  afterEach(() => sim.sim('DELETE', '/faults'));
  afterAll(() => sim.close());

  it('switches faults at runtime and reports them', async () => {
    const state = await sim.sim<Record<string, unknown>>('PUT', '/faults', {
      latencyMs: 5,
      rateLimitPreset: 'sdlc',
    });
    expect(state).toMatchObject({
      latencyMs: 5,
      rateLimitPreset: 'sdlc',
      rateLimit: { perSecond: 50, burst: 10 },
    });
    expect(await sim.sim('GET', '/faults')).toEqual(state);
    const production = await sim.sim<Record<string, unknown>>('PUT', '/faults', {
      rateLimitPreset: 'production',
    });
    expect(production['rateLimit']).toEqual({ perSecond: 200, burst: 50 });
  });

  it('errorRate 1 answers 500 in the envelope; /_sim stays healthy', async () => {
    await sim.sim('PUT', '/faults', { errorRate: 1 });
    const res = await sim.api(entityPath());
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      data: null,
      messages: [{ message: expect.any(String), type: 'Error', errorCode: 'INTERNAL_SERVER_ERROR' }],
    });
    expect((await fetch(`${sim.url}/_sim/ground-truth`)).status).toBe(200);
  });

  it('seeded error rate: a share of calls fail', async () => {
    await sim.sim('PUT', '/faults', { errorRate: 0.5 });
    const statuses = await Promise.all(
      Array.from({ length: 40 }, () => sim.api(entityPath()).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 500).length).toBeGreaterThan(5);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(5);
  });

  it('answers 429 with Retry-After over the rate limit, until the window ends', async () => {
    await sim.sim('PUT', '/faults', { rateLimit: { perSecond: 1, burst: 100 } });
    // Six calls at once: whatever the machine's load, they span at most a few 1-s windows, one call each.
    const answers = await Promise.all(Array.from({ length: 6 }, () => sim.api(entityPath())));
    const statuses = answers.map((r) => r.status);
    const limited = answers.find((r) => r.status === 429);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
    expect(limited?.headers.get('retry-after')).toBe('1');
    expect(limited?.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(
      ((await (limited as Response).json()) as { messages: { errorCode: string }[] }).messages[0].errorCode,
    ).toBe('TOO_MANY_REQUESTS');
  });

  it('the limiter counts calls per 1-second window and concurrent calls against the burst', () => {
    let now = 10_000;
    const limiter = new RateLimiter({ perSecond: 2, burst: 2 }, () => now);
    const a = limiter.admit();
    const b = limiter.admit();
    expect(a.ok && b.ok).toBe(true);
    expect(limiter.admit()).toEqual({ ok: false, retryAfterSeconds: 1, resetAt: 11_000 });
    now = 11_000;
    expect(limiter.admit().ok).toBe(false); // two still in flight: the burst
    if (a.ok) a.release();
    expect(limiter.admit().ok).toBe(true);
  });

  it('answers 404 for deleted records and for records whose data is not yet retrievable', async () => {
    await sim.sim('PUT', '/faults', { deletedIds: [entityId] });
    expect((await sim.api(entityPath())).status).toBe(404);
    await sim.sim('DELETE', '/faults');
    await sim.sim('PUT', '/faults', { notYetRetrievableMs: 5_000 });
    await sim.sim('POST', '/generator/step', { count: 1 });
    const fresh = (await sim.sim<{ entities: { id: string }[] }>('GET', '/ground-truth')).entities.slice(
      -1,
    )[0].id;
    expect((await sim.api(`/entitydataquery/api/v2/entity/${fresh}`)).status).toBe(404);
    sim.get(SimClock).advance(5_000);
    expect((await sim.api(`/entitydataquery/api/v2/entity/${fresh}`)).status).toBe(200);
  });

  it('adds latency and hangs requests past the client timeout', async () => {
    await sim.sim('PUT', '/faults', { timeoutRate: 1, hangMs: 60_000 });
    const aborted = await sim
      .api(entityPath(), { signal: AbortSignal.timeout(200) })
      .then(() => 'answered')
      .catch((e: Error) => e.name);
    expect(aborted).toBe('TimeoutError');
    await sim.sim('PUT', '/faults', { timeoutRate: 0, hangMs: 20 });
    await sim.sim('PUT', '/faults', { timeoutRate: 1 });
    const res = await sim.api(entityPath());
    expect(res.status).toBe(504);
  });

  it('short-lived tokens expire on the sim clock', async () => {
    await sim.sim('PUT', '/faults', { tokenTtlSeconds: 1 });
    const token = await sim.token();
    sim.get(SimClock).advance(1_000);
    const res = await fetch(`${sim.url}${entityPath()}`, {
      headers: { authorization: `Bearer ${token}`, 'x-tenant-id': '45bf62ac-e4b1-4c16-ae32-d774cd18db6d' },
    });
    expect(res.status).toBe(401);
  });
});
