import type { ConsumedRecord } from '@fenx/kafka';
import { chunkFiles, lakeLine, lineValue, ndjson, pathHour } from './lake-files';
import { loadLakeSinkConfig } from './lake-config';

const rec = (
  offset: number,
  at: string,
  value: string | Buffer | null = `{"n":${offset}}`,
): ConsumedRecord => ({
  topic: 'fenx.journey.details.v1',
  partition: 3,
  offset: String(offset),
  key: `k${offset}`,
  value: value === null ? null : Buffer.from(value),
  headers: { h: 'v' },
  timestamp: String(Date.parse(at)),
});

describe('lake files', () => {
  it('cuts a chunk into one file per hour, each named by its first record', () => {
    const files = chunkFiles([
      rec(10, '2026-11-23T05:59:59.999Z'),
      rec(11, '2026-11-23T06:00:00Z'),
      rec(12, '2026-11-23T05:30:00Z'),
    ]);
    expect(files.map((f) => [f.path, f.lines.map((l) => l.offset)])).toEqual([
      [
        'topic=fenx.journey.details.v1/dt=2026-11-23/hour=05/fenx.journey.details.v1+3+10.ndjson',
        ['10', '12'],
      ],
      ['topic=fenx.journey.details.v1/dt=2026-11-23/hour=06/fenx.journey.details.v1+3+11.ndjson', ['11']],
    ]);
    expect(pathHour(files[1].path)).toEqual({
      topic: 'fenx.journey.details.v1',
      hour: new Date('2026-11-23T06:00:00Z'),
    });
    expect(pathHour('elsewhere/file.ndjson')).toBeUndefined();
  });

  it('keeps JSON values as JSON and any other value byte for byte', () => {
    const json = lakeLine(rec(1, '2026-11-23T05:00:00Z'));
    expect(json.value).toEqual({ n: 1 });
    expect(lineValue(json)?.toString()).toBe('{"n":1}');
    const binary = lakeLine(rec(2, '2026-11-23T05:00:00Z', Buffer.from([0xff, 0x00, 0x7b])));
    expect(binary.value).toBeNull();
    expect(lineValue(binary)).toEqual(Buffer.from([0xff, 0x00, 0x7b]));
    expect(lineValue(lakeLine(rec(3, '2026-11-23T05:00:00Z', null)))).toBeNull();
    expect(ndjson([json, json]).toString().split('\n')).toHaveLength(3);
  });

  it('reads its settings with defaults and names a bad one', () => {
    expect(loadLakeSinkConfig({ LAKE_SINK_TARGET: 's3://b/p', S3_ENDPOINT: 'http://x' })).toMatchObject({
      target: 's3://b/p',
      flushRecords: 20000,
      flushBytes: 8 * 1024 * 1024,
      flushIntervalMs: 60000,
      s3: { endpoint: 'http://x', region: 'us-east-1' },
    });
    expect(() => loadLakeSinkConfig({ LAKE_SINK_FLUSH_RECORDS: '0' })).toThrow(/LAKE_SINK_FLUSH_RECORDS/);
    expect(() => loadLakeSinkConfig({ LAKE_SINK_FLUSH_INTERVAL_MS: 'soon' })).toThrow(
      /LAKE_SINK_FLUSH_INTERVAL_MS/,
    );
    expect(loadLakeSinkConfig({ LAKE_SINK_FLUSH_BYTES: '65536' }).flushBytes).toBe(65536);
  });
});
