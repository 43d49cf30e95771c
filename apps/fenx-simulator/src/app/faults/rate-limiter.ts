export interface RateLimit {
  perSecond: number;
  burst: number;
}

export const RATE_LIMIT_PRESETS: Record<'production' | 'sdlc', RateLimit> = {
  production: { perSecond: 200, burst: 50 },
  sdlc: { perSecond: 50, burst: 10 },
};

export type Admission =
  | { ok: true; remaining: number; resetAt: number; release: () => void }
  | { ok: false; retryAfterSeconds: number; resetAt: number };

/**
 * FenX's per-tenant limit: at most `perSecond` calls per fixed 1-second window and at most
 * `burst` in flight; over either, 429 until the window ends. Windows are real seconds.
 */
export class RateLimiter {
  private windowStart = 0;
  private count = 0;
  private inFlight = 0;

  constructor(
    readonly limit: RateLimit,
    private readonly now: () => number,
  ) {}

  admit(): Admission {
    const t = this.now();
    if (t - this.windowStart >= 1000) {
      this.windowStart = t - (t % 1000);
      this.count = 0;
    }
    const resetAt = this.windowStart + 1000;
    if (this.count >= this.limit.perSecond || this.inFlight >= this.limit.burst) {
      return { ok: false, retryAfterSeconds: 1, resetAt };
    }
    this.count += 1;
    this.inFlight += 1;
    let released = false;
    return {
      ok: true,
      remaining: this.limit.perSecond - this.count,
      resetAt,
      release: () => {
        if (released) return;
        released = true;
        this.inFlight -= 1;
      },
    };
  }
}
