import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { TokenService } from '../auth/token.service';
import { SimulatorEnv } from '../config/simulator-env';
import { SimClock } from '../core/clock';
import { Prng } from '../core/prng';
import { NotificationBus } from '../events/notification-bus';
import type { FaultsDto } from './faults.dto';
import { RATE_LIMIT_PRESETS, RateLimit, RateLimiter } from './rate-limiter';

export interface FaultState {
  latencyMs: number;
  errorRate: number;
  timeoutRate: number;
  hangMs: number;
  rateLimitPreset: 'none' | 'production' | 'sdlc' | 'custom';
  rateLimit: RateLimit | null;
  deletedIds: string[];
  notYetRetrievableMs: number;
  tokenTtlSeconds: number | null;
}

export type RequestFault = { kind: 'none' } | { kind: 'error' } | { kind: 'timeout' };

/** Runtime-switchable faults of the query APIs; their randomness is seeded too. */
@Injectable()
export class FaultsService implements OnModuleDestroy {
  private state: FaultState;
  private prng: Prng;
  private deleted = new Set<string>();
  private limiter: RateLimiter | null = null;
  private readonly hanging = new Set<NodeJS.Timeout>();

  constructor(
    private readonly env: SimulatorEnv,
    private readonly clock: SimClock,
    private readonly tokens: TokenService,
    private readonly bus: NotificationBus,
  ) {
    this.prng = new Prng(env.SIM_SEED, 'faults');
    this.state = this.initial();
    this.applyLimiter();
  }

  get(): FaultState {
    return { ...this.state, deletedIds: [...this.deleted] };
  }

  update(dto: FaultsDto): FaultState {
    const { expireTokens, deletedIds, rateLimit, rateLimitPreset, ...rest } = dto;
    for (const [k, v] of Object.entries(rest)) {
      if (v !== undefined) (this.state as unknown as Record<string, unknown>)[k] = v;
    }
    if (deletedIds) this.deleted = new Set(deletedIds);
    if (rateLimit) {
      this.state.rateLimit = { perSecond: rateLimit.perSecond, burst: rateLimit.burst };
      this.state.rateLimitPreset = 'custom';
    }
    if (rateLimitPreset && rateLimitPreset !== 'custom') {
      this.state.rateLimitPreset = rateLimitPreset;
      this.state.rateLimit = rateLimitPreset === 'none' ? null : { ...RATE_LIMIT_PRESETS[rateLimitPreset] };
    }
    this.tokens.ttlOverrideSeconds = this.state.tokenTtlSeconds;
    if (expireTokens) this.tokens.expireAll();
    this.applyLimiter();
    return this.get();
  }

  reset(): FaultState {
    this.prng = new Prng(this.env.SIM_SEED, 'faults');
    this.state = this.initial();
    this.deleted.clear();
    this.tokens.ttlOverrideSeconds = null;
    this.applyLimiter();
    return this.get();
  }

  get limiterOrNull(): RateLimiter | null {
    return this.limiter;
  }

  /** Draws the fault for one request (seeded, in request order). */
  drawRequestFault(): RequestFault {
    if (this.state.timeoutRate > 0 && this.prng.chance(this.state.timeoutRate)) return { kind: 'timeout' };
    if (this.state.errorRate > 0 && this.prng.chance(this.state.errorRate)) return { kind: 'error' };
    return { kind: 'none' };
  }

  /** Whether a record is hidden: deleted, or its latest event is too recent to read it back. */
  isGone(recordId: string): boolean {
    if (this.deleted.has(recordId)) return true;
    const window = this.state.notYetRetrievableMs;
    if (window <= 0) return false;
    const last = this.bus.lastEventTime(recordId);
    return last !== undefined && this.clock.now() - last < window;
  }

  /** Holds a request open for `hangMs` real ms, then runs `then` (unless shutting down). */
  hang(then: () => void): void {
    const t = setTimeout(() => {
      this.hanging.delete(t);
      then();
    }, this.state.hangMs);
    this.hanging.add(t);
  }

  delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.hanging.delete(t);
        resolve();
      }, ms);
      this.hanging.add(t);
    });
  }

  get latencyMs(): number {
    return this.state.latencyMs;
  }

  onModuleDestroy(): void {
    for (const t of this.hanging) clearTimeout(t);
    this.hanging.clear();
  }

  private initial(): FaultState {
    const preset = this.env.SIM_RATE_LIMIT;
    return {
      latencyMs: 0,
      errorRate: 0,
      timeoutRate: 0,
      hangMs: 60_000,
      rateLimitPreset: preset,
      rateLimit: preset === 'none' ? null : { ...RATE_LIMIT_PRESETS[preset] },
      deletedIds: [],
      notYetRetrievableMs: 0,
      tokenTtlSeconds: null,
    };
  }

  private applyLimiter(): void {
    const rl = this.state.rateLimit;
    this.limiter = rl ? new RateLimiter(rl, () => this.clock.wallNow()) : null;
  }
}
