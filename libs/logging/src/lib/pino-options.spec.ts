import { Controller, Get, Logger as NestLogger, Module, ServiceUnavailableException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { kafkaLogCreator } from './kafka-log-creator';
import { LoggingModule } from './logging.module';
import { ecsPinoOptions, pinoHttpOptions, REDACTED_PATHS } from './pino-options';

type Line = Record<string, unknown>;

function capture(): { stream: Writable; lines: () => Line[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Line),
  };
}

const IDENTITY = { service: 'radar', version: '1.2.3' };
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('ECS log lines', () => {
  const options = pinoHttpOptions(IDENTITY, { LOG_LEVEL: 'info', LOG_PRETTY: false });

  function logger(out = capture()) {
    return {
      out,
      log: pino({ ...ecsPinoOptions(IDENTITY), redact: options.redact, level: 'info' }, out.stream),
    };
  }

  it('carries @timestamp, log.level, message and the service on every line, in no other names', () => {
    const { out, log } = logger();
    log.info({ records: 3 }, 'batch committed');
    log.child({ component: 'x' }).warn('from a child');
    const [info, warn] = out.lines();
    expect(info).toEqual({
      '@timestamp': expect.stringMatching(ISO),
      'log.level': 'info',
      message: 'batch committed',
      'ecs.version': expect.any(String),
      'service.name': 'radar',
      'service.version': '1.2.3',
      'event.dataset': 'radar',
      records: 3,
    });
    expect(warn).toMatchObject({ 'log.level': 'warn', 'service.name': 'radar', component: 'x' });
    // One copy of each field: a child adds only its own bindings.
    expect(JSON.stringify(warn).match(/"service\.name"/g)).toHaveLength(1);
  });

  it('turns a logged err into error.type, error.message and error.stack_trace', () => {
    const { out, log } = logger();
    class KafkaUnavailable extends Error {}
    log.error({ err: new KafkaUnavailable('no acknowledgement'), notificationId: 'n1' }, 'event not stored');
    log.error({ err: 'not an Error' }, 'odd');
    const [line, odd] = out.lines();
    expect(line).toMatchObject({
      'log.level': 'error',
      message: 'event not stored',
      notificationId: 'n1',
      error: {
        type: 'KafkaUnavailable',
        message: 'no acknowledgement',
        stack_trace: expect.stringContaining('no acknowledgement\n    at '),
      },
    });
    expect(line).not.toHaveProperty('err');
    expect(odd).toMatchObject({ err: 'not an Error' });
  });

  it('redacts secrets and signatures in the new shape, on lines with an error too', () => {
    const { out, log } = logger();
    log
      .child({
        req: { headers: { authorization: 'Bearer abc', 'x-fenx-signature': 'sha256=ABC', host: 'h' } },
      })
      .error(
        {
          err: new Error('boom'),
          webhook: { secret: 'shh' },
          fenx: { clientSecret: 'cs', accessToken: 'at' },
        },
        'failed',
      );
    const [line] = out.lines();
    const text = JSON.stringify(line);
    for (const secret of ['Bearer abc', 'sha256=ABC', 'shh', '"cs"', '"at"'])
      expect(text).not.toContain(secret);
    expect(line).toMatchObject({
      req: { headers: { authorization: '[redacted]', 'x-fenx-signature': '[redacted]', host: 'h' } },
      webhook: { secret: '[redacted]' },
      error: { message: 'boom' },
    });
    expect(REDACTED_PATHS).toContain('req.headers["x-fenx-signature"]');
  });

  it('does not log health and metrics requests', () => {
    const ignore = (options.autoLogging as { ignore: (req: { url: string }) => boolean }).ignore;
    expect(ignore({ url: '/health/live' })).toBe(true);
    expect(ignore({ url: '/metrics' })).toBe(true);
    expect(ignore({ url: '/webhooks/fenx' })).toBe(false);
  });

  it('is JSON unless pretty output is asked for, which reads the ECS names', () => {
    expect(options.transport).toBeUndefined();
    const pretty = pinoHttpOptions(IDENTITY, { LOG_LEVEL: 'debug', LOG_PRETTY: true });
    expect(pretty.transport).toMatchObject({
      target: 'pino-pretty',
      options: { messageKey: 'message', levelKey: 'log\\.level', timestampKey: '@timestamp' },
    });
    expect(pretty.level).toBe('debug');
  });
});

describe('kafkaLogCreator', () => {
  it('maps kafkajs levels onto pino and keeps the extra fields', () => {
    const out = capture();
    const log = kafkaLogCreator(pino({ ...ecsPinoOptions(IDENTITY), level: 'debug' }, out.stream))();
    log({ namespace: 'Producer', level: 1, label: 'ERROR', log: { message: 'boom', broker: 'b:1' } });
    log({ namespace: 'Consumer', level: 5, label: 'DEBUG', log: { message: 'fine' } });
    const [error, debug] = out.lines();
    expect(error).toMatchObject({
      'log.level': 'error',
      message: 'boom',
      namespace: 'Producer',
      broker: 'b:1',
      component: 'kafkajs',
    });
    expect(debug).toMatchObject({ 'log.level': 'debug', message: 'fine', namespace: 'Consumer' });
  });

  it('puts kafkajs’s error strings and errors into ECS error fields', () => {
    const out = capture();
    const log = kafkaLogCreator(pino({ ...ecsPinoOptions(IDENTITY), level: 'info' }, out.stream))();
    const entry = (extra: Record<string, unknown>) =>
      log({
        namespace: 'Cluster',
        level: 2,
        label: 'WARN',
        log: { message: 'Could not create topics', ...extra },
      });
    entry({
      error: 'The broker is down',
      stack: 'KafkaJSError: The broker is down\n    at x',
      retryCount: 1,
    });
    entry({ error: 'Timed out' });
    entry({ error: new TypeError('bad') });
    entry({ stack: 'only a stack' });
    const [withStack, plain, thrown, stackOnly] = out.lines();
    expect(withStack).toMatchObject({
      retryCount: 1,
      error: { message: 'The broker is down', stack_trace: 'KafkaJSError: The broker is down\n    at x' },
    });
    expect(withStack).not.toHaveProperty('stack');
    expect(plain).toMatchObject({ error: { message: 'Timed out' } });
    expect(thrown).toMatchObject({ error: { type: 'TypeError', message: 'bad' } });
    expect(stackOnly).toMatchObject({ error: { stack_trace: 'only a stack' } });
    expect(stackOnly).not.toHaveProperty('stack');
  });
});

@Controller()
class ProbeController {
  private readonly logger = new NestLogger('Probe');

  @Get('ok')
  ok(): { ok: true } {
    this.logger.log({ step: 1 }, 'accepted');
    return { ok: true };
  }

  @Get('fail')
  fail(): never {
    const cause = new Error('no acknowledgement within 5 ms');
    this.logger.error({ notificationId: 'n1', err: cause }, 'event not stored: answered 503');
    throw new ServiceUnavailableException(cause.message);
  }
}

describe('LoggingModule in an app', () => {
  const out = capture();
  let server: Server;
  let close: () => Promise<void>;
  let url: string;

  @Module({
    imports: [LoggingModule.forRoot(IDENTITY, { LOG_LEVEL: 'info', LOG_PRETTY: false }, out.stream)],
    controllers: [ProbeController],
  })
  class ProbeModule {}

  beforeAll(async () => {
    const app = await NestFactory.create(ProbeModule, { bufferLogs: true });
    app.useLogger(app.get(Logger));
    await app.listen(0, '127.0.0.1');
    server = app.getHttpServer() as Server;
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => app.close();
  });
  afterAll(() => close());

  it('writes request, context, correlation and error fields in ECS names, redacted', async () => {
    const ok = await fetch(`${url}/ok`, {
      headers: { 'x-correlation-id': 'corr-1', 'x-request-id': 'req-1', authorization: 'Bearer abc' },
    });
    expect(ok.headers.get('x-request-id')).toBe('req-1');
    expect((await fetch(`${url}/fail`, { headers: { 'x-fenx-signature': 'sha256=ABC' } })).status).toBe(503);

    const lines = out.lines();
    const accepted = lines.find((l) => l['message'] === 'accepted');
    expect(accepted).toMatchObject({
      'log.level': 'info',
      'log.logger': 'Probe',
      'service.name': 'radar',
      'trace.id': 'corr-1',
      step: 1,
      req: { id: 'req-1', headers: { authorization: '[redacted]' } },
    });
    const completed = lines.find((l) => l['message'] === 'request completed');
    expect(completed).toMatchObject({ 'trace.id': 'corr-1', res: { statusCode: 200 } });
    expect(completed).not.toHaveProperty('error');

    const notStored = lines.find((l) => l['message'] === 'event not stored: answered 503');
    expect(notStored).toMatchObject({
      'log.level': 'error',
      'log.logger': 'Probe',
      notificationId: 'n1',
      error: { type: 'Error', message: 'no acknowledgement within 5 ms' },
      req: { headers: { 'x-fenx-signature': '[redacted]' } },
    });
    expect(notStored).not.toHaveProperty('trace.id');
    const errored = lines.find((l) => l['message'] === 'request errored');
    // pino-http's own line for a 5xx answer (at its default level, info: no per-request level choice).
    expect(errored).toMatchObject({ res: { statusCode: 503 }, error: { type: 'Error' } });
    expect(JSON.stringify(lines)).not.toMatch(/Bearer abc|sha256=ABC/);
    expect(lines.filter((l) => 'msg' in l || 'level' in l || 'time' in l)).toEqual([]);
  });
});
