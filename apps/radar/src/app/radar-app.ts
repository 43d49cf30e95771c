import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { RadarConfig } from './radar-config';
import { RadarMetrics } from './radar-metrics';
import { RadarModule } from './radar.module';

/**
 * Builds radar on the configured HTTP platform. On both, the body is taken as raw bytes of any
 * content type, never parsed before the signature is checked, and a body over the limit is
 * answered 413 without reading it whole.
 */
export async function createRadarApp(config: RadarConfig): Promise<INestApplication> {
  const module = RadarModule.forRoot(config);
  let app: INestApplication;
  if (config.platform === 'fastify') {
    const adapter = new FastifyAdapter({ bodyLimit: config.maxBodyBytes, trustProxy: true });
    const fastify = adapter.getInstance();
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
      bufferLogs: true,
      bodyParser: false,
    });
  } else {
    const express = await NestFactory.create<NestExpressApplication>(module, {
      bufferLogs: true,
      bodyParser: false,
    });
    express.disable('x-powered-by');
    express.useBodyParser('raw', { type: () => true, limit: config.maxBodyBytes });
    app = express;
  }
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  countRefusedBeforeTheRoute(app, config.webhookPath);
  return app;
}

/** 413 (and 400 for a body that could not be read) are answered by the platform: counted here. */
function countRefusedBeforeTheRoute(app: INestApplication, path: string): void {
  const metrics = app.get(RadarMetrics);
  const server = app.getHttpServer() as Server;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== path) return;
    res.once('finish', () => {
      if (res.statusCode === 413) metrics.requests.inc({ outcome: 'too_large' });
      else if (res.statusCode === 400) metrics.requests.inc({ outcome: 'bad_request' });
    });
  });
}
