import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConsumedRecord } from '@fenx/kafka';
import { withoutNamespace } from '@fenx/kafka-contracts';
import { LAKE_TOPICS as LAYOUT_TOPICS } from '@fenx/lake-sql';
import { chunkFiles, lakeLine, lineValue, ndjson, pathHour } from './lake-files';
import { LAKE_TOPICS, loadLakeSinkConfig } from './lake-config';
import { LocalStore } from './lake-store';
import { linesBetween } from './replay';

const rec = (
  offset: number,
  at: string,
  value: string | Buffer | null = `{"schema":"fenx.journey-detail.v1","n":${offset}}`,
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

  it('puts a record that is not JSON, or of another schema, under _rejected/ with the reason; a dead letter is kept as it is', () => {
    const files = chunkFiles([
      rec(20, '2026-11-23T05:01:00Z'),
      rec(21, '2026-11-23T05:02:00Z', Buffer.from([0xff, 0x00])),
      rec(22, '2026-11-23T05:03:00Z', '{"schema":"fenx.journey-detail.v2"}'),
      rec(23, '2026-11-23T05:04:00Z', '[1,2]'),
      rec(24, '2026-11-23T05:05:00Z', null),
    ]);
    expect(files.map((f) => [f.path, f.rejected, f.lines.map((l) => [l.offset, l.rejected])])).toEqual([
      [
        'topic=fenx.journey.details.v1/dt=2026-11-23/hour=05/fenx.journey.details.v1+3+20.ndjson',
        false,
        [
          ['20', undefined],
          ['24', undefined],
        ],
      ],
      [
        '_rejected/topic=fenx.journey.details.v1/dt=2026-11-23/hour=05/fenx.journey.details.v1+3+21.ndjson',
        true,
        [
          ['21', 'not-json'],
          ['22', 'unknown-schema'],
          ['23', 'unknown-schema'],
        ],
      ],
    ]);
    expect(files[1].lines[0].valueBase64).toBe(Buffer.from([0xff, 0x00]).toString('base64'));
    const dead = {
      ...rec(7, '2026-11-23T05:01:00Z', 'not json'),
      topic: 'fenx.journey-extractor.dead-letter.v1',
    };
    expect(chunkFiles([dead]).map((f) => [f.rejected, f.path.startsWith('topic=')])).toEqual([[false, true]]);
  });

  it('keeps JSON values as JSON and any other value byte for byte', () => {
    const json = lakeLine(rec(1, '2026-11-23T05:00:00Z'));
    expect(json.value).toEqual({ schema: 'fenx.journey-detail.v1', n: 1 });
    expect(lineValue(json)?.toString()).toBe('{"schema":"fenx.journey-detail.v1","n":1}');
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
      stallAfterMs: 300000,
      stallExitAfterMs: 900000,
      s3: { endpoint: 'http://x', region: 'us-east-1' },
    });
    expect(() => loadLakeSinkConfig({ LAKE_SINK_FLUSH_RECORDS: '0' })).toThrow(/LAKE_SINK_FLUSH_RECORDS/);
    expect(() => loadLakeSinkConfig({ LAKE_SINK_FLUSH_INTERVAL_MS: 'soon' })).toThrow(
      /LAKE_SINK_FLUSH_INTERVAL_MS/,
    );
    expect(loadLakeSinkConfig({ LAKE_SINK_FLUSH_BYTES: '65536' }).flushBytes).toBe(65536);
    expect(loadLakeSinkConfig({ LAKE_SINK_STALL_AFTER_MS: '120000' }).stallAfterMs).toBe(120000);
    expect(() => loadLakeSinkConfig({ LAKE_SINK_STALL_AFTER_MS: '10' })).toThrow(/LAKE_SINK_STALL_AFTER_MS/);
    expect(() => loadLakeSinkConfig({ LAKE_SINK_STALL_AFTER_MS: '60000' })).toThrow(
      /LAKE_SINK_STALL_AFTER_MS \(60000\) must be longer than LAKE_SINK_FLUSH_INTERVAL_MS \(60000\)/,
    );
    expect(loadLakeSinkConfig({ LAKE_SINK_STALL_EXIT_AFTER_MS: '0' }).stallExitAfterMs).toBe(0);
    expect(() => loadLakeSinkConfig({ LAKE_SINK_STALL_EXIT_AFTER_MS: '300000' })).toThrow(
      /LAKE_SINK_STALL_EXIT_AFTER_MS \(300000\) must be 0 or longer than LAKE_SINK_STALL_AFTER_MS \(300000\)/,
    );
    expect(loadLakeSinkConfig({}).entityFields.country).toBe('$.properties.countryOfIncorporation.value');
    expect(
      loadLakeSinkConfig({ LAKE_ENTITY_COUNTRY_PATH: '$.properties.country.value' }).entityFields,
    ).toMatchObject({
      country: '$.properties.country.value',
      entityType: '$.type',
    });
    expect(() => loadLakeSinkConfig({ LAKE_ENTITY_TYPE_PATH: "$.type') OR 1=1 --" })).toThrow(
      /LAKE_ENTITY_TYPE_PATH/,
    );
  });

  it('writes the topics the layout names (libs/lake-sql layout.ts), the one description lake-sql reads by', () => {
    expect(LAKE_TOPICS.map(withoutNamespace).sort()).toEqual(Object.values(LAYOUT_TOPICS).sort());
  });

  it('replays from a lake written by Kafka Connect as from its own files', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lake-replay-'));
    try {
      const store = new LocalStore(root);
      const [own] = chunkFiles([rec(5, '2026-11-23T05:10:00Z')]);
      await store.put(own.path, ndjson(own.lines));
      // Connect's dt/hour is when it wrote the file, here the hour after the record.
      await store.put(
        'topic=fenx.journey.details.v1/dt=2026-11-23/hour=06/fenx.journey.details.v1+4+900.jsonl',
        Buffer.from(
          [
            {
              key: 'k900',
              value: { n: 900 },
              offset: 900,
              timestamp: Date.parse('2026-11-23T05:59:00Z'),
              headers: [{ key: 'h', value: 'v' }],
            },
            {
              key: 'k901',
              value: { n: 901 },
              offset: 901,
              timestamp: '2026-11-23T06:01:00.000Z',
              headers: [],
            },
          ]
            .map((l) => JSON.stringify(l))
            .join('\n') + '\n',
        ),
      );
      const got = [];
      for await (const l of linesBetween(
        store,
        'fenx.journey.details.v1',
        new Date('2026-11-23T05:00:00Z'),
        new Date('2026-11-23T06:00:00Z'),
      ))
        got.push(l);
      expect(got).toEqual([
        expect.objectContaining({
          partition: 3,
          offset: '5',
          value: { schema: 'fenx.journey-detail.v1', n: 5 },
        }),
        {
          topic: 'fenx.journey.details.v1',
          partition: 4,
          offset: '900',
          timestamp: '2026-11-23T05:59:00.000Z',
          key: 'k900',
          headers: { h: 'v' },
          value: { n: 900 },
        },
      ]);
      expect(lineValue(got[1])?.toString()).toBe('{"n":900}');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
