import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { LAKE_SOURCES, linesSql, parquetGlob, parquetLinesSql, topicGlob, WRITER_LAYOUTS } from './layout';
import { DEFAULT_ENTITY_FIELDS, EntityFields, entityFields } from './fields';
import { SqlError } from './sql-error';

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The views, in dependency order (each a `CREATE VIEW`), with the policy's entity fields. */
const views = (f: EntityFields): [name: string, sql: string][] => [
  [
    'journey_snapshots',
    `SELECT line->>'$.value.journeyId' AS journey_id,
            line->>'$.value.state' AS state,
            fenx_ts(line->>'$.value.fetchedAt') AS fetched_at,
            fenx_ts(line->>'$.value.eventTime') AS event_time,
            TRY_CAST(line->>'$.value.journey.version' AS INTEGER) AS version,
            line->'$.value.journey' AS journey,
            CAST(line->>'$.offset' AS BIGINT) AS kafka_offset
       FROM journey_detail_records`,
  ],
  [
    'journeys',
    `SELECT journey_id, state, version, fetched_at, event_time,
            journey->>'$.status' AS status,
            journey->>'$.type' AS journey_type,
            journey->>'$.name' AS name,
            journey->>'$.identifier' AS identifier,
            journey->>'$.entityId' AS entity_id,
            journey->>'$.journeyOwner.ownerId' AS owner,
            fenx_ts(journey->>'$.started') AS started,
            fenx_ts(journey->>'$.completed') AS completed,
            fenx_ts(journey->>'$.cancelled') AS cancelled,
            TRY_CAST(journey->>'$.stats.completed' AS INTEGER) AS tasks_done,
            TRY_CAST(journey->>'$.stats.total' AS INTEGER) AS tasks_total,
            journey
       FROM journey_snapshots
    QUALIFY row_number() OVER (PARTITION BY journey_id ORDER BY fetched_at DESC, version DESC NULLS LAST) = 1`,
  ],
  [
    'journey_task_snapshots',
    `WITH s AS (SELECT journey_id, fetched_at, unnest(json_extract(journey, '$.stages[*]')) AS stage
                  FROM journey_snapshots WHERE state = 'present'),
          p AS (SELECT journey_id, fetched_at, stage->>'$.name' AS stage_name,
                       unnest(json_extract(stage, '$.processes[*]')) AS proc FROM s),
          t AS (SELECT journey_id, fetched_at, stage_name, proc->>'$.name' AS process_name,
                       unnest(json_extract(proc, '$.tasks[*]')) AS task FROM p)
     SELECT journey_id, fetched_at, stage_name, process_name,
            task->>'$.id' AS task_id, task->>'$.name' AS task_name, task->>'$.status' AS status,
            task->>'$.assignedTo' AS assigned_to, task->>'$.completedBy' AS completed_by,
            fenx_ts(task->>'$.started') AS started, fenx_ts(task->>'$.completed') AS completed,
            fenx_ts(task->>'$.cancelled') AS cancelled, fenx_ts(task->>'$.reopened') AS reopened
       FROM t`,
  ],
  [
    'journey_tasks',
    `WITH changes AS (
       SELECT journey_id, stage_name, process_name, task_id, task_name, fetched_at,
              'started' AS change, started AS changed_at, assigned_to AS by_user
         FROM journey_task_snapshots WHERE started IS NOT NULL
       UNION ALL
       SELECT journey_id, stage_name, process_name, task_id, task_name, fetched_at,
              'completed', completed, completed_by FROM journey_task_snapshots WHERE completed IS NOT NULL
       UNION ALL
       SELECT journey_id, stage_name, process_name, task_id, task_name, fetched_at,
              'reopened', reopened, assigned_to FROM journey_task_snapshots WHERE reopened IS NOT NULL
       UNION ALL
       SELECT journey_id, stage_name, process_name, task_id, task_name, fetched_at,
              'cancelled', cancelled, assigned_to FROM journey_task_snapshots WHERE cancelled IS NOT NULL)
     SELECT journey_id, stage_name, process_name, task_id, task_name, change, changed_at,
            arg_max(by_user, fetched_at) AS by_user
       FROM changes
      GROUP BY journey_id, stage_name, process_name, task_id, task_name, change, changed_at`,
  ],
  [
    'entity_records',
    `SELECT line->>'$.key' AS record_key,
            line->>'$.value.kind' AS kind,
            line->>'$.value.entityId' AS entity_id,
            line->>'$.value.draftId' AS draft_id,
            line->>'$.value.associationId' AS association_id,
            line->>'$.value.state' AS state,
            TRY_CAST(line->>'$.value.version' AS INTEGER) AS version,
            fenx_ts(line->>'$.value.fetchedAt') AS fetched_at,
            line->'$.value.data' AS data,
            line->'$.value.conflict' AS conflict
       FROM entity_detail_records`,
  ],
  [
    'entities',
    `SELECT entity_id, state, version, fetched_at,
            data->>'${f.entityType}' AS entity_type,
            data->>'${f.name}' AS name,
            data->>'${f.country}' AS country,
            data->>'$.lifecycleStatus' AS lifecycle_status,
            data
       FROM entity_records WHERE kind = 'entity'
    QUALIFY row_number() OVER (PARTITION BY entity_id ORDER BY fetched_at DESC, version DESC NULLS LAST) = 1`,
  ],
  [
    'entity_drafts',
    `SELECT entity_id, draft_id, state, version, fetched_at,
            data->>'$.status' AS status,
            data->>'$.journeyId' AS journey_id,
            TRY_CAST(data->>'$.sourceEntityVersion' AS INTEGER) AS source_entity_version,
            data
       FROM entity_records WHERE kind = 'draft'
    QUALIFY row_number() OVER (PARTITION BY entity_id, draft_id ORDER BY fetched_at DESC, version DESC NULLS LAST) = 1`,
  ],
  [
    'entity_drafts_behind',
    `SELECT entity_id, draft_id, journey_id, draft_source_version, verified_version, fields, fetched_at
       FROM (SELECT entity_id, draft_id, state, fetched_at,
                    conflict->>'$.journeyId' AS journey_id,
                    TRY_CAST(conflict->>'$.draftSourceVersion' AS INTEGER) AS draft_source_version,
                    TRY_CAST(conflict->>'$.verifiedVersion' AS INTEGER) AS verified_version,
                    CAST(conflict->>'$.behind' AS BOOLEAN) AS behind,
                    conflict->'$.fields' AS fields
               FROM entity_records WHERE kind = 'conflict'
            QUALIFY row_number() OVER (PARTITION BY entity_id, draft_id ORDER BY fetched_at DESC) = 1)
      WHERE behind AND state = 'present'`,
  ],
];

/** The views' names, in dependency order. */
export const VIEW_NAMES: readonly string[] = views(DEFAULT_ENTITY_FIELDS).map(([name]) => name);

/** Ready-made reports for the data team (`lake-sink report <name>`). */
export const REPORTS: Record<string, { description: string; sql: string }> = {
  'onboarding-weekly': {
    description:
      'client onboarding journeys started and completed per week, by country, entity type and owner',
    sql: `SELECT CAST(date_trunc('week', j.started) AS DATE) AS week, e.country, e.entity_type, j.owner,
                 count(*)::INTEGER AS started, count(j.completed)::INTEGER AS completed
            FROM journeys j LEFT JOIN entities e USING (entity_id)
           WHERE j.state = 'present' AND j.journey_type = 'Client Onboarding' AND j.started IS NOT NULL
           GROUP BY ALL ORDER BY ALL`,
  },
  'stage-times': {
    description: 'median and p90 time per stage (hours), over stages completed in the latest snapshots',
    sql: `WITH s AS (SELECT j.journey_type, unnest(json_extract(j.journey, '$.stages[*]')) AS stage
                       FROM journeys j WHERE j.state = 'present'),
               d AS (SELECT journey_type, stage->>'$.name' AS stage,
                            epoch(fenx_ts(stage->>'$.completed')) - epoch(fenx_ts(stage->>'$.started')) AS seconds
                       FROM s)
          SELECT journey_type, stage, count(*)::INTEGER AS completed,
                 round(median(seconds) / 3600, 2) AS median_hours,
                 round(quantile_cont(seconds, 0.9) / 3600, 2) AS p90_hours
            FROM d WHERE seconds IS NOT NULL GROUP BY ALL ORDER BY ALL`,
  },
  'open-reassessments': {
    description: 'periodic reviews not done or cancelled, oldest first',
    sql: `SELECT j.journey_id, j.identifier, j.entity_id, e.name AS entity_name, e.country, j.owner, j.status,
                 j.started, j.tasks_done, j.tasks_total
            FROM journeys j LEFT JOIN entities e USING (entity_id)
           WHERE j.state = 'present' AND j.journey_type = 'Periodic Review'
             AND coalesce(j.status, '') NOT IN ('Done', 'Cancelled')
           ORDER BY j.started, j.journey_id`,
  },
  'drafts-behind': {
    description: 'drafts whose verified record moved past them, with the clashing fields',
    sql: `SELECT b.entity_id, e.name AS entity_name, b.draft_id, b.journey_id, b.draft_source_version,
                 b.verified_version, b.fields
            FROM entity_drafts_behind b LEFT JOIN entities e USING (entity_id)
           ORDER BY b.entity_id, b.draft_id`,
  },
};

export type Row = Record<string, unknown>;

/** SQL over a local lake directory with DuckDB: the views above, any query, the reports. */
export class LakeSql {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /** The views over a local lake; `fields`: where the policy keeps an entity's country, type and name. */
  static async open(root: string, options: { fields?: Partial<EntityFields> } = {}): Promise<LakeSql> {
    const fields = entityFields(options.fields);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const lake = new LakeSql(instance, connection);
    // FenX writes up to 7 fractional digits; DuckDB keeps microseconds.
    await lake.run(
      `CREATE MACRO fenx_ts(s) AS TRY_CAST(regexp_replace(s, '(\\.\\d{6})\\d+', '\\1') AS TIMESTAMPTZ)`,
    );
    await lake.run(`SET TimeZone = 'UTC'`);
    // Each writer's files that are there (lake-sink's, Kafka Connect's, or both: layout.ts), and the
    // Parquet copies of compacted hours in place of the files they were made from.
    const base = root.replace(/\/+$/, '');
    const count = async (glob: string) =>
      Number((await lake.query(`SELECT count(*)::INTEGER AS n FROM glob(${quote(glob)})`))[0]['n']);
    for (const [view, topic] of Object.entries(LAKE_SOURCES)) {
      const parts: string[] = [];
      const parquet = parquetGlob(base, topic);
      const compacted = (await count(parquet)) > 0;
      if (compacted) parts.push(parquetLinesSql(parquet));
      for (const layout of WRITER_LAYOUTS) {
        const glob = topicGlob(base, topic, layout);
        if ((await count(glob)) === 0) continue;
        parts.push(
          compacted
            ? `SELECT line FROM (${linesSql(glob, layout)})
                WHERE substr(filename, ${base.length + 2}) NOT IN
                      (SELECT DISTINCT source_file FROM read_parquet(${quote(parquet)}))`
            : `SELECT line FROM (${linesSql(glob, layout)})`,
        );
      }
      await lake.run(
        `CREATE VIEW ${view} AS ${
          parts.length > 0 ? parts.join('\n UNION ALL ') : 'SELECT CAST(NULL AS JSON) AS line WHERE false'
        }`,
      );
    }
    for (const [name, sql] of views(fields)) await lake.run(`CREATE VIEW ${name} AS ${sql}`);
    return lake;
  }

  private async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  /** Rows as JSON-friendly objects (timestamps as text, big integers as numbers or text). */
  async query(sql: string): Promise<Row[]> {
    try {
      const reader = await this.connection.runAndReadAll(sql);
      return reader.getRowObjectsJson() as Row[];
    } catch (error) {
      throw SqlError.from(error);
    }
  }

  report(name: string): Promise<Row[]> {
    const r = REPORTS[name];
    if (!r) throw new Error(`unknown report ${name} (reports: ${Object.keys(REPORTS).join(', ')})`);
    return this.query(r.sql);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
