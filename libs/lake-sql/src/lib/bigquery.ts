import { DEFAULT_ENTITY_FIELDS, EntityFields, entityFields } from './fields';
import { CONNECT_LAYOUT, LAKE_SINK_LAYOUT, LAKE_SOURCES, PARQUET_LAYOUT } from './layout';

/**
 * The lake in BigQuery, from the same layout (layout.ts) and the same entity fields (fields.ts) as the
 * DuckDB views: external tables over each writer's files (hive partitioning on dt/hour), one raw-line
 * view per source in lake-sink's line shape, and the views and reports of lake-sql.ts in BigQuery's
 * dialect. `docs/sql/bigquery/*.sql` is this output with the defaults (a test keeps them equal).
 *
 * Where the dialects differ (written once, here and in docs/data-lake.md):
 *   DuckDB `j->>'$.a'` / `j->'$.a'`          BigQuery `JSON_VALUE(j, '$.a')` / `JSON_QUERY(j, '$.a')`
 *   `fenx_ts(s)` (7 fraction digits → 6)     `SAFE_CAST(REGEXP_REPLACE(s, r'(\.\d{6})\d+', r'\1') AS TIMESTAMP)`
 *   `TRY_CAST(x AS INTEGER)`                 `SAFE_CAST(x AS INT64)`
 *   `unnest(json_extract(j, '$.a[*]'))`      `CROSS JOIN UNNEST(JSON_QUERY_ARRAY(j, '$.a'))`
 *   `QUALIFY` alone                          `WHERE TRUE QUALIFY` (BigQuery wants a WHERE with it)
 *   `arg_max(x, t)`                          `MAX_BY(x, t)`
 *   `median(x)`, `quantile_cont(x, 0.9)`     `APPROX_QUANTILES(x, 100)[OFFSET(50)]`, `[OFFSET(90)]`
 *   `epoch(t)`                               `UNIX_SECONDS(t)`
 *   `date_trunc('week', t)` (Monday)         `DATE_TRUNC(DATE(t), WEEK(MONDAY))`
 *   `GROUP BY ALL`, `ORDER BY ALL`           the columns named
 */
export interface BigQueryOptions {
  /** The dataset the tables and views go in. */
  dataset?: string;
  /** The lake's root URI: `s3://bucket/prefix` (BigQuery Omni on AWS) or `gs://bucket/prefix`. */
  lakeUri?: string;
  /** The BigQuery connection that reads the bucket (BigQuery Omni: `aws-<region>.<name>`); none for GCS. */
  connection?: string | null;
  fields?: Partial<EntityFields>;
}

export interface BigQueryStatement {
  /** The table or view it creates. */
  name: string;
  kind: 'table' | 'view' | 'report';
  sql: string;
}

const DEFAULTS = {
  dataset: 'fenx_lake',
  lakeUri: 's3://fenx-lake/prod',
  connection: 'aws-us-east-1.fenx_lake',
};

const ts = (s: string) => `SAFE_CAST(REGEXP_REPLACE(${s}, r'(\\.\\d{6})\\d+', r'\\1') AS TIMESTAMP)`;
const jv = (j: string, path: string) => `JSON_VALUE(${j}, '${path}')`;
const jq = (j: string, path: string) => `JSON_QUERY(${j}, '${path}')`;
const int = (s: string) => `SAFE_CAST(${s} AS INT64)`;

/** An external table over one writer's files of a topic, Hive-partitioned by `dt` and `hour`. */
function externalTable(
  dataset: string,
  name: string,
  columns: string,
  connection: string | null,
  files: { dir: string; extension: string; format: 'NEWLINE_DELIMITED_JSON' | 'PARQUET' },
): BigQueryStatement {
  const withConnection = connection ? `\nWITH CONNECTION \`${connection}\`` : '';
  const options = [
    `format = '${files.format}'`,
    `uris = ['${files.dir}/*.${files.extension}']`,
    `hive_partition_uri_prefix = '${files.dir}'`,
    'require_hive_partition_filter = false',
    ...(files.format === 'NEWLINE_DELIMITED_JSON' ? ['ignore_unknown_values = true'] : []),
  ];
  return {
    name,
    kind: 'table',
    sql: `CREATE OR REPLACE EXTERNAL TABLE \`${dataset}.${name}\` (
${columns}
)${withConnection}
WITH PARTITION COLUMNS (dt DATE, hour INT64)
OPTIONS (
  ${options.join(',\n  ')}
)`,
  };
}

const LAKE_SINK_COLUMNS = `  topic STRING,
  \`partition\` INT64,
  \`offset\` STRING,
  \`timestamp\` STRING,
  key STRING,
  headers JSON,
  value JSON,
  valueBase64 STRING`;

const CONNECT_COLUMNS = `  key STRING,
  value JSON,
  \`offset\` INT64,
  \`timestamp\` JSON,
  headers JSON`;

const PARQUET_COLUMNS = `  topic STRING,
  \`partition\` INT64,
  \`offset\` INT64,
  \`timestamp\` STRING,
  key STRING,
  headers STRING,
  value STRING,
  value_base64 STRING,
  source_file STRING`;

function tables(d: string, lake: string, connection: string | null): BigQueryStatement[] {
  return Object.entries(LAKE_SOURCES).flatMap(([source, topic]) => {
    const dir = `${lake}/topic=${topic}`;
    const json = 'NEWLINE_DELIMITED_JSON' as const;
    return [
      externalTable(d, `${source}_lake_sink`, LAKE_SINK_COLUMNS, connection, {
        dir,
        extension: LAKE_SINK_LAYOUT.extension,
        format: json,
      }),
      externalTable(d, `${source}_connect`, CONNECT_COLUMNS, connection, {
        dir,
        extension: CONNECT_LAYOUT.extension,
        format: json,
      }),
      externalTable(d, `${source}_parquet`, PARQUET_COLUMNS, connection, {
        dir: `${lake}/${PARQUET_LAYOUT.prefix}/topic=${topic}`,
        extension: PARQUET_LAYOUT.extension,
        format: 'PARQUET',
      }),
    ];
  });
}

/** The raw-line views: every writer's files as `line` JSON in lake-sink's shape, compacted hours once. */
function rawViews(d: string, lake: string): BigQueryStatement[] {
  return Object.keys(LAKE_SOURCES).map((source) => {
    const compacted = `SELECT CONCAT('${lake}/', source_file) FROM \`${d}.${source}_parquet\``;
    return {
      name: source,
      kind: 'view' as const,
      sql: `CREATE OR REPLACE VIEW \`${d}.${source}\` AS
WITH lines AS (
SELECT JSON_OBJECT('topic', topic, 'partition', \`partition\`, 'offset', \`offset\`, 'timestamp', \`timestamp\`,
                   'key', key, 'headers', headers, 'value', value) AS line, dt, hour
  FROM \`${d}.${source}_lake_sink\`
 WHERE _FILE_NAME NOT IN (${compacted})
UNION ALL
SELECT JSON_OBJECT('topic', REGEXP_EXTRACT(_FILE_NAME, r'topic=([^/]+)/'),
                   'partition', SAFE_CAST(REGEXP_EXTRACT(_FILE_NAME, r'\\+(\\d+)\\+\\d+\\.${CONNECT_LAYOUT.extension}$') AS INT64),
                   'offset', CAST(\`offset\` AS STRING), 'timestamp', JSON_VALUE(\`timestamp\`),
                   'key', key, 'headers', headers, 'value', value) AS line, dt, hour
  FROM \`${d}.${source}_connect\`
 WHERE _FILE_NAME NOT IN (${compacted})
UNION ALL
SELECT JSON_OBJECT('topic', topic, 'partition', \`partition\`, 'offset', CAST(\`offset\` AS STRING),
                   'timestamp', \`timestamp\`, 'key', key, 'headers', SAFE.PARSE_JSON(headers),
                   'value', SAFE.PARSE_JSON(value)) AS line, dt, hour
  FROM \`${d}.${source}_parquet\`)
SELECT line, dt, hour FROM lines`,
    };
  });
}

/** The views of lake-sql.ts (same names, same columns, in dependency order). */
function views(d: string, f: EntityFields): BigQueryStatement[] {
  const v = (name: string, body: string): BigQueryStatement => ({
    name,
    kind: 'view',
    sql: `CREATE OR REPLACE VIEW \`${d}.${name}\` AS\n${body}`,
  });
  return [
    v(
      'journey_snapshots',
      `SELECT ${jv('line', '$.value.journeyId')} AS journey_id,
       ${jv('line', '$.value.state')} AS state,
       ${ts(jv('line', '$.value.fetchedAt'))} AS fetched_at,
       ${ts(jv('line', '$.value.eventTime'))} AS event_time,
       ${int(jv('line', '$.value.journey.version'))} AS version,
       ${jq('line', '$.value.journey')} AS journey,
       ${int(jv('line', '$.offset'))} AS kafka_offset
  FROM \`${d}.journey_detail_records\``,
    ),
    v(
      'journeys',
      `SELECT journey_id, state, version, fetched_at, event_time,
       ${jv('journey', '$.status')} AS status,
       ${jv('journey', '$.type')} AS journey_type,
       ${jv('journey', '$.name')} AS name,
       ${jv('journey', '$.identifier')} AS identifier,
       ${jv('journey', '$.entityId')} AS entity_id,
       ${jv('journey', '$.journeyOwner.ownerId')} AS owner,
       ${ts(jv('journey', '$.started'))} AS started,
       ${ts(jv('journey', '$.completed'))} AS completed,
       ${ts(jv('journey', '$.cancelled'))} AS cancelled,
       ${int(jv('journey', '$.stats.completed'))} AS tasks_done,
       ${int(jv('journey', '$.stats.total'))} AS tasks_total,
       journey
  FROM \`${d}.journey_snapshots\`
 WHERE TRUE
QUALIFY ROW_NUMBER() OVER (PARTITION BY journey_id ORDER BY fetched_at DESC, version DESC) = 1`,
    ),
    v(
      'journey_task_snapshots',
      `WITH s AS (SELECT journey_id, fetched_at, stage
              FROM \`${d}.journey_snapshots\` CROSS JOIN UNNEST(JSON_QUERY_ARRAY(journey, '$.stages')) AS stage
             WHERE state = 'present'),
     p AS (SELECT journey_id, fetched_at, ${jv('stage', '$.name')} AS stage_name, proc
             FROM s CROSS JOIN UNNEST(JSON_QUERY_ARRAY(stage, '$.processes')) AS proc),
     t AS (SELECT journey_id, fetched_at, stage_name, ${jv('proc', '$.name')} AS process_name, task
             FROM p CROSS JOIN UNNEST(JSON_QUERY_ARRAY(proc, '$.tasks')) AS task)
SELECT journey_id, fetched_at, stage_name, process_name,
       ${jv('task', '$.id')} AS task_id, ${jv('task', '$.name')} AS task_name, ${jv('task', '$.status')} AS status,
       ${jv('task', '$.assignedTo')} AS assigned_to, ${jv('task', '$.completedBy')} AS completed_by,
       ${ts(jv('task', '$.started'))} AS started, ${ts(jv('task', '$.completed'))} AS completed,
       ${ts(jv('task', '$.cancelled'))} AS cancelled, ${ts(jv('task', '$.reopened'))} AS reopened
  FROM t`,
    ),
    v(
      'journey_tasks',
      `WITH changes AS (
  SELECT journey_id, stage_name, process_name, task_id, task_name, fetched_at,
         'started' AS change, started AS changed_at, assigned_to AS by_user
    FROM \`${d}.journey_task_snapshots\` WHERE started IS NOT NULL
  UNION ALL
  SELECT journey_id, stage_name, process_name, task_id, task_name, fetched_at,
         'completed', completed, completed_by FROM \`${d}.journey_task_snapshots\` WHERE completed IS NOT NULL
  UNION ALL
  SELECT journey_id, stage_name, process_name, task_id, task_name, fetched_at,
         'reopened', reopened, assigned_to FROM \`${d}.journey_task_snapshots\` WHERE reopened IS NOT NULL
  UNION ALL
  SELECT journey_id, stage_name, process_name, task_id, task_name, fetched_at,
         'cancelled', cancelled, assigned_to FROM \`${d}.journey_task_snapshots\` WHERE cancelled IS NOT NULL)
SELECT journey_id, stage_name, process_name, task_id, task_name, change, changed_at,
       MAX_BY(by_user, fetched_at) AS by_user
  FROM changes
 GROUP BY journey_id, stage_name, process_name, task_id, task_name, change, changed_at`,
    ),
    v(
      'entity_records',
      `SELECT ${jv('line', '$.key')} AS record_key,
       ${jv('line', '$.value.kind')} AS kind,
       ${jv('line', '$.value.entityId')} AS entity_id,
       ${jv('line', '$.value.draftId')} AS draft_id,
       ${jv('line', '$.value.associationId')} AS association_id,
       ${jv('line', '$.value.state')} AS state,
       ${int(jv('line', '$.value.version'))} AS version,
       ${ts(jv('line', '$.value.fetchedAt'))} AS fetched_at,
       ${jq('line', '$.value.data')} AS data,
       ${jq('line', '$.value.conflict')} AS conflict
  FROM \`${d}.entity_detail_records\``,
    ),
    v(
      'entities',
      `SELECT entity_id, state, version, fetched_at,
       ${jv('data', f.entityType)} AS entity_type,
       ${jv('data', f.name)} AS name,
       ${jv('data', f.country)} AS country,
       ${jv('data', '$.lifecycleStatus')} AS lifecycle_status,
       data
  FROM \`${d}.entity_records\`
 WHERE kind = 'entity'
QUALIFY ROW_NUMBER() OVER (PARTITION BY entity_id ORDER BY fetched_at DESC, version DESC) = 1`,
    ),
    v(
      'entity_drafts',
      `SELECT entity_id, draft_id, state, version, fetched_at,
       ${jv('data', '$.status')} AS status,
       ${jv('data', '$.journeyId')} AS journey_id,
       ${int(jv('data', '$.sourceEntityVersion'))} AS source_entity_version,
       data
  FROM \`${d}.entity_records\`
 WHERE kind = 'draft'
QUALIFY ROW_NUMBER() OVER (PARTITION BY entity_id, draft_id ORDER BY fetched_at DESC, version DESC) = 1`,
    ),
    v(
      'entity_drafts_behind',
      `SELECT entity_id, draft_id, journey_id, draft_source_version, verified_version, fields, fetched_at
  FROM (SELECT entity_id, draft_id, state, fetched_at,
               ${jv('conflict', '$.journeyId')} AS journey_id,
               ${int(jv('conflict', '$.draftSourceVersion'))} AS draft_source_version,
               ${int(jv('conflict', '$.verifiedVersion'))} AS verified_version,
               SAFE_CAST(${jv('conflict', '$.behind')} AS BOOL) AS behind,
               ${jq('conflict', '$.fields')} AS fields
          FROM \`${d}.entity_records\`
         WHERE kind = 'conflict'
       QUALIFY ROW_NUMBER() OVER (PARTITION BY entity_id, draft_id ORDER BY fetched_at DESC) = 1)
 WHERE behind AND state = 'present'`,
    ),
  ];
}

/** The reports of lake-sql.ts (same names, same columns). */
function reports(d: string): BigQueryStatement[] {
  const r = (name: string, sql: string): BigQueryStatement => ({ name, kind: 'report', sql });
  return [
    r(
      'onboarding-weekly',
      `SELECT DATE_TRUNC(DATE(j.started), WEEK(MONDAY)) AS week, e.country, e.entity_type, j.owner,
       COUNT(*) AS started, COUNT(j.completed) AS completed
  FROM \`${d}.journeys\` AS j LEFT JOIN \`${d}.entities\` AS e USING (entity_id)
 WHERE j.state = 'present' AND j.journey_type = 'Client Onboarding' AND j.started IS NOT NULL
 GROUP BY week, e.country, e.entity_type, j.owner
 ORDER BY week, e.country, e.entity_type, j.owner`,
    ),
    r(
      'stage-times',
      `WITH s AS (SELECT j.journey_type, stage
              FROM \`${d}.journeys\` AS j CROSS JOIN UNNEST(JSON_QUERY_ARRAY(j.journey, '$.stages')) AS stage
             WHERE j.state = 'present'),
     d AS (SELECT journey_type, ${jv('stage', '$.name')} AS stage,
                  UNIX_SECONDS(${ts(jv('stage', '$.completed'))}) - UNIX_SECONDS(${ts(jv('stage', '$.started'))}) AS seconds
             FROM s)
SELECT journey_type, stage, COUNT(*) AS completed,
       ROUND(CAST(APPROX_QUANTILES(seconds, 100)[OFFSET(50)] AS FLOAT64) / 3600, 2) AS median_hours,
       ROUND(CAST(APPROX_QUANTILES(seconds, 100)[OFFSET(90)] AS FLOAT64) / 3600, 2) AS p90_hours
  FROM d
 WHERE seconds IS NOT NULL
 GROUP BY journey_type, stage
 ORDER BY journey_type, stage`,
    ),
    r(
      'open-reassessments',
      `SELECT j.journey_id, j.identifier, j.entity_id, e.name AS entity_name, e.country, j.owner, j.status,
       j.started, j.tasks_done, j.tasks_total
  FROM \`${d}.journeys\` AS j LEFT JOIN \`${d}.entities\` AS e USING (entity_id)
 WHERE j.state = 'present' AND j.journey_type = 'Periodic Review'
   AND COALESCE(j.status, '') NOT IN ('Done', 'Cancelled')
 ORDER BY j.started, j.journey_id`,
    ),
    r(
      'drafts-behind',
      `SELECT b.entity_id, e.name AS entity_name, b.draft_id, b.journey_id, b.draft_source_version,
       b.verified_version, b.fields
  FROM \`${d}.entity_drafts_behind\` AS b LEFT JOIN \`${d}.entities\` AS e USING (entity_id)
 ORDER BY b.entity_id, b.draft_id`,
    ),
  ];
}

/** Every BigQuery statement of the lake, tables first, in the order they can be run. */
export function bigQueryStatements(o: BigQueryOptions = {}): BigQueryStatement[] {
  const d = o.dataset ?? DEFAULTS.dataset;
  const lake = (o.lakeUri ?? DEFAULTS.lakeUri).replace(/\/+$/, '');
  const connection = o.connection === undefined ? DEFAULTS.connection : o.connection;
  const f = entityFields(o.fields);
  return [...tables(d, lake, connection), ...rawViews(d, lake), ...views(d, f), ...reports(d)];
}

const HEADER = (what: string) =>
  `-- ${what}\n-- Generated from libs/lake-sql (bigquery.ts, from layout.ts and fields.ts) with the defaults:\n` +
  `-- dataset ${DEFAULTS.dataset}, lake ${DEFAULTS.lakeUri}, connection ${DEFAULTS.connection}, entity fields\n` +
  `-- ${Object.values(DEFAULT_ENTITY_FIELDS).join(', ')}. Do not edit: change the generator (a test keeps them equal).\n\n`;

/** The files of docs/sql/bigquery/ (name → content): the statements with the defaults. */
export function bigQueryFiles(o: BigQueryOptions = {}): Record<string, string> {
  const all = bigQueryStatements(o);
  const join = (kind: BigQueryStatement['kind']) =>
    all
      .filter((s) => s.kind === kind)
      .map((s) => (kind === 'report' ? `-- report: ${s.name}\n${s.sql};\n` : `${s.sql};\n`))
      .join('\n');
  return {
    'tables.sql':
      HEADER(
        'External tables over the lake (each writer, and the Parquet copies), hive-partitioned on dt/hour',
      ) + join('table'),
    'views.sql': HEADER('The raw-line views and the views of the data-lake guide') + join('view'),
    'reports.sql': HEADER('The ready-made reports') + join('report'),
  };
}
