import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConsumedRecord } from '@fenx/kafka';
import { LakeSql } from '@fenx/lake-sql';
import { compactHour, HourOpenError } from './compact';
import { chunkFiles, ndjson } from './lake-files';
import { LakeStore, LocalStore, S3Store } from './lake-store';
import { startS3Server } from '../test/s3-server';

const T = 'fenx.journey.details.v1';
const HOUR = new Date('2026-11-23T05:00:00Z');
const LATER = new Date('2026-11-23T07:00:00Z');

const snapshot = (journeyId: string, version: number) => ({
  schema: 'fenx.journey-detail.v1',
  journeyId,
  state: 'present',
  fetchedAt: `2026-11-23T05:${String(10 + version).padStart(2, '0')}:00Z`,
  eventTime: '2026-11-23T05:00:00Z',
  journey: {
    id: journeyId,
    version,
    status: version > 1 ? 'Done' : 'In Progress',
    type: 'Client Onboarding',
  },
});

const rec = (partition: number, offset: number, key: string, value: unknown, at: string): ConsumedRecord => ({
  topic: T,
  partition,
  offset: String(offset),
  key,
  value: Buffer.from(JSON.stringify(value)),
  headers: { 'fenx-schema': 'fenx.journey-detail.v1' },
  timestamp: String(Date.parse(at)),
});

async function putChunk(store: LakeStore, records: ConsumedRecord[]): Promise<void> {
  for (const f of chunkFiles(records)) await store.put(f.path, ndjson(f.lines));
}

/** An hour of a lake: two partitions, three journeys, a file of Kafka Connect's among lake-sink's. */
async function fillHour(store: LakeStore): Promise<void> {
  await putChunk(store, [
    rec(0, 0, 'j-b', snapshot('j-b', 1), '2026-11-23T05:01:00Z'),
    rec(0, 1, 'j-a', snapshot('j-a', 1), '2026-11-23T05:02:00Z'),
  ]);
  await putChunk(store, [rec(1, 0, 'j-c', snapshot('j-c', 1), '2026-11-23T05:03:00Z')]);
  await store.put(
    `topic=${T}/dt=2026-11-23/hour=05/${T}+0+2.jsonl`,
    Buffer.from(
      JSON.stringify({
        key: 'j-a',
        value: snapshot('j-a', 2),
        offset: 2,
        timestamp: Date.parse('2026-11-23T05:04:00Z'),
        headers: [],
      }) + '\n',
    ),
  );
}

async function journeys(root: string): Promise<unknown[]> {
  const lake = await LakeSql.open(root);
  try {
    return await lake.query(
      `SELECT journey_id, version, status, (SELECT count(*)::INTEGER FROM journey_detail_records) AS lines
         FROM journeys ORDER BY journey_id`,
    );
  } finally {
    lake.close();
  }
}

describe('lake-sink compact: a closed hour into Parquet', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'lake-compact-test-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('writes one file per topic-hour, sorted by key; a rerun gives the same bytes; the views read it in place of the files', async () => {
    const root = tempDir();
    const store = new LocalStore(root);
    await fillHour(store);
    const before = await journeys(root);

    const first = await compactHour(store, { topic: T, hour: new Date('2026-11-23T05:42:00Z'), now: LATER });
    expect(first).toMatchObject({
      path: `format=parquet/topic=${T}/dt=2026-11-23/hour=05/${T}.parquet`,
      rows: 4,
      sources: 3,
    });
    const bytes = await store.get(first.path);
    const again = await compactHour(store, { topic: T, hour: HOUR, now: LATER });
    expect(again).toEqual(first);
    expect((await store.get(first.path)).equals(bytes)).toBe(true);

    const lake = await LakeSql.open(root);
    try {
      const rows = await lake.query(
        `SELECT "key", "partition", "offset", source_file FROM read_parquet('${join(root, first.path)}')`,
      );
      expect(rows.map((r) => r['key'])).toEqual(['j-a', 'j-a', 'j-b', 'j-c']);
      expect(rows.map((r) => String(r['source_file']))).toContain(
        `topic=${T}/dt=2026-11-23/hour=05/${T}+0+2.jsonl`,
      );
    } finally {
      lake.close();
    }
    // The same views, and each record once: the Parquet replaces the files it was made from.
    expect(await journeys(root)).toEqual(before);

    // A file that came after the compaction is still read, next to the Parquet.
    await putChunk(store, [rec(1, 1, 'j-c', snapshot('j-c', 2), '2026-11-23T05:50:00Z')]);
    const late = (await journeys(root)) as { journey_id: string; version: number; lines: number }[];
    expect(late.find((j) => j.journey_id === 'j-c')).toMatchObject({ version: 2, lines: 5 });
  });

  it('refuses an hour that is still open, saying until when', async () => {
    const store = new LocalStore(tempDir());
    await fillHour(store);
    const now = new Date('2026-11-23T06:10:00Z');
    await expect(compactHour(store, { topic: T, hour: HOUR, now })).rejects.toThrow(HourOpenError);
    await expect(compactHour(store, { topic: T, hour: HOUR, now })).rejects.toThrow(
      /hour 2026-11-23T05:00Z is still open: its records may still arrive until 2026-11-23T06:15:00.000Z/,
    );
    expect(await store.list('format=parquet/')).toEqual([]);
    await expect(compactHour(store, { topic: T, hour: HOUR, now, graceMs: 0 })).resolves.toMatchObject({
      rows: 4,
    });
  });

  it('compacts an hour of an S3 lake (an S3-protocol server) into the same file', async () => {
    const local = new LocalStore(tempDir());
    await fillHour(local);
    const expected = await compactHour(local, { topic: T, hour: HOUR, now: LATER });

    const { server, endpoint } = await startS3Server(tempDir());
    try {
      const s3 = new S3Store('s3://lake/prod', {
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      });
      await fillHour(s3);
      const got = await compactHour(s3, { topic: T, hour: HOUR, now: LATER });
      expect(got).toEqual(expected);
      expect((await s3.get(got.path)).equals(await local.get(expected.path))).toBe(true);
    } finally {
      await server.close();
    }
  });
});
