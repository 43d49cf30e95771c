import { Injectable } from '@nestjs/common';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { SimulatorEnv } from '../config/simulator-env';
import { SimClock } from '../core/clock';

export interface IssuedToken {
  tenantId: string;
  scope: string;
  expiresAt: number;
}

export type TokenCheck =
  | { ok: true; token: IssuedToken }
  | { ok: false; reason: 'missing' | 'invalid' | 'expired' };

const DEFAULT_SCOPE = 'fenx.all';
const SWEEP_AT = 10_000;

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The identity server's client-credentials flow: opaque bearer tokens that expire on the sim clock. */
@Injectable()
export class TokenService {
  private readonly tokens = new Map<string, IssuedToken>();
  /** Set by the token-expiry fault: tokens issued from now on live this long instead. */
  ttlOverrideSeconds: number | null = null;

  constructor(
    private readonly env: SimulatorEnv,
    private readonly clock: SimClock,
  ) {}

  clientMatches(clientId: string, clientSecret: string): boolean {
    return sameText(clientId, this.env.SIM_CLIENT_ID) && sameText(clientSecret, this.env.SIM_CLIENT_SECRET);
  }

  issue(scope: string | undefined): { accessToken: string; expiresIn: number; scope: string } {
    if (this.tokens.size > SWEEP_AT) this.sweep();
    const ttl = this.ttlOverrideSeconds ?? this.env.SIM_TOKEN_TTL_SECONDS;
    const accessToken = randomBytes(32).toString('base64url');
    const granted = scope?.trim() || DEFAULT_SCOPE;
    this.tokens.set(accessToken, {
      tenantId: this.env.SIM_TENANT_ID,
      scope: granted,
      expiresAt: this.clock.now() + ttl * 1000,
    });
    // A client counts real seconds: with a scaled clock the token lives ttl/scale real seconds.
    const realSeconds = this.clock.mode === 'manual' ? ttl : ttl / this.clock.scale;
    return { accessToken, expiresIn: Math.max(1, Math.ceil(realSeconds)), scope: granted };
  }

  check(authorization: string | undefined): TokenCheck {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!m) return { ok: false, reason: 'missing' };
    const token = this.tokens.get(m[1]);
    if (!token) return { ok: false, reason: 'invalid' };
    if (token.expiresAt <= this.clock.now()) return { ok: false, reason: 'expired' };
    return { ok: true, token };
  }

  /** Token-expiry fault: every issued token stops working now. */
  expireAll(): number {
    const n = this.tokens.size;
    const now = this.clock.now();
    for (const t of this.tokens.values()) t.expiresAt = now;
    return n;
  }

  reset(): void {
    this.tokens.clear();
    this.ttlOverrideSeconds = null;
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [k, t] of this.tokens) if (t.expiresAt <= now) this.tokens.delete(k);
  }
}
