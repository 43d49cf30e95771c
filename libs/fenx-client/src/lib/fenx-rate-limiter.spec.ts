import fc from 'fast-check';
import { FenxClient } from './fenx-client';
import {
  acquireSharedRateLimiter,
  FenxRateLimiter,
  RATE_LIMIT_WINDOW_MS,
  StartWindow,
} from './fenx-rate-limiter';
import { FakeFenx, json, ok, TestClock } from './test/fake-fenx';

const ENTITY = '/entitydataquery/api/v2/entity/e-1';

/** Largest number of arrivals inside any window [t, t + windowMs), for sorted times. */
function maxInAnyWindow(times: number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end] - times[start] >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

describe('maxInAnyWindow', () => {
  it('counts the densest half-open window', () => {
    expect(maxInAnyWindow([0, 500, 999, 1000, 1001], 1000)).toBe(4);
    expect(maxInAnyWindow([0, 1000, 2000], 1000)).toBe(1);
  });
});

describe('rate limit and concurrency cap, measured at the server', () => {
  let fake: FakeFenx;
  const clients: FenxClient[] = [];

  beforeEach(async () => {
    fake = await FakeFenx.start();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await fake.close();
  });

  function client(...args: Parameters<FakeFenx['client']>): FenxClient {
    const c = fake.client(...args);
    clients.push(c);
    return c;
  }

  it('never lets more than N calls reach FenX in any 1-s window', async () => {
    fake.on('GET', ENTITY, (_q, r) => json(r, 200, ok({ id: 'e-1' })));
    const c = client({ rateLimitPerSecond: 10, maxConcurrency: 10 });

    await Promise.all(Array.from({ length: 25 }, () => c.getEntity('e-1')));

    const arrivals = fake.calls('GET', ENTITY).map((r) => r.at);
    expect(arrivals).toHaveLength(25);
    // The limiter spaces starts by its window (1 s plus headroom). The fake runs in this process, so
    // an event-loop pause of a loaded machine delays the arrival of calls already started and
    // squeezes them together: the check allows up to 200 ms of that before it counts a window.
    expect(maxInAnyWindow(arrivals, 1000 - 200)).toBeLessThanOrEqual(10);
    // …and the budget is used, not starved: 25 calls at 10/s take about 2.5 s.
    expect(arrivals[24] - arrivals[0]).toBeLessThan(3500);
  }, 15000);

  it('never has more than the cap in flight', async () => {
    fake.on('GET', ENTITY, (_q, r) => {
      setTimeout(() => json(r, 200, ok({ id: 'e-1' })), 30);
    });
    const c = client({ rateLimitPerSecond: 1000, maxConcurrency: 3 });

    await Promise.all(Array.from({ length: 15 }, () => c.getEntity('e-1')));

    expect(fake.calls('GET', ENTITY)).toHaveLength(15);
    expect(fake.maxInFlight).toBe(3);
  });

  it('shares one budget among the clients of one API and tenant', async () => {
    fake.on('GET', ENTITY, (_q, r) => {
      setTimeout(() => json(r, 200, ok({ id: 'e-1' })), 30);
    });
    const a = client({ maxConcurrency: 2 });
    const b = client({ maxConcurrency: 2 });

    await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).getEntity('e-1')));

    expect(fake.maxInFlight).toBe(2);
  });

  it('uses a limiter of the caller’s own when given one', async () => {
    fake.on('GET', ENTITY, (_q, r) => {
      setTimeout(() => json(r, 200, ok({ id: 'e-1' })), 20);
    });
    const own = new FenxRateLimiter({ ratePerSecond: 1000, maxConcurrency: 1 });
    const c = client({ maxConcurrency: 5 }, { rateLimiter: own });
    // A second client with another budget is fine: the first is not in the shared registry.
    const other = client({ maxConcurrency: 4 });

    await Promise.all(Array.from({ length: 4 }, () => c.getEntity('e-1')));
    expect(fake.maxInFlight).toBe(1);
    await other.close();
    await own.stop();
  });

  it('refuses two budgets for one API and tenant', () => {
    client({ maxConcurrency: 2 });
    expect(() => client({ maxConcurrency: 3 })).toThrow(/disagree/);
  });
});

describe('FenxRateLimiter', () => {
  it('after a 429, holds every caller until the window ends (never longer) and halves the rate for Retry-After', async () => {
    const clock = new TestClock();
    const limiter = new FenxRateLimiter({ ratePerSecond: 1000, maxConcurrency: 5 }, clock);
    const start = clock.now();
    limiter.pauseFor(5000);
    limiter.pauseFor(500); // a shorter pause never shortens a longer one

    const ranAt: number[] = [];
    await Promise.all([1, 2].map(() => limiter.schedule(async () => ranAt.push(clock.now()))));

    expect(ranAt).toHaveLength(2);
    // Held until FenX's window ends, not for the whole Retry-After.
    for (const t of ranAt) expect(t - start).toBeGreaterThanOrEqual(RATE_LIMIT_WINDOW_MS - 5);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(RATE_LIMIT_WINDOW_MS);
    expect(limiter.ratePerSecond).toBe(500);
    await clock.sleep(5000);
    expect(limiter.ratePerSecond).toBe(1000);
    await limiter.stop();
  });

  it('takes a new rate from the next start on', async () => {
    const limiter = new FenxRateLimiter({ ratePerSecond: 100, maxConcurrency: 5 });
    limiter.setRate(40);
    expect(limiter.ratePerSecond).toBe(40);
    expect(() => limiter.setRate(0)).toThrow(RangeError);
    limiter.setMaxConcurrency(2);
    expect(() => limiter.setMaxConcurrency(0)).toThrow(RangeError);
    await limiter.stop();
  });

  it('rejects queued calls when stopped', async () => {
    const limiter = new FenxRateLimiter({
      ratePerSecond: 1,
      maxConcurrency: 1,
    });
    const first = limiter.schedule(async () => 'first');
    const second = limiter.schedule(async () => 'second');
    expect(limiter.pending).toBe(2);
    await expect(first).resolves.toBe('first');
    await limiter.stop();
    await expect(second).rejects.toThrow(/closed/);
  });

  it('rejects impossible settings', () => {
    expect(() => new FenxRateLimiter({ ratePerSecond: 0, maxConcurrency: 1 })).toThrow(RangeError);
    expect(() => new FenxRateLimiter({ ratePerSecond: 1, maxConcurrency: 0 })).toThrow(RangeError);
  });

  it('keeps a shared limiter until its last user releases it', async () => {
    const settings = { ratePerSecond: 5, maxConcurrency: 1 };
    const one = acquireSharedRateLimiter('k', settings);
    const two = acquireSharedRateLimiter('k', settings);
    expect(two.limiter).toBe(one.limiter);
    await one.release();
    await one.release(); // idempotent
    const three = acquireSharedRateLimiter('k', settings);
    expect(three.limiter).toBe(one.limiter);
    await two.release();
    await three.release();
    const fresh = acquireSharedRateLimiter('k', settings);
    expect(fresh.limiter).not.toBe(one.limiter);
    await fresh.release();
  });
});

describe('StartWindow', () => {
  it('admits `limit` starts per window and says how long the next must wait', () => {
    const w = new StartWindow(3, 1000);
    for (const t of [0, 10, 20]) {
      expect(w.waitMs(t)).toBe(0);
      w.record(t);
    }
    expect(w.waitMs(500)).toBe(500);
    expect(w.waitMs(999)).toBe(1);
    expect(w.waitMs(1000)).toBe(0);
    w.record(1000);
    expect(w.waitMs(1005)).toBe(5);
  });

  it('never lets `limit + 1` recorded starts into one window (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 50 }), {
          minLength: 1,
          maxLength: 200,
        }),
        (limit, gaps) => {
          const w = new StartWindow(limit, 1000);
          const starts: number[] = [];
          let now = 0;
          for (const gap of gaps) {
            now += gap;
            now += Math.max(0, w.waitMs(now));
            w.record(now);
            starts.push(now);
          }
          return maxInAnyWindow(starts, 1000) <= limit;
        },
      ),
    );
  });
});
