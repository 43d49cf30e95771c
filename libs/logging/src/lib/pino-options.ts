import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Options } from 'pino-http';
import type { LoggingEnv } from './logging-settings';

export interface ServiceIdentity {
  service: string;
  version: string;
}

/** Paths whose values never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-fenx-signature"]',
  'res.headers["set-cookie"]',
  '*.secret',
  '*.password',
  '*.clientSecret',
  '*.client_secret',
  '*.accessToken',
  '*.access_token',
];

/** Routes that are polled constantly and would drown the useful lines. */
const QUIET_ROUTES = /^\/(health|metrics)(\/|$|\?)/;

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** pino-http options shared by every app: JSON lines with service, version, request and correlation ids. */
export function pinoHttpOptions(identity: ServiceIdentity, env: LoggingEnv): Options {
  return {
    level: env.LOG_LEVEL,
    base: { service: identity.service, version: identity.version },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    genReqId: (req, res) => {
      const id = headerValue(req, 'x-request-id') ?? randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    customProps: (req) => {
      const correlationId = headerValue(req, 'x-correlation-id');
      return correlationId ? { correlationId } : {};
    },
    autoLogging: { ignore: (req) => QUIET_ROUTES.test(req.url ?? '') },
    transport: env.LOG_PRETTY
      ? {
          target: 'pino-pretty',
          options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' },
        }
      : undefined,
  };
}
