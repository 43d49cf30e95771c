import Bottleneck from 'bottleneck';
import { FenxClock, systemClock } from './retry-policy';

export interface FenxRateLimiterSettings {
  /** Call starts per second, never exceeded in any 1-s window. */
  ratePerSecond: number;
  /** Calls in flight at once. */
  maxConcurrency: number;
}

/**
 * Starts are spaced 2 % wider than 1000/N ms, and at most N start in any window of 1.02 s, so N+1
 * starts always span more than one second at FenX's end even when up to 20 ms of scheduling or
 * network jitter squeeze them (FenX counts arrivals per fixed second).
 */
export const RATE_LIMIT_HEADROOM = 0.02;

/** FenX's counting window. A 429's pause of every caller never lasts longer than this. */
export const RATE_LIMIT_WINDOW_MS = 1000;

/** While a 429's `Retry-After` lasts, the budget is this fraction of the configured rate. */
export const RATE_LIMIT_SLOWDOWN = 0.5;

/**
 * The start times of the last `limit` calls within `windowMs`: says how long a new start must wait so
 * that no window of `windowMs` ever holds more than `limit` starts.
 */
export class StartWindow {
  private readonly starts: number[] = [];

  constructor(
    private limit: number,
    private readonly windowMs = 1000,
  ) {}

  /** Changes how many starts a window admits (from the next start on). */
  setLimit(limit: number): void {
    this.limit = limit;
  }

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
 * The process-wide budget for FenX calls: at most `ratePerSecond` starts in any window of
 * 1 s (+ headroom) and at most `maxConcurrency` in flight, enforced together by one Bottleneck (its
 * `minTime` and `maxConcurrent` are checked atomically when a job starts) and a sliding window of
 * the actual starts. The rate can be changed while running (`setRate`: a share of the tenant's
 * limit). A 429 (another caller of the tenant used the budget) pauses new starts until FenX's
 * window ends, at most one window, and halves the rate until its `Retry-After` has passed.
 */
export class FenxRateLimiter {
  private readonly bottleneck: Bottleneck;
  private readonly window?: StartWindow;
  private pausedUntil = 0;
  private slowUntil = 0;
  private rate: number;
  private appliedRate = 0;

  constructor(
    readonly settings: FenxRateLimiterSettings,
    private readonly clock: FenxClock = systemClock,
  ) {
    if (!(settings.ratePerSecond > 0) || !(settings.maxConcurrency >= 1))
      throw new RangeError(
        `FenxRateLimiter needs ratePerSecond > 0 and maxConcurrency >= 1, got ${settings.ratePerSecond} and ${settings.maxConcurrency}`,
      );
    this.rate = settings.ratePerSecond;
    this.bottleneck = new Bottleneck({
      maxConcurrent: Math.floor(settings.maxConcurrency),
      minTime: (1000 / settings.ratePerSecond) * (1 + RATE_LIMIT_HEADROOM),
    });
    this.window = new StartWindow(Math.max(1, Math.floor(settings.ratePerSecond)), this.windowMs);
    this.appliedRate = settings.ratePerSecond;
  }

  private get windowMs(): number {
    return RATE_LIMIT_WINDOW_MS * (1 + RATE_LIMIT_HEADROOM);
  }

  /** The rate in force now (the configured one, or less while a 429 slows the client). */
  get ratePerSecond(): number {
    return this.clock.now() < this.slowUntil ? this.rate * RATE_LIMIT_SLOWDOWN : this.rate;
  }

  /** Sets the budget (calls per second) from the next start on, e.g. this process's share of the tenant. */
  setRate(ratePerSecond: number): void {
    if (!(ratePerSecond > 0)) throw new RangeError(`a rate must be > 0, got ${ratePerSecond}`);
    this.rate = ratePerSecond;
    this.apply();
  }

  /** Sets how many calls may be in flight at once, from the next start on (FenX caps them per tenant too). */
  setMaxConcurrency(maxConcurrency: number): void {
    if (!(maxConcurrency >= 1)) throw new RangeError(`maxConcurrency must be >= 1, got ${maxConcurrency}`);
    this.bottleneck.updateSettings({ maxConcurrent: Math.floor(maxConcurrency) });
  }

  /** Brings Bottleneck's spacing and the start window to the rate in force. */
  private apply(): void {
    const rate = this.ratePerSecond;
    if (rate === this.appliedRate) return;
    this.appliedRate = rate;
    this.bottleneck.updateSettings({ minTime: (1000 / rate) * (1 + RATE_LIMIT_HEADROOM) });
    this.window?.setLimit(Math.max(1, Math.floor(rate)));
  }

  /** Runs `fn` when the budget allows; the returned promise settles as `fn`'s does. */
  schedule<T>(fn: () => Promise<T>): Promise<T> {
    return this.bottleneck.schedule(async () => {
      const wait = this.pausedUntil - this.clock.now();
      if (wait > 0) await this.clock.sleep(wait);
      this.apply();
      await this.admit();
      return fn();
    });
  }

  /**
   * Bottleneck spaces the *planned* starts; a timer that fires late can still bunch the actual ones.
   * Checking the actual start times against a 1-s window makes the limit hold for real starts.
   */
  private async admit(): Promise<void> {
    // Below one call per second Bottleneck's spacing alone holds the rate.
    if (!this.window || this.ratePerSecond < 1) return;
    for (;;) {
      const wait = this.window.waitMs(performance.now());
      if (wait <= 0) break;
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
    }
    this.window.record(performance.now());
  }

  /**
   * After a 429 with `Retry-After: ms`: FenX refuses the tenant until its window ends, so new starts
   * wait for that (at most one window, however long `ms` is), and the rate is halved for `ms`, so the
   * other callers' share is left to them without stalling this process's calls.
   */
  pauseFor(ms: number): void {
    const now = this.clock.now();
    this.pausedUntil = Math.max(this.pausedUntil, now + Math.min(Math.max(0, ms), RATE_LIMIT_WINDOW_MS));
    this.slowUntil = Math.max(this.slowUntil, now + Math.max(0, ms));
    this.apply();
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
