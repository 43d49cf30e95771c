import { type ConsumedRecord, withoutNamespace } from '@fenx/kafka';

/** One line of a lake file: a Kafka record with its coordinates, the value as JSON when it is JSON. */
export interface LakeLine {
  topic: string;
  partition: number;
  offset: string;
  /** The record's own Kafka timestamp (ISO-8601, UTC): it decides the file's dt/hour. */
  timestamp: string;
  key: string | null;
  headers: Record<string, string>;
  value: unknown;
  /** The value as base64 when it is not JSON (kept byte for byte for replay). */
  valueBase64?: string;
}

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

/**
 * `topic=<t>/dt=YYYY-MM-DD/hour=HH` of a timestamp (UTC). The topic is named without KAFKA_NAMESPACE
 * (an environment's lake is a bucket or directory of its own), so the SQL views read every lake alike.
 */
export function partitionDir(topic: string, timestamp: string): string {
  return `topic=${withoutNamespace(topic)}/dt=${timestamp.slice(0, 10)}/hour=${timestamp.slice(11, 13)}`;
}

/** `<dir>/<topic>+<partition>+<startOffset>.ndjson`: the name depends only on the first record. */
export function fileName(first: LakeLine): string {
  return `${partitionDir(first.topic, first.timestamp)}/${withoutNamespace(first.topic)}+${first.partition}+${first.offset}.ndjson`;
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

/** dt/hour of a lake path, or undefined for a path outside the layout. */
export function pathHour(path: string): { topic: string; hour: Date } | undefined {
  const m = /topic=([^/]+)\/dt=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\//.exec(path);
  return m ? { topic: m[1], hour: new Date(`${m[2]}T${m[3]}:00:00Z`) } : undefined;
}
