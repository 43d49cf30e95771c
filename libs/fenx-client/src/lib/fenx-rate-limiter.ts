import Bottleneck from 'bottleneck';
import { FenxClock, systemClock } from './retry-policy';

export interface FenxRateLimiterSettings {
  /** Call starts per second, never exceeded in any 1-s window. */
  ratePerSecond: number;
  /** Calls in flight at once. */
  maxConcurrency: number;
}

/**
 * Starts are spaced 2 % wider than 1000/N ms, so N+1 consecutive starts always span more than one
 * second even when a few milliseconds of scheduling or network jitter squeeze them at FenX's end.
 */
export const RATE_LIMIT_HEADROOM = 0.02;

/**
 * The start times of the last `limit` calls within `windowMs`: says how long a new start must wait so
 * that no window of `windowMs` ever holds more than `limit` starts.
 */
export class StartWindow {
  private readonly starts: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs = 1000,
  ) {}

  waitMs(now: number): number {
    while (this.starts.length > 0 && now - this.starts[0] >= this.windowMs) this.starts.shift();
    if (this.starts.length < this.limit) return 0;
    return this.starts[0] + this.windowMs - now;
  }

  record(now: number): void {
    this.starts.push(now);
  }
}

/**
 * The process-wide budget for FenX calls: at most `ratePerSecond` starts in any 1-s window and at most
 * `maxConcurrency` in flight, enforced together by one Bottleneck (its `minTime` and `maxConcurrent`
 * are checked atomically when a job starts), plus a pause that a 429 imposes on every caller.
 */
export class FenxRateLimiter {
  private readonly bottleneck: Bottleneck;
  private readonly window?: StartWindow;
  private pausedUntil = 0;

  constructor(
    readonly settings: FenxRateLimiterSettings,
    private readonly clock: FenxClock = systemClock,
  ) {
    if (!(settings.ratePerSecond > 0) || !(settings.maxConcurrency >= 1))
      throw new RangeError(
        `FenxRateLimiter needs ratePerSecond > 0 and maxConcurrency >= 1, got ${settings.ratePerSecond} and ${settings.maxConcurrency}`,
      );
    this.bottleneck = new Bottleneck({
      maxConcurrent: Math.floor(settings.maxConcurrency),
      minTime: (1000 / settings.ratePerSecond) * (1 + RATE_LIMIT_HEADROOM),
    });
    if (settings.ratePerSecond >= 1) this.window = new StartWindow(Math.floor(settings.ratePerSecond));
  }

  /** Runs `fn` when the budget allows; the returned promise settles as `fn`'s does. */
  schedule<T>(fn: () => Promise<T>): Promise<T> {
    return this.bottleneck.schedule(async () => {
      const wait = this.pausedUntil - this.clock.now();
      if (wait > 0) await this.clock.sleep(wait);
      await this.admit();
      return fn();
    });
  }

  /**
   * Bottleneck spaces the *planned* starts; a timer that fires late can still bunch the actual ones.
   * Checking the actual start times against a 1-s window makes the limit hold for real starts.
   */
  private async admit(): Promise<void> {
    if (!this.window) return;
    for (;;) {
      const wait = this.window.waitMs(performance.now());
      if (wait <= 0) break;
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
    }
    this.window.record(performance.now());
  }

  /** After a 429: FenX refuses the whole tenant until its window ends, so every caller waits. */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }

  /** Calls queued or running. */
  get pending(): number {
    const c = this.bottleneck.counts();
    return c.RECEIVED + c.QUEUED + c.RUNNING + c.EXECUTING;
  }

  /** Rejects queued calls and stops accepting new ones. */
  async stop(): Promise<void> {
    await this.bottleneck.stop({
      dropWaitingJobs: true,
      dropErrorMessage: 'FenX client closed',
      enqueueErrorMessage: 'FenX client closed',
    });
  }
}

interface Shared {
  limiter: FenxRateLimiter;
  users: number;
}

const registry = new Map<string, Shared>();

/**
 * The limiter for one FenX tenant, shared by every client of the process that names the same API and
 * tenant: FenX counts calls per tenant, so two clients with two budgets would together exceed it.
 * Clients must agree on the budget; a mismatch is a configuration error.
 */
export function acquireSharedRateLimiter(
  key: string,
  settings: FenxRateLimiterSettings,
  clock?: FenxClock,
): { limiter: FenxRateLimiter; release: () => Promise<void> } {
  let shared = registry.get(key);
  if (shared) {
    const s = shared.limiter.settings;
    if (s.ratePerSecond !== settings.ratePerSecond || s.maxConcurrency !== settings.maxConcurrency)
      throw new Error(
        `FenX clients of ${key} disagree on the rate limit: ${s.ratePerSecond}/s x ${s.maxConcurrency} vs ` +
          `${settings.ratePerSecond}/s x ${settings.maxConcurrency}`,
      );
  } else {
    shared = { limiter: new FenxRateLimiter(settings, clock), users: 0 };
    registry.set(key, shared);
  }
  shared.users++;
  const entry = shared;
  let released = false;
  return {
    limiter: entry.limiter,
    release: async () => {
      if (released) return;
      released = true;
      entry.users--;
      if (entry.users === 0) {
        registry.delete(key);
        await entry.limiter.stop();
      }
    },
  };
}
