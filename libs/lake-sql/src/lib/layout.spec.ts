import {
  CONNECT_LAYOUT,
  LAKE_SINK_LAYOUT,
  LAKE_TOPICS,
  lakeFileName,
  linesSql,
  parquetFileName,
  parquetGlob,
  parquetLinesSql,
  parquetRowsSql,
  parseLakePath,
  partitionDir,
  toLakeLine,
  topicGlob,
} from './layout';

const J = LAKE_TOPICS.journeyDetails;

describe('lake layout', () => {
  it('names a lake-sink file by topic, the hour of its first record, partition and offset', () => {
    expect(partitionDir(J, '2026-11-23T08:59:59.999Z')).toBe(`topic=${J}/dt=2026-11-23/hour=08`);
    expect(lakeFileName(J, 3, '120', '2026-11-23T08:05:00.000Z')).toBe(
      `topic=${J}/dt=2026-11-23/hour=08/${J}+3+120.ndjson`,
    );
    expect(lakeFileName(J, 0, '7', '2026-11-23T23:00:00.000Z', CONNECT_LAYOUT)).toBe(
      `topic=${J}/dt=2026-11-23/hour=23/${J}+0+7.jsonl`,
    );
  });

  it('parses both writers’ paths back to their coordinates, and nothing else', () => {
    const path = `s3://lake/raw/${lakeFileName(J, 3, '120', '2026-11-23T08:05:00.000Z')}`;
    expect(parseLakePath(path)).toEqual({
      topic: J,
      hour: new Date('2026-11-23T08:00:00Z'),
      partition: 3,
      offset: '120',
      writer: 'lake-sink',
    });
    expect(parseLakePath(`/l/${lakeFileName(J, 1, '9', '2026-11-23T01:00:00Z', CONNECT_LAYOUT)}`)?.writer).toBe(
      'connect',
    );
    expect(parseLakePath(`topic=${J}/dt=2026-11-23/hour=08/${J}+3+120.csv`)).toBeUndefined();
    expect(parseLakePath(`topic=${J}/dt=2026-11-23/${J}+3+120.ndjson`)).toBeUndefined();
    expect(parseLakePath('README.md')).toBeUndefined();
  });

  it('puts the Parquet copy of an hour under its own prefix, outside the JSON globs', () => {
    const file = parquetFileName(J, new Date('2026-11-23T08:00:00Z'));
    expect(file).toBe(`format=parquet/topic=${J}/dt=2026-11-23/hour=08/${J}.parquet`);
    expect(parquetGlob('/lake/', J)).toBe(`/lake/format=parquet/topic=${J}/**/*.parquet`);
    expect(topicGlob('s3://b/raw//', J, LAKE_SINK_LAYOUT)).toBe(`s3://b/raw/topic=${J}/**/*.ndjson`);
    expect(topicGlob('/lake', J, CONNECT_LAYOUT)).toBe(`/lake/topic=${J}/**/*.jsonl`);
    expect(topicGlob('/lake', J, LAKE_SINK_LAYOUT).startsWith('/lake/format=parquet')).toBe(false);
  });

  it('reads a Connect line as a lake-sink line, headers and timestamps converted', () => {
    const path = `/lake/${lakeFileName(J, 2, '41', '2026-11-23T08:00:00Z', CONNECT_LAYOUT)}`;
    const line = toLakeLine(path, {
      key: 'j-1',
      value: { schema: 'x' },
      offset: 41,
      timestamp: 1763884800000,
      headers: [
        { key: 'trace', value: 'abc' },
        { key: 'n', value: 3 },
      ],
    });
    expect(line).toEqual({
      topic: J,
      partition: 2,
      offset: '41',
      timestamp: new Date(1763884800000).toISOString(),
      key: 'j-1',
      headers: { trace: 'abc', n: '3' },
      value: { schema: 'x' },
    });
    const sparse = toLakeLine(path, { key: null, value: undefined, offset: '42', timestamp: null });
    expect(sparse).toMatchObject({ key: null, value: null, headers: {}, timestamp: new Date(0).toISOString() });
    expect(toLakeLine(path, { key: 5, value: 1, offset: 1, timestamp: '1763884800000' }).timestamp).toBe(
      new Date(1763884800000).toISOString(),
    );
    expect(toLakeLine(path, { key: 'k', value: 1, offset: 1, timestamp: '2026-11-23T08:00:01Z' }).timestamp).toBe(
      '2026-11-23T08:00:01.000Z',
    );
  });

  it('keeps a lake-sink line as it is', () => {
    const path = `/lake/${lakeFileName(J, 0, '1', '2026-11-23T08:00:00Z')}`;
    const line = { topic: J, partition: 0, offset: '1', timestamp: 't', key: 'k', headers: {}, value: 1 };
    expect(toLakeLine(path, line)).toBe(line);
  });

  it('quotes globs in the SQL it builds', () => {
    const glob = "/lake/o'brien/**/*.ndjson";
    expect(linesSql(glob, LAKE_SINK_LAYOUT)).toContain("'/lake/o''brien/**/*.ndjson'");
    expect(linesSql(glob, CONNECT_LAYOUT)).toContain("'/lake/o''brien/**/*.ndjson'");
    expect(linesSql(glob, CONNECT_LAYOUT)).toContain('.jsonl$');
    expect(parquetLinesSql(glob)).toContain("read_parquet('/lake/o''brien/**/*.ndjson'");
    expect(parquetRowsSql('SELECT 1')).toContain('FROM (SELECT 1)');
  });
});
