-- The raw-line views and the views of the data-lake guide
-- Generated from libs/lake-sql (bigquery.ts, from layout.ts and fields.ts) with the defaults:
-- dataset fenx_lake, lake s3://fenx-lake/prod, connection aws-us-east-1.fenx_lake, entity fields
-- $.properties.countryOfIncorporation.value, $.type, $.properties.legalEntityName.value. Do not edit: change the generator (a test keeps them equal).

CREATE OR REPLACE VIEW `fenx_lake.journey_detail_records` AS
WITH lines AS (
SELECT JSON_OBJECT('topic', topic, 'partition', `partition`, 'offset', `offset`, 'timestamp', `timestamp`,
                   'key', key, 'headers', headers, 'value', value) AS line, dt, hour
  FROM `fenx_lake.journey_detail_records_lake_sink`
 WHERE _FILE_NAME NOT IN (SELECT CONCAT('s3://fenx-lake/prod/', source_file) FROM `fenx_lake.journey_detail_records_parquet`)
UNION ALL
SELECT JSON_OBJECT('topic', REGEXP_EXTRACT(_FILE_NAME, r'topic=([^/]+)/'),
                   'partition', SAFE_CAST(REGEXP_EXTRACT(_FILE_NAME, r'\+(\d+)\+\d+\.jsonl$') AS INT64),
                   'offset', CAST(`offset` AS STRING), 'timestamp', JSON_VALUE(`timestamp`),
                   'key', key, 'headers', headers, 'value', value) AS line, dt, hour
  FROM `fenx_lake.journey_detail_records_connect`
 WHERE _FILE_NAME NOT IN (SELECT CONCAT('s3://fenx-lake/prod/', source_file) FROM `fenx_lake.journey_detail_records_parquet`)
UNION ALL
SELECT JSON_OBJECT('topic', topic, 'partition', `partition`, 'offset', CAST(`offset` AS STRING),
                   'timestamp', `timestamp`, 'key', key, 'headers', SAFE.PARSE_JSON(headers),
                   'value', SAFE.PARSE_JSON(value)) AS line, dt, hour
  FROM `fenx_lake.journey_detail_records_parquet`)
SELECT line, dt, hour FROM lines;

CREATE OR REPLACE VIEW `fenx_lake.entity_detail_records` AS
WITH lines AS (
SELECT JSON_OBJECT('topic', topic, 'partition', `partition`, 'offset', `offset`, 'timestamp', `timestamp`,
                   'key', key, 'headers', headers, 'value', value) AS line, dt, hour
  FROM `fenx_lake.entity_detail_records_lake_sink`
 WHERE _FILE_NAME NOT IN (SELECT CONCAT('s3://fenx-lake/prod/', source_file) FROM `fenx_lake.entity_detail_records_parquet`)
UNION ALL
SELECT JSON_OBJECT('topic', REGEXP_EXTRACT(_FILE_NAME, r'topic=([^/]+)/'),
                   'partition', SAFE_CAST(REGEXP_EXTRACT(_FILE_NAME, r'\+(\d+)\+\d+\.jsonl$') AS INT64),
                   'offset', CAST(`offset` AS STRING), 'timestamp', JSON_VALUE(`timestamp`),
                   'key', key, 'headers', headers, 'value', value) AS line, dt, hour
  FROM `fenx_lake.entity_detail_records_connect`
 WHERE _FILE_NAME NOT IN (SELECT CONCAT('s3://fenx-lake/prod/', source_file) FROM `fenx_lake.entity_detail_records_parquet`)
UNION ALL
SELECT JSON_OBJECT('topic', topic, 'partition', `partition`, 'offset', CAST(`offset` AS STRING),
                   'timestamp', `timestamp`, 'key', key, 'headers', SAFE.PARSE_JSON(headers),
                   'value', SAFE.PARSE_JSON(value)) AS line, dt, hour
  FROM `fenx_lake.entity_detail_records_parquet`)
SELECT line, dt, hour FROM lines;

CREATE OR REPLACE VIEW `fenx_lake.webhook_event_records` AS
WITH lines AS (
SELECT JSON_OBJECT('topic', topic, 'partition', `partition`, 'offset', `offset`, 'timestamp', `timestamp`,
                   'key', key, 'headers', headers, 'value', value) AS line, dt, hour
  FROM `fenx_lake.webhook_event_records_lake_sink`
 WHERE _FILE_NAME NOT IN (SELECT CONCAT('s3://fenx-lake/prod/', source_file) FROM `fenx_lake.webhook_event_records_parquet`)
UNION ALL
SELECT JSON_OBJECT('topic', REGEXP_EXTRACT(_FILE_NAME, r'topic=([^/]+)/'),
                   'partition', SAFE_CAST(REGEXP_EXTRACT(_FILE_NAME, r'\+(\d+)\+\d+\.jsonl$') AS INT64),
                   'offset', CAST(`offset` AS STRING), 'timestamp', JSON_VALUE(`timestamp`),
                   'key', key, 'headers', headers, 'value', value) AS line, dt, hour
  FROM `fenx_lake.webhook_event_records_connect`
 WHERE _FILE_NAME NOT IN (SELECT CONCAT('s3://fenx-lake/prod/', source_file) FROM `fenx_lake.webhook_event_records_parquet`)
UNION ALL
SELECT JSON_OBJECT('topic', topic, 'partition', `partition`, 'offset', CAST(`offset` AS STRING),
                   'timestamp', `timestamp`, 'key', key, 'headers', SAFE.PARSE_JSON(headers),
                   'value', SAFE.PARSE_JSON(value)) AS line, dt, hour
  FROM `fenx_lake.webhook_event_records_parquet`)
SELECT line, dt, hour FROM lines;

CREATE OR REPLACE VIEW `fenx_lake.journey_snapshots` AS
SELECT JSON_VALUE(line, '$.value.journeyId') AS journey_id,
       JSON_VALUE(line, '$.value.state') AS state,
       SAFE_CAST(REGEXP_REPLACE(JSON_VALUE(line, '$.value.fetchedAt'), r'(\.\d{6})\d+', r'\1') AS TIMESTAMP) AS fetched_at,
       SAFE_CAST(REGEXP_REPLACE(JSON_VALUE(line, '$.value.eventTime'), r'(\.\d{6})\d+', r'\1') AS TIMESTAMP) AS event_time,
       SAFE_CAST(JSON_VALUE(line, '$.value.journey.version') AS INT64) AS version,
       JSON_QUERY(line, '$.value.journey') AS journey,
       SAFE_CAST(JSON_VALUE(line, '$.offset') AS INT64) AS kafka_offset
  FROM `fenx_lake.journey_detail_records`;

CREATE OR REPLACE VIEW `fenx_lake.journeys` AS
SELECT journey_id, state, version, fetched_at, event_time,
       JSON_VALUE(journey, '$.status') AS status,
       JSON_VALUE(journey, '$.type') AS journey_type,
       JSON_VALUE(journey, '$.name') AS name,
       JSON_VALUE(journey, '$.identifier') AS identifier,
       JSON_VALUE(journey, '$.entityId') AS entity_id,
       JSON_VALUE(journey, '$.journeyOwner.ownerId') AS owner,
       SAFE_CAST(REGEXP_REPLACE(JSON_VALUE(journey, '$.started'), r'(\.\d{6})\d+', r'\1') AS TIMESTAMP) AS started,
       SAFE_CAST(REGEXP_REPLACE(JSON_VALUE(journey, '$.completed'), r'(\.\d{6})\d+', r'\1') AS TIMESTAMP) AS completed,
       SAFE_CAST(REGEXP_REPLACE(JSON_VALUE(journey, '$.cancelled'), r'(\.\d{6})\d+', r'\1') AS TIMESTAMP) AS cancelled,
       SAFE_CAST(JSON_VALUE(journey, '$.stats.completed') AS INT64) AS tasks_done,
       SAFE_CAST(JSON_VALUE(journey, '$.stats.total') AS INT64) AS tasks_total,
       journey
  FROM `fenx_lake.journey_snapshots`
 WHERE TRUE
QUALIFY ROW_NUMBER() OVER (PARTITION BY journey_id ORDER BY fetched_at DESC, version DESC) = 1;

CREATE OR REPLACE VIEW `fenx_lake.journey_task_snapshots` AS
WITH s AS (SELECT journey_id, fetched_at, stage
              FROM `fenx_lake.journey_snapshots` CROSS JOIN UNNEST(JSON_QUERY_ARRAY(journey, '$.stages')) AS stage
             WHERE state = 'present'),
     p AS (SELECT journey_id, fetched_at, JSON_VALUE(stage, '$.name') AS stage_name, proc
             FROM s CROSS JOIN UNNEST(JSON_QUERY_ARRAY(stage, '$.processes')) AS proc),
     t AS (SELECT journey_id, fetched_at, stage_name, JSON_VALUE(proc, '$.name') AS process_name, task
             FROM p CROSS JOIN UNNEST(JSON_QUERY_ARRAY(proc, '$.tasks')) AS task)
SELECT journey_id, fetched_at, stage_name, process_name,
       JSON_VALUE(task, '$.id') AS task_id, JSON_VALUE(task, '$.name') AS task_name, JSON_VALUE(task, '$.status') AS status,
       JSON_VALUE(task, '$.assignedTo') AS assigned_to, JSON_VALUE(task, '$.completedBy') AS completed_by,
       SAFE_CAST(REGEXP_REPLACE(JSON_VALUE(task, '$.started'), r'(\.\d{6})\d+', r'\1') AS TIMESTAMP) AS started, SAFE_CAST(REGEXP_REPLACE(JSON_VALUE(task, '$.completed'), r'(\.\d{6})\d+', r'\1') AS TIMESTAMP) AS completed,
       SAFE_CAST(REGEXP_REPLACE(JSON_VALUE(task, '$.cancelled'), r'(\.\d{6})\d+', r'\1') AS TIMESTAMP) AS cancelled, SAFE_CAST(REGEXP_REPLACE(JSON_VALUE(task, '$.reopened'), r'(\.\d{6})\d+', r'\1') AS TIMESTAMP) AS reopened
  FROM t;

CREATE OR REPLACE VIEW `fenx_lake.journey_tasks` AS
WITH changes AS (
  SELECT journey_id, stage_name, process_name, task_id, task_name, fetched_at,
         'started' AS change, started AS changed_at, assigned_to AS by_user
    FROM `fenx_lake.journey_task_snapshots` WHERE started IS NOT NULL
  UNION ALL
  SELECT journey_id, stage_name, process_name, task_id, task_name, fetched_at,
         'completed', completed, completed_by FROM `fenx_lake.journey_task_snapshots` WHERE completed IS NOT NULL
  UNION ALL
  SELECT journey_id, stage_name, process_name, task_id, task_name, fetched_at,
         'reopened', reopened, assigned_to FROM `fenx_lake.journey_task_snapshots` WHERE reopened IS NOT NULL
  UNION ALL
  SELECT journey_id, stage_name, process_name, task_id, task_name, fetched_at,
         'cancelled', cancelled, assigned_to FROM `fenx_lake.journey_task_snapshots` WHERE cancelled IS NOT NULL)
SELECT journey_id, stage_name, process_name, task_id, task_name, change, changed_at,
       MAX_BY(by_user, fetched_at) AS by_user
  FROM changes
 GROUP BY journey_id, stage_name, process_name, task_id, task_name, change, changed_at;

CREATE OR REPLACE VIEW `fenx_lake.entity_records` AS
SELECT JSON_VALUE(line, '$.key') AS record_key,
       JSON_VALUE(line, '$.value.kind') AS kind,
       JSON_VALUE(line, '$.value.entityId') AS entity_id,
       JSON_VALUE(line, '$.value.draftId') AS draft_id,
       JSON_VALUE(line, '$.value.associationId') AS association_id,
       JSON_VALUE(line, '$.value.state') AS state,
       SAFE_CAST(JSON_VALUE(line, '$.value.version') AS INT64) AS version,
       SAFE_CAST(REGEXP_REPLACE(JSON_VALUE(line, '$.value.fetchedAt'), r'(\.\d{6})\d+', r'\1') AS TIMESTAMP) AS fetched_at,
       JSON_QUERY(line, '$.value.data') AS data,
       JSON_QUERY(line, '$.value.conflict') AS conflict
  FROM `fenx_lake.entity_detail_records`;

CREATE OR REPLACE VIEW `fenx_lake.entities` AS
SELECT entity_id, state, version, fetched_at,
       JSON_VALUE(data, '$.type') AS entity_type,
       JSON_VALUE(data, '$.properties.legalEntityName.value') AS name,
       JSON_VALUE(data, '$.properties.countryOfIncorporation.value') AS country,
       JSON_VALUE(data, '$.lifecycleStatus') AS lifecycle_status,
       data
  FROM `fenx_lake.entity_records`
 WHERE kind = 'entity'
QUALIFY ROW_NUMBER() OVER (PARTITION BY entity_id ORDER BY fetched_at DESC, version DESC) = 1;

CREATE OR REPLACE VIEW `fenx_lake.entity_drafts` AS
SELECT entity_id, draft_id, state, version, fetched_at,
       JSON_VALUE(data, '$.status') AS status,
       JSON_VALUE(data, '$.journeyId') AS journey_id,
       SAFE_CAST(JSON_VALUE(data, '$.sourceEntityVersion') AS INT64) AS source_entity_version,
       data
  FROM `fenx_lake.entity_records`
 WHERE kind = 'draft'
QUALIFY ROW_NUMBER() OVER (PARTITION BY entity_id, draft_id ORDER BY fetched_at DESC, version DESC) = 1;

CREATE OR REPLACE VIEW `fenx_lake.entity_drafts_behind` AS
SELECT entity_id, draft_id, journey_id, draft_source_version, verified_version, fields, fetched_at
  FROM (SELECT entity_id, draft_id, state, fetched_at,
               JSON_VALUE(conflict, '$.journeyId') AS journey_id,
               SAFE_CAST(JSON_VALUE(conflict, '$.draftSourceVersion') AS INT64) AS draft_source_version,
               SAFE_CAST(JSON_VALUE(conflict, '$.verifiedVersion') AS INT64) AS verified_version,
               SAFE_CAST(JSON_VALUE(conflict, '$.behind') AS BOOL) AS behind,
               JSON_QUERY(conflict, '$.fields') AS fields
          FROM `fenx_lake.entity_records`
         WHERE kind = 'conflict'
       QUALIFY ROW_NUMBER() OVER (PARTITION BY entity_id, draft_id ORDER BY fetched_at DESC) = 1)
 WHERE behind AND state = 'present';
