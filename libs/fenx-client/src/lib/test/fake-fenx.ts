import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { FenxClient } from '../fenx-client';
import { fenxClientSettings, FenxClientSettings } from '../fenx-client.settings';
import type { FenxClientOptions } from '../fenx-http';
import type { FenxClock } from '../retry-policy';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or the form fields of a token request. */
  body: unknown;
  /** `performance.now()` when the request arrived. */
  at: number;
}

export type Handler = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

export const TENANT = 'tenant-1';
export const CLIENT_ID = 'pipeline';
export const CLIENT_SECRET = 's3cret-client-secret';

/**
 * A small real HTTP server that behaves like FenX for the case at hand: an OAuth2 token endpoint
 * (client credentials, form-encoded), bearer and tenant checks, and per-test route handlers.
 * It measures what a client does to it: requests, arrival times, calls in flight.
 */
export class FakeFenx {
  readonly requests: RecordedRequest[] = [];
  readonly tokenRequests: RecordedRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  tokenTtlSeconds = 900;
  /** Overrides the token endpoint's behaviour. */
  tokenHandler?: Handler;
  private readonly routes = new Map<string, Handler>();
  private readonly validTokens = new Set<string>();
  private issued = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeFenx> {
    const server = createServer();
    const fake = new FakeFenx(server);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  on(method: string, path: string, handler: Handler): this {
    this.routes.set(`${method} ${path}`, handler);
    return this;
  }

  /** Answers the route with the given statuses in turn, repeating the last. */
  sequence(
    method: string,
    path: string,
    answers: Array<{
      status: number;
      body?: unknown;
      headers?: Record<string, string>;
    }>,
  ): this {
    let i = 0;
    return this.on(method, path, (_req, res) => {
      const a = answers[Math.min(i++, answers.length - 1)];
      json(res, a.status, a.body, a.headers);
    });
  }

  /** Makes FenX refuse every token issued so far (as after a key rotation). */
  revokeTokens(): void {
    this.validTokens.clear();
  }

  calls(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  settings(overrides: Partial<FenxClientSettings> = {}): FenxClientSettings {
    return fenxClientSettings({
      baseUrl: this.baseUrl,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      tenantId: TENANT,
      scopes: ['fenx.journey.read', 'fenx.entitydata.read'],
      rateLimitPerSecond: 1000,
      maxConcurrency: 10,
      timeoutMs: 2000,
      backoffBaseMs: 100,
      backoffMaxMs: 2000,
      ...overrides,
    });
  }

  client(overrides: Partial<FenxClientSettings> = {}, options: FenxClientOptions = {}): FenxClient {
    return new FenxClient(this.settings(overrides), {
      clock: new TestClock(),
      ...options,
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = performance.now();
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => this.inFlight--);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '/').split('?')[0];
    const isToken = req.method === 'POST' && path === '/connect/token';
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      body: isToken
        ? Object.fromEntries(new URLSearchParams(text))
        : text
          ? (JSON.parse(text) as unknown)
          : undefined,
      at,
    };
    if (isToken) {
      this.tokenRequests.push(recorded);
      if (this.tokenHandler) return void (await this.tokenHandler(recorded, res));
      return this.grantToken(recorded, res);
    }
    this.requests.push(recorded);
    const auth = req.headers['authorization'];
    if (!auth?.startsWith('Bearer ') || !this.validTokens.has(auth.slice(7)))
      return json(res, 401, { message: 'Unauthorized' });
    if (req.headers['x-tenant-id'] !== TENANT)
      return json(res, 403, {
        data: null,
        messages: [
          {
            message: 'Unknown tenant',
            type: 'Forbidden',
            errorCode: 'FORBIDDEN',
          },
        ],
      });
    const handler = this.routes.get(`${recorded.method} ${path}`);
    if (!handler)
      return json(res, 404, {
        data: null,
        messages: [{ message: 'Not found', type: 'Error', errorCode: 'NOT_FOUND' }],
      });
    await handler(recorded, res);
  }

  /** The real token behaviour, for handlers that misbehave first and then answer. */
  grantToken(req: RecordedRequest, res: ServerResponse): void {
    const form = req.body as Record<string, string>;
    if (
      form['grant_type'] !== 'client_credentials' ||
      form['client_id'] !== CLIENT_ID ||
      form['client_secret'] !== CLIENT_SECRET
    )
      return json(res, 401, { error: 'invalid_client' });
    const token = `token-${++this.issued}`;
    this.validTokens.add(token);
    json(res, 200, {
      access_token: token,
      expires_in: this.tokenTtlSeconds,
      token_type: 'Bearer',
      scope: form['scope'] ?? '',
    });
  }
}

export function json(
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(text ? { 'content-type': 'application/json' } : {}),
    ...headers,
  });
  res.end(text);
}

export function ok(data: unknown): { data: unknown; messages: [] } {
  return { data, messages: [] };
}

export function errorEnvelope(errorCode: string, message: string): unknown {
  return { data: null, messages: [{ message, type: 'Error', errorCode }] };
}

/**
 * Fake time for the client: `sleep` records the wait and advances the clock at once, so backoff and
 * Retry-After are asserted exactly without waiting. (The rate limiter keeps real time.)
 */
export class TestClock implements FenxClock {
  readonly sleeps: number[] = [];
  private offset = 0;

  now(): number {
    return Date.now() + this.offset;
  }

  advance(ms: number): void {
    this.offset += ms;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    this.offset += ms;
    await new Promise((r) => setImmediate(r));
  }
}
