import { Writable } from 'node:stream';
import pino from 'pino';
import { kafkaLogCreator } from './kafka-log-creator';
import { pinoHttpOptions, REDACTED_PATHS } from './pino-options';

function capture(): {
  stream: Writable;
  lines: () => Record<string, unknown>[];
} {
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
        .map((l) => JSON.parse(l)),
  };
}

describe('pino options', () => {
  const options = pinoHttpOptions(
    { service: 'radar', version: '1.2.3' },
    { LOG_LEVEL: 'info', LOG_PRETTY: false },
  );

  it('puts service and version on every line and redacts secrets and signatures', () => {
    const out = capture();
    const logger = pino({ base: options.base, redact: options.redact, level: 'info' }, out.stream);
    logger.info(
      {
        req: {
          headers: {
            authorization: 'Bearer abc',
            'x-fenx-signature': 'sha256=ABC',
            host: 'h',
          },
        },
        webhook: { secret: 'shh' },
      },
      'hello',
    );
    const [line] = out.lines();
    expect(line).toMatchObject({
      service: 'radar',
      version: '1.2.3',
      msg: 'hello',
    });
    const text = JSON.stringify(line);
    expect(text).not.toContain('Bearer abc');
    expect(text).not.toContain('sha256=ABC');
    expect(text).not.toContain('shh');
    expect(text).toContain('"host":"h"');
    expect(REDACTED_PATHS).toContain('req.headers["x-fenx-signature"]');
  });

  it('does not log health and metrics requests', () => {
    const ignore = (options.autoLogging as { ignore: (req: { url: string }) => boolean }).ignore;
    expect(ignore({ url: '/health/live' })).toBe(true);
    expect(ignore({ url: '/metrics' })).toBe(true);
    expect(ignore({ url: '/webhooks/fenx' })).toBe(false);
  });

  it('is JSON unless pretty output is asked for', () => {
    expect(options.transport).toBeUndefined();
    const pretty = pinoHttpOptions({ service: 's', version: 'v' }, { LOG_LEVEL: 'debug', LOG_PRETTY: true });
    expect(pretty.transport).toMatchObject({ target: 'pino-pretty' });
    expect(pretty.level).toBe('debug');
  });
});

describe('kafkaLogCreator', () => {
  it('maps kafkajs levels onto pino and keeps the extra fields', () => {
    const out = capture();
    const log = kafkaLogCreator(pino({ level: 'debug' }, out.stream))();
    log({
      namespace: 'Producer',
      level: 1,
      label: 'ERROR',
      log: { message: 'boom', broker: 'b:1' },
    });
    log({
      namespace: 'Consumer',
      level: 5,
      label: 'DEBUG',
      log: { message: 'fine' },
    });
    const [error, debug] = out.lines();
    expect(error).toMatchObject({
      level: 50,
      msg: 'boom',
      namespace: 'Producer',
      broker: 'b:1',
      component: 'kafkajs',
    });
    expect(debug).toMatchObject({
      level: 20,
      msg: 'fine',
      namespace: 'Consumer',
    });
  });
});

describe('request ids and correlation ids', () => {
  const options = pinoHttpOptions({ service: 's', version: 'v' }, { LOG_LEVEL: 'info', LOG_PRETTY: false });
  const genReqId = options.genReqId as unknown as (req: unknown, res: unknown) => string;
  const customProps = options.customProps as unknown as (req: unknown) => Record<string, string>;

  function response() {
    const headers: Record<string, string> = {};
    return { headers, setHeader: (k: string, v: string) => (headers[k] = v) };
  }

  it('keeps the caller’s request id and echoes it', () => {
    const res = response();
    expect(genReqId({ headers: { 'x-request-id': 'abc' } }, res)).toBe('abc');
    expect(res.headers['x-request-id']).toBe('abc');
  });

  it('makes a request id when there is none (first of repeated headers otherwise)', () => {
    const res = response();
    expect(genReqId({ headers: {} }, res)).toMatch(/^[0-9a-f-]{36}$/);
    expect(genReqId({ headers: { 'x-request-id': ['one', 'two'] } }, response())).toBe('one');
  });

  it('adds the correlation id when the request carries one', () => {
    expect(customProps({ headers: { 'x-correlation-id': 'corr-1' } })).toEqual({ correlationId: 'corr-1' });
    expect(customProps({ headers: {} })).toEqual({});
  });
});
