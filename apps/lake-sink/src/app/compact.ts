import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { withoutNamespace } from '@fenx/kafka-contracts';
import { parquetFileName, partitionDir, writeParquet } from '@fenx/lake-sql';
import type { LakeStore } from './lake-store';

const HOUR_MS = 3_600_000;

/** Compaction of an hour that may still get records: refused, and says when it can run. */
export class HourOpenError extends Error {
  constructor(topic: string, hour: Date, closesAt: Date) {
    super(
      `${withoutNamespace(topic)} hour ${hour.toISOString().slice(0, 13)}:00Z is still open: its records may ` +
        `still arrive until ${closesAt.toISOString()} (the hour's end plus the grace); compact it after that`,
    );
    this.name = 'HourOpenError';
  }
}

export interface CompactOptions {
  topic: string;
  /** Any time in the hour (UTC): it is rounded down to the hour. */
  hour: Date;
  /** How long after an hour's end records may still be written into it (default 15 minutes). */
  graceMs?: number;
  now?: Date;
}

export interface CompactResult {
  path: string;
  rows: number;
  sources: number;
  bytes: number;
}

/**
 * Turns a closed hour of a topic's lake files (NDJSON from lake-sink, JSON lines from Kafka Connect)
 * into one Parquet file sorted by key, `format=parquet/topic=<t>/dt=…/hour=…/<t>.parquet`, put in
 * place at once. The JSON files stay; the views read the Parquet instead of the files it was made from.
 * Idempotent: a rerun over the same files writes the same bytes (over more files, if late ones came).
 */
export async function compactHour(store: LakeStore, o: CompactOptions): Promise<CompactResult> {
  const hour = new Date(Math.floor(o.hour.getTime() / HOUR_MS) * HOUR_MS);
  const closesAt = new Date(hour.getTime() + HOUR_MS + (o.graceMs ?? 15 * 60_000));
  if ((o.now ?? new Date()).getTime() < closesAt.getTime()) throw new HourOpenError(o.topic, hour, closesAt);
  const dir = `${partitionDir(o.topic, hour.toISOString())}/`;
  const files = (await store.list(dir)).filter((p) => /\.(ndjson|jsonl)$/.test(p));
  if (files.length === 0)
    throw new Error(`${withoutNamespace(o.topic)} has no lake files in ${dir} of ${store.location}`);
  // DuckDB reads local files: the hour's files are copied into a scratch lake first (S3 or not).
  const scratch = await mkdtemp(join(tmpdir(), 'lake-compact-'));
  try {
    for (const f of files) {
      await mkdir(dirname(join(scratch, f)), { recursive: true });
      await writeFile(join(scratch, f), await store.get(f));
    }
    const out = join(scratch, 'out.parquet');
    const { rows, sources } = await writeParquet(scratch, o.topic, out);
    const content = await readFile(out);
    const path = parquetFileName(o.topic, hour);
    await store.put(path, content);
    return { path, rows, sources, bytes: content.length };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
