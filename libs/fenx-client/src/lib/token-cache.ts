import { Logger } from '@nestjs/common';
import type { FenxClientSettings } from './fenx-client.settings';
import type { FenxRequestSpec } from './fenx-http';
import { FenxClock } from './retry-policy';

export interface IssuedToken {
  accessToken: string;
  /** Seconds, as the identity server's `expires_in`. */
  expiresInSeconds: number;
}

/** The identity server's token request (OAuth2 client credentials) for the settings. */
export function tokenRequest(settings: FenxClientSettings): {
  url: string;
  spec: FenxRequestSpec;
  headers: Record<string, string>;
  body: string;
} {
  const { tokenUrl, clientId, clientSecret, scopes } = settings;
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
  });
  if (scopes.length > 0) form.set('scope', scopes.join(' '));
  const path = pathOf(tokenUrl);
  return {
    url: tokenUrl,
    spec: { method: 'POST', route: path, path, tokenRequest: true },
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  };
}

/** The token of an answer that passed the contract's `token` schema. */
export function issuedToken(body: Record<string, unknown>): IssuedToken {
  const expiresIn = Number(body['expires_in']);
  return {
    accessToken: body['access_token'] as string,
    // FenX documents 900 s; an answer without a usable expires_in gets a cautious 5 minutes.
    expiresInSeconds: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 300,
  };
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '(token url)';
  }
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
