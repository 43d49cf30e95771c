import fc from 'fast-check';
import { backoffDelayMs, retryAfterMs, seededRandom, systemClock } from './retry-policy';

describe('backoffDelayMs (full jitter)', () => {
  it('stays below min(max, base·2^(retry-1)) and is never negative', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 60000 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (retry, base, max, r) => {
          const d = backoffDelayMs(retry, base, max, () => r);
          const ceiling = Math.min(max, base * 2 ** (retry - 1));
          return d >= 0 && d < ceiling + 1e-9 && Number.isInteger(d);
        },
      ),
    );
  });

  it('spreads callers over the whole range', () => {
    const random = seededRandom(1);
    const delays = Array.from({ length: 200 }, () => backoffDelayMs(4, 100, 10000, random));
    expect(Math.min(...delays)).toBeLessThan(100);
    expect(Math.max(...delays)).toBeGreaterThan(700);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    ['2', 2000],
    ['0', 0],
    ['1.5', 1500],
    [['3', '9'], 3000],
    ['Thu, 01 Jan 2026 00:00:04 GMT', 4000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
    [undefined, 1000],
    ['', 1000],
    ['soon', 1000],
  ])('%j → %d ms', (header, ms) => {
    expect(retryAfterMs(header as string | string[] | undefined, now)).toBe(ms);
  });
});

describe('seededRandom', () => {
  it('repeats for a seed and stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 100 }, () => a());
    expect(xs).toEqual(Array.from({ length: 100 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('systemClock.sleep', () => {
  it('resolves after the delay and rejects on abort', async () => {
    await expect(systemClock.sleep(1)).resolves.toBeUndefined();
    const controller = new AbortController();
    const pending = systemClock.sleep(60000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    const aborted = AbortSignal.abort(new Error('already'));
    await expect(systemClock.sleep(1, aborted)).rejects.toThrow('already');
  });
});
