import { type INestApplication, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { InternalListener } from './internal-listener';
import { RadarConfig, RadarHttpLimits } from './radar-config';
import { RadarMetrics } from './radar-metrics';
import { RadarModule } from './radar.module';
import { assignRequestIds, requestFields } from './request-context';

/** How often Node checks connections against the request and headers timeouts. */
const CONNECTIONS_CHECKING_INTERVAL_MS = 1000;

/**
 * Builds radar on the configured HTTP platform. On both, the body is taken as raw bytes of any
 * content type, never parsed before the signature is checked, and a body over the limit is
 * answered 413 without reading it whole. The request, headers, keep-alive and connection timeouts
 * bound how long a client may hold a connection; X-Forwarded-For is believed from RADAR_TRUST_PROXY
 * only.
 */
export async function createRadarApp(config: RadarConfig): Promise<INestApplication> {
  const module = RadarModule.forRoot(config);
  const limits = config.http;
  const trustProxy = config.trustProxy.length > 0 ? config.trustProxy : false;
  let app: INestApplication;
  if (config.platform === 'fastify') {
    const adapter = new FastifyAdapter({
      bodyLimit: config.maxBodyBytes,
      trustProxy,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionTimeout: limits.connectionTimeoutMs,
      http: {
        headersTimeout: limits.headersTimeoutMs,
        connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
      },
      // radar has no Nest middleware (see RadarModule's logging): no @fastify/middie hook on every request.
      skipMiddie: true,
    });
    const fastify = adapter.getInstance();
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
      bufferLogs: true,
      bodyParser: false,
      // A module that fails to start is an error thrown to the caller (main exits 1 naming it), not
      // Nest's process.exit from inside.
      abortOnError: false,
    });
  } else {
    const express = await NestFactory.create<NestExpressApplication>(module, {
      bufferLogs: true,
      bodyParser: false,
      // A module that fails to start is an error thrown to the caller (main exits 1 naming it), not
      // Nest's process.exit from inside.
      abortOnError: false,
    });
    express.disable('x-powered-by');
    express.set('trust proxy', trustProxy);
    express.useBodyParser('raw', { type: () => true, limit: config.maxBodyBytes });
    const server = express.getHttpServer() as Server;
    applyLimits(server, limits);
    // Node checks the request timeout only every 30 s on a server it made itself: bound it per request.
    cutOffIncompleteRequests(server, limits.requestTimeoutMs);
    app = express;
  }
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  assignRequestIds(app.getHttpServer() as Server);
  countRefusedBeforeTheRoute(app, config.webhookPath);
  if (config.internalPort !== undefined) separatePorts(app, config.webhookPath);
  return app;
}

function applyLimits(server: Server, limits: RadarHttpLimits): void {
  server.requestTimeout = limits.requestTimeoutMs;
  server.headersTimeout = limits.headersTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.setTimeout(limits.connectionTimeoutMs);
}

/** A request whose body is not complete after `timeoutMs` is answered 408 and its connection closed. */
function cutOffIncompleteRequests(server: Server, timeoutMs: number): void {
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.complete) return;
    const timer = setTimeout(() => {
      if (req.complete || res.headersSent) return;
      res.writeHead(408, { connection: 'close', 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ statusCode: 408, message: 'Request Timeout' }));
      req.socket.destroy();
    }, timeoutMs);
    timer.unref();
    req.once('end', () => clearTimeout(timer));
    res.once('close', () => clearTimeout(timer));
  });
}

/**
 * Starts radar: the webhook route on `config.port` and, with RADAR_INTERNAL_PORT, /metrics and
 * /health/* on the internal port (and only there). Resolves with the internal port actually bound.
 */
export async function listenRadar(
  app: INestApplication,
  config: RadarConfig,
  host = '0.0.0.0',
): Promise<{ internalPort?: number }> {
  await app.listen(config.port, host);
  if (config.internalPort === undefined) return {};
  const listener = app.get(InternalListener);
  const publicServer = app.getHttpServer() as Server;
  const internal = createServer({
    headersTimeout: config.http.headersTimeoutMs,
    connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
  });
  applyLimits(internal, config.http);
  for (const handler of publicServer.listeners('request'))
    internal.on('request', handler as (req: IncomingMessage, res: ServerResponse) => void);
  internal.on('connection', (socket: Socket) => listener.sockets.add(socket));
  listener.server = internal;
  await new Promise<void>((resolve, reject) => {
    internal.once('error', reject);
    internal.listen(config.internalPort, host, () => resolve());
  });
  return { internalPort: (internal.address() as AddressInfo).port };
}

const INTERNAL_PATH = /^\/(metrics|health(\/.*)?)$/;

/** The public port serves the webhook route only; the internal port /metrics and /health/* only. */
function separatePorts(app: INestApplication, webhookPath: string): void {
  const listener = app.get(InternalListener);
  const allowed = (internal: boolean, url: string | undefined): boolean => {
    const path = (url ?? '').split('?')[0];
    return internal ? INTERNAL_PATH.test(path) : path === webhookPath;
  };
  const notFound = (res: ServerResponse) => {
    res.statusCode = 404;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(JSON.stringify({ statusCode: 404, message: 'Not Found' }));
  };
  if (app.getHttpAdapter().getType() === 'fastify') {
    const fastify = (app as NestFastifyApplication).getHttpAdapter().getInstance();
    fastify.addHook('onRequest', (req, reply, done) => {
      if (allowed(listener.sockets.has(req.raw.socket), req.raw.url)) return done();
      void reply.code(404).send({ statusCode: 404, message: 'Not Found' });
    });
  } else {
    (app as NestExpressApplication).use((req: IncomingMessage, res: ServerResponse, next: () => void) =>
      allowed(listener.sockets.has(req.socket), req.url) ? next() : notFound(res),
    );
  }
}

/** 413 (and 400 for a body that could not be read) are answered by the platform: counted and logged here. */
function countRefusedBeforeTheRoute(app: INestApplication, path: string): void {
  const metrics = app.get(RadarMetrics);
  const logger = new NestLogger('Webhook');
  const server = app.getHttpServer() as Server;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== path) return;
    res.once('finish', () => {
      if (res.statusCode === 413) {
        metrics.answered.too_large.inc();
        logger.warn(
          { ...requestFields(req), bytes: req.headers['content-length'] },
          'body over RADAR_MAX_BODY_BYTES: answered 413',
        );
      } else if (res.statusCode === 400) {
        metrics.answered.bad_request.inc();
        logger.warn(requestFields(req), 'body could not be read: answered 400');
      }
    });
  });
}
