import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ecsFormat } from '@elastic/ecs-pino-format';
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

/**
 * The field a logged value goes to when it is an error: `logger.error({ err }, 'what failed')` becomes
 * ECS's `error.type`, `error.message` and `error.stack_trace`. Never `error: e.message`, never the error in
 * the message text.
 */
export const ERROR_KEY = 'err';

/** Where Nest's logger context (the class name given to `new Logger(...)`) goes: ECS's `log.logger`. */
export const CONTEXT_KEY = 'log.logger';

/** The correlation id a caller sends (`x-correlation-id`), as ECS's `trace.id`. */
export const TRACE_ID_KEY = 'trace.id';

/** Routes that are polled constantly and would drown the useful lines. */
const QUIET_ROUTES = /^\/(health|metrics)(\/|$|\?)/;

const NO_PROPS = Object.freeze({});

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * pino options for Elastic Common Schema lines (`@elastic/ecs-pino-format`): `@timestamp`, `log.level`,
 * `message`, `ecs.version`, `service.name`, `service.version` and `event.dataset` (the service name) on
 * every line, and `error.*` from a logged `err`.
 */
export function ecsPinoOptions(identity: ServiceIdentity) {
  const ecs = ecsFormat({
    serviceName: identity.service,
    serviceVersion: identity.version,
    eventDataset: identity.service,
    apmIntegration: false,
    convertErr: true,
    convertReqRes: false,
  });
  const toEcs = ecs.formatters?.log;
  if (!toEcs) throw new Error('@elastic/ecs-pino-format gave no log formatter');
  return {
    messageKey: ecs.messageKey,
    timestamp: ecs.timestamp,
    // The service fields are bound once, on the root logger: a line carries them without any work of its own.
    base: {},
    formatters: {
      level: ecs.formatters?.level,
      bindings: ecs.formatters?.bindings,
      // Only a line with an error needs converting; every other line (an accepted request's) goes through as is.
      log: (obj: Record<string, unknown>) => (obj[ERROR_KEY] === undefined ? obj : toEcs(obj)),
    },
  };
}

/** pino-http options shared by every app: ECS JSON lines with request ids and the caller's correlation id. */
export function pinoHttpOptions(identity: ServiceIdentity, env: LoggingEnv): Options {
  return {
    level: env.LOG_LEVEL,
    ...ecsPinoOptions(identity),
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    genReqId: (req, res) => {
      const id = headerValue(req, 'x-request-id') ?? randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    customProps: (req) => {
      const correlationId = headerValue(req, 'x-correlation-id');
      return correlationId ? { [TRACE_ID_KEY]: correlationId } : NO_PROPS;
    },
    autoLogging: { ignore: (req) => QUIET_ROUTES.test(req.url ?? '') },
    transport: env.LOG_PRETTY
      ? {
          target: 'pino-pretty',
          options: {
            singleLine: true,
            translateTime: 'SYS:HH:MM:ss.l',
            messageKey: 'message',
            levelKey: 'log\\.level',
            timestampKey: '@timestamp',
            ignore: 'ecs\\.version,service\\.name,service\\.version,event\\.dataset',
          },
        }
      : undefined,
  };
}
