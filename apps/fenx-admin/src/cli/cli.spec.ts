import { ConfigValidationError } from '@fenx/config';
import { FenxApiError } from '@fenx/fenx-client';
import type { ReadRecord } from '@fenx/kafka';
import { cli } from '../test/cli-harness';
import { replayGroupId, replayRecord, viewOf } from './dead-letters.command';
import { CliError, describeFailure, EXIT } from './errors';
import { table } from './io';
import { parseInstant } from './reconcile.command';

const fenxError = (init: Partial<ConstructorParameters<typeof FenxApiError>[0]>) =>
  new FenxApiError({
    reason: 'http-status',
    method: 'GET',
    path: '/webhooks/v1/webhooks',
    attempts: 1,
    ...init,
  });

describe('exit codes', () => {
  it('maps every failure to its documented code', () => {
    expect(describeFailure(new CliError('x', EXIT.notFound)).code).toBe(3);
    expect(describeFailure(new ConfigValidationError(['FENX_BASE_URL: not set'])).code).toBe(2);
    expect(describeFailure(fenxError({ status: 401 })).code).toBe(4);
    expect(describeFailure(fenxError({ status: 403 })).code).toBe(4);
    expect(describeFailure(fenxError({ status: 503 })).code).toBe(5);
    expect(describeFailure(fenxError({ status: 429 })).code).toBe(5);
    expect(describeFailure(fenxError({ reason: 'network' })).code).toBe(5);
    expect(describeFailure(fenxError({ reason: 'timeout' })).code).toBe(5);
    expect(describeFailure(fenxError({ status: 400, errorCode: 'WEBHOOK_LIMIT_REACHED' })).code).toBe(1);
    const kafka = new Error('Connection error');
    kafka.name = 'KafkaJSConnectionError';
    expect(describeFailure(kafka)).toEqual({
      code: 6,
      message: 'Kafka failed: KafkaJSConnectionError: Connection error',
    });
    expect(describeFailure(new TypeError('boom')).code).toBe(1);
  });

  it('help exits 0, an unknown command or option 2', async () => {
    expect((await cli(['--help'], {})).code).toBe(0);
    expect((await cli(['webhooks', '--help'], {})).out).toContain('enable');
    expect((await cli(['nope'], {})).code).toBe(2);
    expect((await cli(['dead-letters', 'list', '--topic', 'fenx.webhook.events.v1'], {})).err).toContain(
      'not a dead-letter topic of the manifest',
    );
    expect(
      (
        await cli(
          ['dead-letters', 'list', '--topic', 'fenx.journey-extractor.dead-letter.v1', '--limit', '0'],
          {},
        )
      ).code,
    ).toBe(2);
  });
});

describe('table', () => {
  it('pads columns to the widest cell', () => {
    expect(
      table(
        ['ID', 'STATUS'],
        [
          ['a', 'Enabled'],
          ['long-id', 'UserDisabled'],
        ],
      ),
    ).toBe('ID       STATUS\na        Enabled\nlong-id  UserDisabled');
  });
});

describe('dead letters', () => {
  const message = (headers: Record<string, string>): ReadRecord => ({
    topic: 'fenx.journey-extractor.dead-letter.v1',
    partition: 1,
    key: 'j1',
    value: Buffer.from('{"v":1}'),
    offset: '7',
    timestamp: '0',
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])),
  });

  it('shows reason, attempts and source from the headers', () => {
    const m = message({
      'dead-letter-reason': 'FenxApiError: HTTP 500',
      'dead-letter-attempts': '4',
      'dead-letter-source': 'fenx.webhook.events.v1/2/9',
      'fenx-event-type': 'journey:taskcompleted',
    });
    expect(viewOf(m)).toEqual(
      expect.objectContaining({
        partition: 1,
        offset: '7',
        key: 'j1',
        reason: 'FenxApiError: HTTP 500',
        attempts: '4',
        source: 'fenx.webhook.events.v1/2/9',
        eventType: 'journey:taskcompleted',
      }),
    );
  });

  it('replays into the source partition without the dead-letter headers, marked with its origin', () => {
    const m = message({
      'dead-letter-reason': 'x',
      'dead-letter-source': 'fenx.webhook.events.v1/2/9',
      'fenx-origin': 'webhook',
    });
    const r = replayRecord('fenx.journey-extractor.dead-letter.v1', m, 'fenx.webhook.events.v1', new Date(0));
    expect(r.partition).toBe(2);
    expect(r.key).toBe('j1');
    expect(Object.keys(r.headers ?? {}).sort()).toEqual([
      'fenx-origin',
      'fenx-replayed-at',
      'fenx-replayed-from',
    ]);
    expect(String(r.headers?.['fenx-replayed-from'])).toBe('fenx.journey-extractor.dead-letter.v1/1/7');
    // Another target topic: partitioned by key there.
    expect(
      replayRecord('fenx.journey-extractor.dead-letter.v1', m, 'fenx.entity.details.v1', new Date(0))
        .partition,
    ).toBeUndefined();
    expect(replayGroupId('fenx.lake-sink.dead-letter.v1')).toBe(
      'fenx-admin.replay.fenx.lake-sink.dead-letter.v1',
    );
  });
});

describe('reconcile', () => {
  const now = new Date('2026-11-23T12:00:00Z');

  it('reads ISO times and durations back from now', () => {
    expect(parseInstant('6h', now).toISOString()).toBe('2026-11-23T06:00:00.000Z');
    expect(parseInstant('90m', now).toISOString()).toBe('2026-11-23T10:30:00.000Z');
    expect(parseInstant('2d', now).toISOString()).toBe('2026-11-21T12:00:00.000Z');
    expect(parseInstant('2026-11-20T08:00:00Z', now).toISOString()).toBe('2026-11-20T08:00:00.000Z');
    expect(() => parseInstant('yesterday', now)).toThrow(/ISO-8601/);
  });

  it('refuses a window that ends before it starts', async () => {
    const run = await cli(['reconcile', '--since', '1h', '--until', '2h'], {});
    expect(run).toEqual(
      expect.objectContaining({ code: 2, err: 'fenx-admin: --since must be before --until.' }),
    );
  });
});
