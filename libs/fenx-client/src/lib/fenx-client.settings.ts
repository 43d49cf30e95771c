import { EnvList, EnvNumber } from '@fenx/config';
import { IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';

const URL_OPTIONS = { require_tld: false, protocols: ['http', 'https'] };

/** FenX API settings read from the environment (validated once at start-up with `validateEnv`). */
export class FenxClientEnv {
  /** API host, e.g. `https://api.fenergox.com` (no default: a wrong default would hit a real tenant). */
  @IsUrl(URL_OPTIONS)
  FENX_BASE_URL!: string;

  /**
   * OAuth2 token endpoint. FenX's identity host is separate from its API host: when unset, an API host
   * `api.<domain>` gives `https://identity.<domain>/connect/token` (`api.fenergox.com` →
   * `identity.fenergox.com`); any other host (the simulator) gives `${FENX_BASE_URL}/connect/token`.
   */
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  FENX_TOKEN_URL?: string;

  @IsString()
  @IsNotEmpty()
  FENX_CLIENT_ID!: string;

  @IsString()
  @IsNotEmpty()
  FENX_CLIENT_SECRET!: string;

  @IsString()
  @IsNotEmpty()
  FENX_TENANT_ID!: string;

  /** Comma-separated; sent space-separated. Empty: no `scope` field, the identity server grants the client's own. */
  @IsString({ each: true })
  @EnvList()
  FENX_SCOPES: string[] = [];

  /** Calls per second for the whole process (FenX SDLC tenants: 50/s; production: 200/s). */
  @IsNumber()
  @Min(0.1)
  @Max(10000)
  @EnvNumber()
  FENX_RATE_LIMIT_PER_SECOND = 50;

  /** Calls in flight at once for the whole process (FenX SDLC burst: 10; production: 50). */
  @IsInt()
  @Min(1)
  @Max(1000)
  @EnvNumber()
  FENX_MAX_CONCURRENCY = 10;

  /** Time limit of one attempt (connect, headers and body). */
  @IsInt()
  @Min(1)
  @EnvNumber()
  FENX_TIMEOUT_MS = 30000;

  /** Retries after a network error, a timeout or a 5xx (429s have their own budget). */
  @IsInt()
  @Min(0)
  @Max(20)
  @EnvNumber()
  FENX_MAX_RETRIES = 4;

  /** Retries after a 429 (each waits for `Retry-After`). */
  @IsInt()
  @Min(0)
  @Max(100)
  @EnvNumber()
  FENX_MAX_RATE_LIMIT_RETRIES = 10;

  @IsInt()
  @Min(1)
  @EnvNumber()
  FENX_BACKOFF_BASE_MS = 200;

  @IsInt()
  @Min(1)
  @EnvNumber()
  FENX_BACKOFF_MAX_MS = 10000;

  /**
   * The proxy for FenX's https calls (a bank's egress), e.g. `http://proxy.bank.internal:3128`; also read
   * as `https_proxy`. Unset: `HTTP_PROXY`, if any, serves https calls too.
   */
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  HTTPS_PROXY?: string;

  /** The proxy for FenX's plain-http calls (also `http_proxy`). */
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  HTTP_PROXY?: string;

  /** Hosts reached without the proxy: comma- or space-separated names, `.domain` suffixes, `host:port`, `*` (also `no_proxy`). */
  @IsOptional()
  @IsString()
  NO_PROXY?: string;
}

/** Typed settings of a `FenxClient`. */
export interface FenxClientSettings {
  /** API origin plus an optional path prefix, without a trailing slash. */
  baseUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  tenantId: string;
  scopes: string[];
  rateLimitPerSecond: number;
  maxConcurrency: number;
  timeoutMs: number;
  maxRetries: number;
  maxRateLimitRetries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Fraction of `expires_in` after which a token is renewed (0.8: a 900-s token is renewed after 720 s). */
  tokenRefreshRatio: number;
  /**
   * Outbound proxies and the hosts that bypass them (undici's EnvHttpProxyAgent). Undefined: the
   * process's `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` (or lower-case) variables; `''`: none.
   */
  httpsProxy?: string;
  httpProxy?: string;
  noProxy?: string;
}

export const FENX_CLIENT_DEFAULTS = {
  scopes: [] as string[],
  rateLimitPerSecond: 50,
  maxConcurrency: 10,
  timeoutMs: 30000,
  maxRetries: 4,
  maxRateLimitRetries: 10,
  backoffBaseMs: 200,
  backoffMaxMs: 10000,
  tokenRefreshRatio: 0.8,
} satisfies Partial<FenxClientSettings>;

type Required = 'baseUrl' | 'clientId' | 'clientSecret' | 'tenantId';

/**
 * The token endpoint when none is set: FenX's identity host beside an `api.` host (`https://api.fenergox.com`
 * → `https://identity.fenergox.com/connect/token`, any path prefix dropped), else `${baseUrl}/connect/token`
 * (the simulator serves both on one host).
 */
export function defaultTokenUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (/^api\./i.test(url.hostname))
    return `${url.protocol}//identity.${url.hostname.slice(4)}${url.port ? `:${url.port}` : ''}/connect/token`;
  return `${baseUrl.replace(/\/+$/, '')}/connect/token`;
}

/** Settings with the defaults applied; `tokenUrl` defaults to `defaultTokenUrl(baseUrl)`. */
export function fenxClientSettings(
  given: Pick<FenxClientSettings, Required> & Partial<FenxClientSettings>,
): FenxClientSettings {
  const baseUrl = given.baseUrl.replace(/\/+$/, '');
  const defined = Object.fromEntries(
    Object.entries(given).filter(([, v]) => v !== undefined),
  ) as typeof given;
  return {
    ...FENX_CLIENT_DEFAULTS,
    ...defined,
    baseUrl,
    tokenUrl: given.tokenUrl ?? defaultTokenUrl(baseUrl),
  };
}

export function fenxClientSettingsFrom(env: FenxClientEnv): FenxClientSettings {
  return fenxClientSettings({
    baseUrl: env.FENX_BASE_URL,
    tokenUrl: env.FENX_TOKEN_URL,
    clientId: env.FENX_CLIENT_ID,
    clientSecret: env.FENX_CLIENT_SECRET,
    tenantId: env.FENX_TENANT_ID,
    scopes: env.FENX_SCOPES,
    rateLimitPerSecond: env.FENX_RATE_LIMIT_PER_SECOND,
    maxConcurrency: env.FENX_MAX_CONCURRENCY,
    timeoutMs: env.FENX_TIMEOUT_MS,
    maxRetries: env.FENX_MAX_RETRIES,
    maxRateLimitRetries: env.FENX_MAX_RATE_LIMIT_RETRIES,
    backoffBaseMs: env.FENX_BACKOFF_BASE_MS,
    backoffMaxMs: env.FENX_BACKOFF_MAX_MS,
    httpsProxy: env.HTTPS_PROXY,
    httpProxy: env.HTTP_PROXY,
    noProxy: env.NO_PROXY,
  });
}
