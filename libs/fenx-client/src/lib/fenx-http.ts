import { Logger } from '@nestjs/common';
import { setMaxListeners } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import { EnvHttpProxyAgent, request } from 'undici';
import { FenxApiError, FenxFailureReason } from './fenx-api-error';
import type { FenxClientSettings } from './fenx-client.settings';
import { checkFenxBody, ContractViolation, FenxSchemaName } from './contract/fenx-contract';
import { FenxClientListener, FenxRequestEvent, FenxRequestOutcome, outcomeOfStatus } from './fenx-listener';
import { acquireSharedRateLimiter, FenxRateLimiter } from './fenx-rate-limiter';
import type { FenxMessage } from './fenx-types';
import { backoffDelayMs, FenxClock, retryAfterMs, systemClock } from './retry-policy';
import { IssuedToken, issuedToken, TokenCache, tokenRequest } from './token-cache';

/** Per-call options of every `FenxClient` method. */
export interface FenxCallOptions {
  /** Sent as `X-CORRELATION-ID`; FenX copies it into the notifications the call causes. */
  correlationId?: string;
  /** Cancels the call, including waits between retries. */
  signal?: AbortSignal;
}

/** Construction options that are not settings: hooks and test seams. */
export interface FenxClientOptions {
  listener?: FenxClientListener;
  /** Time source for token expiry, backoff and 429 waits. */
  clock?: FenxClock;
  /** Uniform [0,1) source for backoff jitter (`seededRandom(n)` in tests). */
  random?: () => number;
  /**
   * A limiter of your own. By default every client of the process for the same API and tenant shares
   * one limiter, because FenX counts calls per tenant.
   */
  rateLimiter?: FenxRateLimiter;
}

export interface FenxResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, the raw text when not JSON, undefined when empty. */
  body: unknown;
}

export interface FenxRequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Route template for metrics. */
  route: string;
  /** Path with encoded parameters, appended to the base URL. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Non-2xx statuses that this call returns as answers instead of throwing. */
  answers?: readonly number[];
  /** False for calls that must not be repeated once FenX may have received them (creations). */
  idempotent?: boolean;
  /** The identity server's token request (its failures say so: `FenxApiError.tokenRequest`). */
  tokenRequest?: boolean;
}

type Failure = { reason: FenxFailureReason; notSent: boolean };

/** What differs between one kind of request and another inside the one retry loop. */
interface AttemptPlan {
  kind: FenxRequestEvent['kind'];
  spec: FenxRequestSpec;
  signal: AbortSignal;
  /** Sends one attempt, calling `sending()` as it goes out: its latency is measured from there. */
  send(sending: () => void): Promise<FenxResponse>;
  /** True to send again at once, no wait and no retry counted (a refused token renewed). */
  again?(res: FenxResponse): boolean;
  /** Non-2xx statuses worth a backoff and another attempt. */
  retryStatus(status: number): boolean;
  /** Whether a request that failed on the way may be sent again (not a creation FenX may have got). */
  resendable(failure: Failure): boolean;
  /** Told how long a 429 asks to wait, before the wait. */
  rateLimited?(ms: number): void;
}

/** Errors raised before a request could reach the server: safe to retry even for a creation. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** FenX's `messages` (or the bare `{"message":…}` of a 401) as a list. */
export function messagesOf(body: unknown): FenxMessage[] {
  if (!isRecord(body)) return [];
  if (Array.isArray(body['messages'])) return body['messages'].filter(isRecord) as FenxMessage[];
  if (typeof body['message'] === 'string') return [{ message: body['message'] }];
  // OAuth2 error answers of the identity server.
  if (typeof body['error'] === 'string')
    return [
      typeof body['error_description'] === 'string'
        ? { errorCode: body['error'], message: body['error_description'] }
        : { errorCode: body['error'] },
    ];
  return [];
}

export function errorCodeOf(body: unknown): string | undefined {
  const coded = messagesOf(body).find((m) => typeof m.errorCode === 'string');
  if (coded) return coded.errorCode;
  return isRecord(body) && typeof body['errorCode'] === 'string' ? body['errorCode'] : undefined;
}

/** The `data` of FenX's `{data, messages}` envelope, or the body itself when it has none. */
export function dataOf(body: unknown): unknown {
  return isRecord(body) && 'data' in body ? body['data'] : body;
}

function parseBody(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A longer Retry-After (FenX's hourly and daily command limits) is waited in steps, each a retry. */
const MAX_RETRY_AFTER_MS = 60_000;

/** A signal that follows its sources; `dispose` detaches it so short-lived signals are not retained. */
function linkSignals(...sources: Array<AbortSignal | undefined>): {
  signal: AbortSignal;
  abort: () => void;
  dispose: () => void;
} {
  const controller = new AbortController();
  const listeners: Array<[AbortSignal, () => void]> = [];
  for (const source of sources) {
    if (!source) continue;
    if (source.aborted) {
      controller.abort(source.reason);
      break;
    }
    const onAbort = () => controller.abort(source.reason);
    source.addEventListener('abort', onAbort, { once: true });
    listeners.push([source, onAbort]);
  }
  return {
    signal: controller.signal,
    abort: () => controller.abort(),
    dispose: () => {
      for (const [source, onAbort] of listeners) source.removeEventListener('abort', onAbort);
    },
  };
}

/** The per-attempt time limit fired (undici reports it as a plain abort). */
class AttemptTimeout extends Error {
  constructor(cause: unknown) {
    super('FenX attempt timed out', { cause });
  }
}

/**
 * The transport under `FenxClient`: tokens, headers, the shared limiter, timeouts and retries.
 * Each attempt passes through the limiter; waits between attempts hold no slot.
 */
export class FenxHttp {
  private readonly logger = new Logger('FenxClient');
  private readonly agent: EnvHttpProxyAgent;
  private readonly tokens: TokenCache;
  private readonly limiter: FenxRateLimiter;
  private readonly releaseLimiter: () => Promise<void>;
  private readonly clock: FenxClock;
  private readonly random: () => number;
  private readonly listener?: FenxClientListener;
  private readonly closing = new AbortController();

  constructor(
    readonly settings: FenxClientSettings,
    options: FenxClientOptions = {},
  ) {
    // Every call in flight or queued listens on this signal until it ends; that is not a leak.
    setMaxListeners(0, this.closing.signal);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.listener = options.listener;
    // Calls go through HTTPS_PROXY/HTTP_PROXY unless NO_PROXY names the host (a bank's egress proxy).
    this.agent = new EnvHttpProxyAgent({
      httpsProxy: settings.httpsProxy,
      httpProxy: settings.httpProxy,
      noProxy: settings.noProxy,
      keepAliveTimeout: 10_000,
      connect: { timeout: settings.timeoutMs },
      headersTimeout: settings.timeoutMs,
      bodyTimeout: settings.timeoutMs,
    });
    if (options.rateLimiter) {
      this.limiter = options.rateLimiter;
      this.releaseLimiter = async () => undefined;
    } else {
      const shared = acquireSharedRateLimiter(
        `${settings.baseUrl}|${settings.tenantId}`,
        {
          ratePerSecond: settings.rateLimitPerSecond,
          maxConcurrency: settings.maxConcurrency,
        },
        options.clock,
      );
      this.limiter = shared.limiter;
      this.releaseLimiter = shared.release;
    }
    this.tokens = new TokenCache(() => this.issueToken(), this.clock, settings.tokenRefreshRatio);
  }

  /** Performs one API call with retries; returns 2xx and the spec's answer statuses, throws the rest. */
  async call(spec: FenxRequestSpec, options: FenxCallOptions = {}): Promise<FenxResponse> {
    const linked = linkSignals(this.closing.signal, options.signal);
    try {
      return await this.attempts(spec, options, linked.signal);
    } finally {
      linked.dispose();
    }
  }

  private async attempts(
    spec: FenxRequestSpec,
    options: FenxCallOptions,
    signal: AbortSignal,
  ): Promise<FenxResponse> {
    const url = this.settings.baseUrl + spec.path;
    let token = '';
    let reauthorized = false;
    return this.retrying({
      kind: 'api',
      spec,
      signal,
      send: async (sending) => {
        token = await this.tokens.get();
        const headers: Record<string, string> = {
          accept: 'application/json',
          authorization: `Bearer ${token}`,
          'x-tenant-id': this.settings.tenantId,
          ...spec.headers,
        };
        if (options.correlationId) headers['x-correlation-id'] = options.correlationId;
        let body: string | undefined;
        if (spec.body !== undefined) {
          headers['content-type'] = 'application/json';
          body = JSON.stringify(spec.body);
        }
        // Latency is measured from the moment the limiter lets the attempt go, not from queueing.
        return this.limiter.schedule(() => {
          sending();
          return this.send(url, spec.method, headers, body, signal);
        });
      },
      // A refused token may only have expired early: once per call, a fresh one.
      again: (res) => {
        if (res.status !== 401 || reauthorized) return false;
        reauthorized = true;
        this.tokens.invalidate(token);
        return true;
      },
      retryStatus: (status) => (status >= 500 || status === 408) && spec.idempotent !== false,
      resendable: (failure) => spec.idempotent !== false || failure.notSent,
      rateLimited: (ms) => this.limiter.pauseFor(ms),
    });
  }

  /**
   * The one retry loop of every FenX request (API calls and token requests): sends, and after a
   * failure on the way, a 429 (waiting its Retry-After) or a retryable status (with backoff) sends
   * again, within the settings' budgets. Returns a 2xx or an answer status; throws the rest.
   */
  private async retrying(plan: AttemptPlan): Promise<FenxResponse> {
    const { kind, spec, signal } = plan;
    let attempt = 0;
    let serverRetries = 0;
    let rateLimitRetries = 0;
    for (;;) {
      attempt++;
      if (signal.aborted) throw this.failure(spec, attempt - 1, 'aborted');
      let started = -1;
      let res: FenxResponse;
      try {
        res = await plan.send(() => {
          started = performance.now();
        });
      } catch (err) {
        // Decided already (the token request under an API call failed): not this attempt's to retry.
        if (err instanceof FenxApiError) throw err;
        if (started < 0) started = performance.now();
        const failure = this.classify(err, signal);
        this.emit(kind, spec, attempt, started, failure.reason);
        if (
          failure.reason !== 'aborted' &&
          plan.resendable(failure) &&
          serverRetries < this.settings.maxRetries
        ) {
          serverRetries++;
          await this.wait(this.backoff(serverRetries), signal, spec, attempt);
          continue;
        }
        throw this.failure(spec, attempt, failure.reason, undefined, err);
      }
      this.emit(kind, spec, attempt, started, undefined, res.status);

      if (res.status < 300 || spec.answers?.includes(res.status)) return res;
      if (plan.again?.(res)) continue;
      if (res.status === 429 && rateLimitRetries < this.settings.maxRateLimitRetries) {
        rateLimitRetries++;
        const ms = Math.min(MAX_RETRY_AFTER_MS, retryAfterMs(res.headers['retry-after'], this.clock.now()));
        plan.rateLimited?.(ms);
        await this.wait(ms, signal, spec, attempt);
        continue;
      }
      if (plan.retryStatus(res.status) && serverRetries < this.settings.maxRetries) {
        serverRetries++;
        await this.wait(this.backoff(serverRetries), signal, spec, attempt);
        continue;
      }
      throw this.failure(spec, attempt, 'http-status', res);
    }
  }

  /** Closes connections and rejects calls still queued for the limiter. */
  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort(new Error('FenX client closed'));
    await this.releaseLimiter();
    await this.agent.close();
  }

  /** A token of the identity server (client credentials), through the same retry loop as API calls. */
  private async issueToken(): Promise<IssuedToken> {
    const { url, spec, headers, body } = tokenRequest(this.settings);
    const signal = this.closing.signal;
    let attempts = 0;
    const res = await this.retrying({
      kind: 'token',
      spec,
      signal,
      send: (sending) => {
        attempts++;
        sending();
        return this.send(url, 'POST', headers, body, signal);
      },
      retryStatus: (status) => status >= 500,
      resendable: () => true,
    });
    return issuedToken(this.checked(spec, 'token', res.body, attempts));
  }

  /**
   * The body when it follows the contract's schema `schema`; else an `invalid-response` failure that
   * names the endpoint and the field, reported to the listener (for the apps' metric).
   */
  checked(
    spec: FenxRequestSpec,
    schema: FenxSchemaName,
    body: unknown,
    attempts = 1,
  ): Record<string, unknown> {
    const violation = checkFenxBody(schema, body);
    if (!violation) return body as Record<string, unknown>;
    throw this.invalidResponse(spec, violation, attempts);
  }

  invalidResponse(spec: FenxRequestSpec, violation: ContractViolation, attempts = 1): FenxApiError {
    try {
      this.listener?.onInvalidResponse?.({
        method: spec.method,
        route: spec.route,
        schema: violation.schema,
        field: violation.fieldPattern || '(body)',
        message: violation.message,
      });
    } catch (err) {
      this.logger.warn({ err }, 'FenX request listener threw');
    }
    const field = violation.field || '(body)';
    return new FenxApiError({
      reason: 'invalid-response',
      method: spec.method,
      path: spec.path,
      attempts,
      field,
      tokenRequest: spec.tokenRequest,
      messages: [
        {
          message: `${spec.method} ${spec.route} answered a body that breaks the contract (${violation.schema}): ${field} ${violation.message}`,
        },
      ],
    });
  }

  private async send(
    url: string,
    method: string,
    headers: Record<string, string>,
    body: string | undefined,
    signal: AbortSignal,
  ): Promise<FenxResponse> {
    // One controller per attempt, aborted by the caller, by close() or by the timer; listeners and
    // the timer are removed afterwards (AbortSignal.any/timeout would keep them until they fire).
    const attempt = linkSignals(signal);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      attempt.abort();
    }, this.settings.timeoutMs);
    try {
      const res = await request(url, {
        dispatcher: this.agent,
        method: method as 'GET',
        headers,
        body,
        signal: attempt.signal,
      });
      const text = await res.body.text();
      return {
        status: res.statusCode,
        headers: res.headers as IncomingHttpHeaders,
        body: parseBody(text),
      };
    } catch (err) {
      if (timedOut && !signal.aborted) throw new AttemptTimeout(err);
      throw err;
    } finally {
      clearTimeout(timer);
      attempt.dispose();
    }
  }

  private classify(err: unknown, signal: AbortSignal): Failure {
    if (signal.aborted) return { reason: 'aborted', notSent: false };
    if (err instanceof AttemptTimeout) return { reason: 'timeout', notSent: false };
    // Duck-typed: errors raised inside Node or undici may come from another realm (jest's sandbox).
    const code = isRecord(err) ? err['code'] : undefined;
    const notSent = typeof code === 'string' && NOT_SENT_CODES.has(code);
    if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return { reason: 'timeout', notSent };
    return { reason: 'network', notSent };
  }

  private backoff(retry: number): number {
    return backoffDelayMs(retry, this.settings.backoffBaseMs, this.settings.backoffMaxMs, this.random);
  }

  private async wait(
    ms: number,
    signal: AbortSignal,
    spec: FenxRequestSpec,
    attempts: number,
  ): Promise<void> {
    try {
      await this.clock.sleep(ms, signal);
    } catch (err) {
      throw this.failure(spec, attempts, 'aborted', undefined, err);
    }
  }

  private failure(
    spec: FenxRequestSpec,
    attempts: number,
    reason: FenxFailureReason,
    res?: FenxResponse,
    cause?: unknown,
  ): FenxApiError {
    return new FenxApiError({
      reason,
      method: spec.method,
      path: spec.path,
      attempts,
      status: res?.status,
      errorCode: res ? errorCodeOf(res.body) : undefined,
      messages: res ? messagesOf(res.body) : [],
      tokenRequest: spec.tokenRequest,
      cause,
    });
  }

  private emit(
    kind: FenxRequestEvent['kind'],
    spec: FenxRequestSpec,
    attempt: number,
    started: number,
    failure?: FenxFailureReason,
    status?: number,
  ): void {
    if (!this.listener?.onRequest) return;
    const outcome: FenxRequestOutcome =
      status !== undefined
        ? outcomeOfStatus(status)
        : failure === 'timeout'
          ? 'timeout'
          : failure === 'aborted'
            ? 'aborted'
            : 'network-error';
    try {
      this.listener.onRequest({
        kind,
        method: spec.method,
        route: spec.route,
        status,
        outcome,
        durationMs: performance.now() - started,
        attempt,
      });
    } catch (err) {
      this.logger.warn({ err }, 'FenX request listener threw');
    }
  }
}
