import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { TRACE_ID_KEY } from '@fenx/logging';

const REQUEST_ID = Symbol('radar.requestId');
type Tagged = IncomingMessage & { [REQUEST_ID]?: string };

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Gives every request an id, the caller's `x-request-id` or a new UUID, and echoes it in the answer's
 * `x-request-id`. Runs before the HTTP platform sees the request; nothing else happens per request
 * (no request logger, no async context): only a refusal, a flag or a failure is logged, with
 * `requestFields`.
 */
export function assignRequestIds(server: Server): void {
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const id = header(req, 'x-request-id') ?? randomUUID();
    (req as Tagged)[REQUEST_ID] = id;
    res.setHeader('x-request-id', id);
  });
}

/** The Node request behind a platform's request object (Fastify's `raw`, Express's the request itself). */
export function rawRequest(req: object): IncomingMessage {
  return ((req as { raw?: IncomingMessage }).raw ?? req) as IncomingMessage;
}

/** The request's id (see `assignRequestIds`). */
export function requestIdOf(req: IncomingMessage): string | undefined {
  return (req as Tagged)[REQUEST_ID];
}

/**
 * What a refusal, a flag or a failure is logged with: the request id, the caller's correlation id as
 * ECS's `trace.id`, and the request line and headers (the signature and credentials are redacted by
 * the logger, `REDACTED_PATHS` of @fenx/logging).
 */
export function requestFields(req: IncomingMessage): Record<string, unknown> {
  const correlationId = header(req, 'x-correlation-id');
  return {
    requestId: requestIdOf(req),
    ...(correlationId ? { [TRACE_ID_KEY]: correlationId } : {}),
    req: { method: req.method, url: req.url, headers: req.headers },
  };
}
