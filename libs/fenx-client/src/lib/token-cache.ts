import { Logger } from '@nestjs/common';
import { FenxClock } from './retry-policy';

export interface IssuedToken {
  accessToken: string;
  /** Seconds, as the identity server's `expires_in`. */
  expiresInSeconds: number;
}

interface Cached {
  accessToken: string;
  refreshAt: number;
  expiresAt: number;
}

/** Treat a token as expired this long (at most a tenth of its life) early, so it never expires in flight. */
const EXPIRY_MARGIN_MS = 5000;
/** After a failed early renewal, keep using the valid token and try again after this long. */
const RENEWAL_RETRY_MS = 5000;

/**
 * Caches an OAuth2 access token and renews it after `refreshRatio` of its lifetime. Renewals are
 * single-flight: concurrent callers share one token request (FenX's identity server allows only
 * ~100 requests per 5 minutes per IP). If an early renewal fails while the token is still valid, the
 * valid token is used rather than failing the call.
 */
export class TokenCache {
  private readonly logger = new Logger(TokenCache.name);
  private cached?: Cached;
  private inflight?: Promise<Cached>;

  constructor(
    private readonly issue: () => Promise<IssuedToken>,
    private readonly clock: FenxClock,
    private readonly refreshRatio: number,
  ) {}

  async get(): Promise<string> {
    const now = this.clock.now();
    const cached = this.cached;
    if (cached && now < cached.refreshAt) return cached.accessToken;
    try {
      return (await this.renew()).accessToken;
    } catch (err) {
      const current = this.cached;
      if (current && this.clock.now() < current.expiresAt) {
        this.logger.warn({ err }, 'early token renewal failed, using the current token');
        current.refreshAt = this.clock.now() + RENEWAL_RETRY_MS;
        return current.accessToken;
      }
      throw err;
    }
  }

  /** Forgets `token` after FenX refused it (a 401), unless a newer one has replaced it already. */
  invalidate(token: string): void {
    if (this.cached?.accessToken === token) this.cached = undefined;
  }

  private renew(): Promise<Cached> {
    this.inflight ??= this.issue()
      .then((issued) => {
        const now = this.clock.now();
        const lifetimeMs = issued.expiresInSeconds * 1000;
        const expiresAt = now + lifetimeMs - Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 10);
        const cached: Cached = {
          accessToken: issued.accessToken,
          expiresAt,
          refreshAt: Math.min(now + lifetimeMs * this.refreshRatio, expiresAt),
        };
        this.cached = cached;
        return cached;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }
}
