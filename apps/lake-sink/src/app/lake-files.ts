import type { ConsumedRecord } from '@fenx/kafka';
import { type LakeLine, lakeFileName, parseLakePath, partitionDir } from '@fenx/lake-sql';

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
 * The files of a chunk (records of one partition, in offset order): one per hour the records fall in,
 * each named by its first record. Writing the same chunk again (after a crash before the commit)
 * writes the same names with the same or more records: files are replaced, never duplicated.
 */
export function chunkFiles(records: readonly ConsumedRecord[]): { path: string; lines: LakeLine[] }[] {
  const byDir = new Map<string, LakeLine[]>();
  for (const r of records) {
    const line = lakeLine(r);
    const dir = partitionDir(line.topic, line.timestamp);
    const lines = byDir.get(dir) ?? [];
    lines.push(line);
    byDir.set(dir, lines);
  }
  return [...byDir.values()].map((lines) => ({ path: fileName(lines[0]), lines }));
}

export function ndjson(lines: readonly LakeLine[]): Buffer {
  return Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}

/** dt/hour of a lake path (either writer's), or undefined for a path outside the layout. */
export function pathHour(path: string): { topic: string; hour: Date } | undefined {
  const at = parseLakePath(path);
  return at ? { topic: at.topic, hour: at.hour } : undefined;
}
