import {
  ENTITY_DETAIL_SCHEMA,
  JOURNEY_DETAIL_SCHEMA,
  TOPICS,
  WEBHOOK_EVENT_SCHEMA,
  withoutNamespace,
} from '@fenx/kafka-contracts';

/**
 * The lake's layout: the one description that lake-sink writes by and lake-sql (and the BigQuery
 * tables) read by. Topics are named without KAFKA_NAMESPACE, so every environment's lake reads alike.
 *
 *   <root>/topic=<topic>/dt=YYYY-MM-DD/hour=HH/<topic>+<partition>+<first offset>.<extension>
 *
 * Two writers share the directories: lake-sink (`.ndjson`, `LakeLine` lines, dt/hour of the record's
 * own Kafka timestamp) and Kafka Connect's S3 sink configured with `CONNECT_LAYOUT` (`.jsonl`, the
 * connector's `key, value, offset, timestamp, headers` lines). The views read either, or both at once.
 */
export const LAKE_TOPICS = {
  journeyDetails: withoutNamespace(TOPICS.journeyDetails.name),
  entityDetails: withoutNamespace(TOPICS.entityDetails.name),
  webhookEvents: withoutNamespace(TOPICS.webhookEvents.name),
  journeyExtractorDeadLetter: withoutNamespace(TOPICS.journeyExtractorDeadLetter.name),
  entityExtractorDeadLetter: withoutNamespace(TOPICS.entityExtractorDeadLetter.name),
} as const;

/** The raw-line tables of the views, and the topic each reads. */
export const LAKE_SOURCES = {
  journey_detail_records: LAKE_TOPICS.journeyDetails,
  entity_detail_records: LAKE_TOPICS.entityDetails,
  webhook_event_records: LAKE_TOPICS.webhookEvents,
} as const;

/**
 * The envelope schema each record of a topic carries (`schema`): a record of these topics whose value
 * is not JSON, or JSON of another schema, goes to the `_rejected/` area instead (lake-sink). The
 * dead-letter topics hold whatever failed, so every record of them is kept as it is.
 */
export const LAKE_SCHEMAS: Readonly<Record<string, string>> = {
  [LAKE_TOPICS.journeyDetails]: JOURNEY_DETAIL_SCHEMA,
  [LAKE_TOPICS.entityDetails]: ENTITY_DETAIL_SCHEMA,
  [LAKE_TOPICS.webhookEvents]: WEBHOOK_EVENT_SCHEMA,
};

/**
 * Where rejected records go: `_rejected/topic=<t>/dt=…/hour=…/<t>+<partition>+<first offset>.ndjson`,
 * lake-sink lines with the reason (`rejected`). Outside the views' and replay's globs.
 */
export const REJECTED_PREFIX = '_rejected';

export type LakeWriter = 'lake-sink' | 'connect';

/** One writer's files. */
export interface WriterLayout {
  writer: LakeWriter;
  extension: string;
}

export const LAKE_SINK_LAYOUT: WriterLayout = { writer: 'lake-sink', extension: 'ndjson' };

/**
 * Kafka Connect's files, as Aiven's S3 sink connector writes them with the settings below: JSON lines
 * of `key, value, offset, timestamp, headers` (the value JSON with the JsonConverter), named by topic,
 * partition and start offset under the same `topic=/dt=/hour=` directories. Its dt/hour is the time
 * the connector wrote the file (`file.name.timestamp.source` wallclock), not the record's.
 */
export const CONNECT_LAYOUT: WriterLayout & { connectorSettings: Record<string, string> } = {
  writer: 'connect',
  extension: 'jsonl',
  connectorSettings: {
    'format.output.type': 'jsonl',
    'format.output.fields': 'key,value,offset,timestamp,headers',
    'format.output.fields.value.encoding': 'none',
    'file.name.template':
      'topic={{topic}}/dt={{timestamp:unit=yyyy}}-{{timestamp:unit=MM}}-{{timestamp:unit=dd}}/hour={{timestamp:unit=HH}}/{{topic}}+{{partition}}+{{start_offset}}.jsonl',
    'file.name.timestamp.timezone': 'UTC',
    'file.compression.type': 'none',
  },
};

export const WRITER_LAYOUTS: readonly WriterLayout[] = [LAKE_SINK_LAYOUT, CONNECT_LAYOUT];

/**
 * The warehouse copy: one Parquet file per topic-hour (`lake-sink compact`), under its own prefix so
 * that the JSON globs never see it. Columns: topic, partition, offset, timestamp (ISO-8601 text, the
 * record's), key, headers (JSON), value (JSON), value_base64, source_file (the lake file each row came
 * from: the views skip those files and read the Parquet instead, and still read files that came later).
 */
export const PARQUET_LAYOUT = {
  prefix: 'format=parquet',
  extension: 'parquet',
} as const;

/** `format=parquet/topic=<t>/dt=YYYY-MM-DD/hour=HH/<t>.parquet` of an hour (UTC). */
export function parquetFileName(topic: string, hour: Date): string {
  const t = withoutNamespace(topic);
  return `${PARQUET_LAYOUT.prefix}/${partitionDir(t, hour.toISOString())}/${t}.${PARQUET_LAYOUT.extension}`;
}

/** The glob of a topic's Parquet files under a root. */
export function parquetGlob(root: string, topic: string): string {
  return `${root.replace(/\/+$/, '')}/${PARQUET_LAYOUT.prefix}/topic=${withoutNamespace(topic)}/**/*.${PARQUET_LAYOUT.extension}`;
}

/** DuckDB: the Parquet files as `line` JSON in lake-sink's shape (as `linesSql` gives the JSON files). */
export function parquetLinesSql(glob: string): string {
  const g = `'${glob.replace(/'/g, "''")}'`;
  return `SELECT json_object('topic', topic, 'partition', "partition", 'offset', CAST("offset" AS VARCHAR),
                             'timestamp', "timestamp", 'key', "key", 'headers', headers, 'value', "value") AS line
            FROM read_parquet(${g}, hive_partitioning = false)`;
}

/**
 * DuckDB: the rows a Parquet file of an hour holds, from that hour's lake files (`line` and
 * `source_file` columns), sorted by key: one statement shared by compaction and its tests.
 */
export function parquetRowsSql(linesWithSource: string): string {
  return `SELECT line->>'$.topic' AS topic,
                 CAST(line->>'$.partition' AS INTEGER) AS "partition",
                 CAST(line->>'$.offset' AS BIGINT) AS "offset",
                 line->>'$.timestamp' AS "timestamp",
                 line->>'$.key' AS "key",
                 line->'$.headers' AS headers,
                 line->'$.value' AS "value",
                 line->>'$.valueBase64' AS value_base64,
                 source_file
            FROM (${linesWithSource})
           ORDER BY "key" NULLS FIRST, "partition", "offset", source_file`;
}

/** `topic=<t>/dt=YYYY-MM-DD/hour=HH` of an ISO timestamp (UTC). */
export function partitionDir(topic: string, isoTimestamp: string): string {
  return `topic=${withoutNamespace(topic)}/dt=${isoTimestamp.slice(0, 10)}/hour=${isoTimestamp.slice(11, 13)}`;
}

/** `<dir>/<topic>+<partition>+<offset>.<extension>`: a file's name depends only on its first record. */
export function lakeFileName(
  topic: string,
  partition: number,
  offset: string,
  isoTimestamp: string,
  layout: WriterLayout = LAKE_SINK_LAYOUT,
): string {
  const t = withoutNamespace(topic);
  return `${partitionDir(t, isoTimestamp)}/${t}+${partition}+${offset}.${layout.extension}`;
}

/** Topic, dt/hour, partition and first offset of a lake path; undefined for a path outside the layout. */
export function parseLakePath(
  path: string,
): { topic: string; hour: Date; partition: number; offset: string; writer: LakeWriter } | undefined {
  const m = /topic=([^/]+)\/dt=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\/[^/]*\+(\d+)\+(\d+)\.(\w+)$/.exec(path);
  const layout = m && WRITER_LAYOUTS.find((l) => l.extension === m[6]);
  if (!m || !layout) return undefined;
  return {
    topic: m[1],
    hour: new Date(`${m[2]}T${m[3]}:00:00Z`),
    partition: Number(m[4]),
    offset: m[5],
    writer: layout.writer,
  };
}

/** The glob of one writer's files of a topic under a root (a directory or an `s3://` URL). */
export function topicGlob(root: string, topic: string, layout: WriterLayout): string {
  return `${root.replace(/\/+$/, '')}/topic=${withoutNamespace(topic)}/**/*.${layout.extension}`;
}

/** One line of a lake-sink file: a Kafka record with its coordinates, the value as JSON when it is JSON. */
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
  /** In `_rejected/` only: why the record is not in the lake proper (`not-json`, `unknown-schema`). */
  rejected?: string;
}

/** One line of a Connect file (`CONNECT_LAYOUT`): its coordinates other than the offset are in the path. */
export interface ConnectLine {
  key: string | null;
  value: unknown;
  offset: number | string;
  /** Epoch milliseconds or ISO-8601, as the connector writes it. */
  timestamp: number | string | null;
  headers?: { key: string; value: unknown }[] | null;
}

function isoOf(t: number | string | null | undefined): string {
  if (t === null || t === undefined) return new Date(0).toISOString();
  const ms = typeof t === 'number' || /^\d+$/.test(t) ? Number(t) : Date.parse(t);
  return new Date(ms).toISOString();
}

/** A line of either writer's file as a `LakeLine` (replay and checks read both alike). */
export function toLakeLine(path: string, parsed: unknown): LakeLine {
  const at = parseLakePath(path);
  if (at?.writer !== 'connect') return parsed as LakeLine;
  const c = parsed as ConnectLine;
  const headers: Record<string, string> = {};
  for (const h of c.headers ?? [])
    headers[h.key] = typeof h.value === 'string' ? h.value : JSON.stringify(h.value);
  return {
    topic: at.topic,
    partition: at.partition,
    offset: String(c.offset),
    timestamp: isoOf(c.timestamp),
    key: c.key === null || c.key === undefined ? null : String(c.key),
    headers,
    value: c.value ?? null,
  };
}

/**
 * DuckDB: the SQL that reads one writer's files of a topic as `line` JSON in lake-sink's shape
 * (`topic, partition, offset, timestamp, key, headers, value`), whichever wrote them, with the
 * `filename` each line is in.
 */
export function linesSql(glob: string, layout: WriterLayout): string {
  const g = `'${glob.replace(/'/g, "''")}'`;
  if (layout.writer === 'lake-sink')
    return `SELECT json AS line, filename FROM read_ndjson_objects(${g}, filename = true, hive_partitioning = false)`;
  return `SELECT json_object(
            'topic', regexp_extract(filename, 'topic=([^/]+)/', 1),
            'partition', CAST(regexp_extract(filename, '\\+(\\d+)\\+\\d+\\.${layout.extension}$', 1) AS INTEGER),
            'offset', json->>'$.offset',
            'timestamp', CASE WHEN json_type(json, '$.timestamp') IN ('BIGINT', 'UBIGINT', 'DOUBLE')
                              THEN strftime(make_timestamp(CAST(json->>'$.timestamp' AS BIGINT) * 1000), '%Y-%m-%dT%H:%M:%S.%gZ')
                              ELSE json->>'$.timestamp' END,
            'key', json->>'$.key',
            'headers', json->'$.headers',
            'value', json->'$.value') AS line, filename
       FROM read_ndjson_objects(${g}, filename = true, hive_partitioning = false)`;
}
