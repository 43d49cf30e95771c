import { type ConsumedRecord } from '@fenx/kafka';
import { withoutNamespace } from '@fenx/kafka-contracts';
import {
  LAKE_SCHEMAS,
  type LakeLine,
  lakeFileName,
  parseLakePath,
  partitionDir,
  REJECTED_PREFIX,
} from '@fenx/lake-sql';

export type { LakeLine } from '@fenx/lake-sql';
export { partitionDir } from '@fenx/lake-sql';

export function lakeLine(r: ConsumedRecord): LakeLine {
  const line: LakeLine = {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: new Date(Number(r.timestamp)).toISOString(),
    key: r.key,
    headers: r.headers,
    value: null,
  };
  if (r.value !== null) {
    try {
      line.value = JSON.parse(r.value.toString('utf8'));
    } catch {
      line.valueBase64 = r.value.toString('base64');
    }
  }
  return line;
}

/** The record's value as it was in Kafka. */
export function lineValue(line: LakeLine): Buffer | null {
  if (line.valueBase64 !== undefined) return Buffer.from(line.valueBase64, 'base64');
  return line.value === null ? null : Buffer.from(JSON.stringify(line.value));
}

/** `<dir>/<topic>+<partition>+<startOffset>.ndjson` (layout.ts): the name depends only on the first record. */
export function fileName(first: LakeLine): string {
  return lakeFileName(first.topic, first.partition, first.offset, first.timestamp);
}

/**
 * Why a record of a topic with an envelope schema (LAKE_SCHEMAS) is not kept in the lake proper: a
 * value that is not JSON, or JSON of another schema. A null value (a tombstone) is kept.
 */
export function rejection(line: LakeLine): string | undefined {
  const expected = LAKE_SCHEMAS[withoutNamespace(line.topic)];
  if (!expected) return undefined;
  if (line.valueBase64 !== undefined) return 'not-json';
  if (line.value === null) return undefined;
  const schema = (line.value as { schema?: unknown }).schema;
  return typeof line.value === 'object' && schema === expected ? undefined : 'unknown-schema';
}

/**
 * The files of a chunk (records of one partition, in offset order): one per hour the records fall in,
 * each named by its first record, and the same under `_rejected/` for the records rejected (with the
 * reason). Writing the same chunk again (after a crash before the commit) writes the same names with
 * the same or more records: files are replaced, never duplicated.
 */
export function chunkFiles(
  records: readonly ConsumedRecord[],
): { path: string; lines: LakeLine[]; rejected: boolean }[] {
  const byDir = new Map<string, { lines: LakeLine[]; rejected: boolean }>();
  for (const r of records) {
    const line = lakeLine(r);
    const reason = rejection(line);
    if (reason) line.rejected = reason;
    const dir = `${reason ? `${REJECTED_PREFIX}/` : ''}${partitionDir(line.topic, line.timestamp)}`;
    const group = byDir.get(dir) ?? { lines: [], rejected: !!reason };
    group.lines.push(line);
    byDir.set(dir, group);
  }
  return [...byDir.values()].map(({ lines, rejected }) => ({
    path: `${rejected ? `${REJECTED_PREFIX}/` : ''}${fileName(lines[0])}`,
    lines,
    rejected,
  }));
}

export function ndjson(lines: readonly LakeLine[]): Buffer {
  return Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}

/** dt/hour of a lake path (either writer's), or undefined for a path outside the layout. */
export function pathHour(path: string): { topic: string; hour: Date } | undefined {
  const at = parseLakePath(path);
  return at ? { topic: at.topic, hour: at.hour } : undefined;
}
