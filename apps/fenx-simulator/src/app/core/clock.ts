export interface ClockTimer {
  cancel(): void;
}

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export type ClockMode = 'scaled' | 'manual';

const MAX_TIMEOUT = 2_147_483_647;

/**
 * The simulator's only source of simulated time. `scaled`: real time multiplied by `scale`
 * (60 makes the 2-minute retry take 2 s); `manual`: time stands still until `advance` (tests).
 * Every timer that concerns FenX behaviour (retries, generator steps, leases, token expiry) is a
 * clock timer, so scaling or advancing the clock moves all of them together.
 */
export class SimClock {
  private simOrigin: number;
  private realOrigin: number;
  private timers: Pending[] = [];
  private seq = 0;
  private handle: NodeJS.Timeout | undefined;

  constructor(
    readonly mode: ClockMode,
    private scaleFactor: number,
    start: number,
    private readonly realNow: () => number = Date.now,
  ) {
    this.simOrigin = start;
    this.realOrigin = realNow();
  }

  get scale(): number {
    return this.scaleFactor;
  }

  now(): number {
    if (this.mode === 'manual') return this.simOrigin;
    return this.simOrigin + (this.realNow() - this.realOrigin) * this.scaleFactor;
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** Real milliseconds, for what concerns the network only (rate-limit windows, HTTP timeouts). */
  wallNow(): number {
    return this.realNow();
  }

  /** Simulated milliseconds that pass in `realMs` real ones (manual: none). */
  toSimMs(realMs: number): number {
    return this.mode === 'manual' ? 0 : realMs * this.scaleFactor;
  }

  setScale(scale: number): void {
    if (!(scale > 0)) throw new Error('scale must be positive');
    this.rebase();
    this.scaleFactor = scale;
    this.arm();
  }

  /** Moves simulated time forward, firing due timers in order. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error('advance needs a non-negative duration');
    this.rebase();
    const target = this.simOrigin + ms;
    for (;;) {
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.simOrigin = Math.max(this.simOrigin, next.at);
      next.fn();
    }
    this.simOrigin = target;
    this.arm();
  }

  after(simMs: number, fn: () => void): ClockTimer {
    return this.at(this.now() + Math.max(0, simMs), fn);
  }

  at(simTime: number, fn: () => void): ClockTimer {
    const pending: Pending = { at: simTime, seq: this.seq++, fn, cancelled: false };
    const i = this.timers.findIndex((t) => t.at > simTime || (t.at === simTime && t.seq > pending.seq));
    if (i < 0) this.timers.push(pending);
    else this.timers.splice(i, 0, pending);
    if (i === 0 || this.timers.length === 1) this.arm();
    return {
      cancel: () => {
        pending.cancelled = true;
        const j = this.timers.indexOf(pending);
        if (j >= 0) this.timers.splice(j, 1);
      },
    };
  }

  pendingTimers(): number {
    return this.timers.length;
  }

  /** Cancels every timer (shutdown, reset). */
  clear(): void {
    this.timers = [];
    if (this.handle) clearTimeout(this.handle);
    this.handle = undefined;
  }

  private rebase(): void {
    this.simOrigin = this.now();
    this.realOrigin = this.realNow();
  }

  private arm(): void {
    if (this.handle) clearTimeout(this.handle);
    this.handle = undefined;
    const next = this.timers[0];
    if (this.mode === 'manual' || !next) return;
    const realDelay = Math.max(0, (next.at - this.now()) / this.scaleFactor);
    this.handle = setTimeout(() => this.fireDue(), Math.min(realDelay, MAX_TIMEOUT));
    this.handle.unref();
  }

  private fireDue(): void {
    this.handle = undefined;
    const now = this.now();
    while (this.timers[0] && this.timers[0].at <= now) {
      const t = this.timers.shift() as Pending;
      if (!t.cancelled) t.fn();
    }
    this.arm();
  }
}
