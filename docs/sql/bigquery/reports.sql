-- The ready-made reports
-- Generated from libs/lake-sql (bigquery.ts, from layout.ts and fields.ts) with the defaults:
-- dataset fenx_lake, lake s3://fenx-lake/prod, connection aws-us-east-1.fenx_lake, entity fields
-- $.properties.countryOfIncorporation.value, $.type, $.properties.legalEntityName.value. Do not edit: change the generator (a test keeps them equal).

-- report: onboarding-weekly
SELECT DATE_TRUNC(DATE(j.started), WEEK(MONDAY)) AS week, e.country, e.entity_type, j.owner,
       COUNT(*) AS started, COUNT(j.completed) AS completed
  FROM `fenx_lake.journeys` AS j LEFT JOIN `fenx_lake.entities` AS e USING (entity_id)
 WHERE j.state = 'present' AND j.journey_type = 'Client Onboarding' AND j.started IS NOT NULL
 GROUP BY week, e.country, e.entity_type, j.owner
 ORDER BY week, e.country, e.entity_type, j.owner;

-- report: stage-times
WITH s AS (SELECT j.journey_type, stage
              FROM `fenx_lake.journeys` AS j CROSS JOIN UNNEST(JSON_QUERY_ARRAY(j.journey, '$.stages')) AS stage
             WHERE j.state = 'present'),
     d AS (SELECT journey_type, JSON_VALUE(stage, '$.name') AS stage,
                  UNIX_SECONDS(SAFE_CAST(REGEXP_REPLACE(JSON_VALUE(stage, '$.completed'), r'(\.\d{6})\d+', r'\1') AS TIMESTAMP)) - UNIX_SECONDS(SAFE_CAST(REGEXP_REPLACE(JSON_VALUE(stage, '$.started'), r'(\.\d{6})\d+', r'\1') AS TIMESTAMP)) AS seconds
             FROM s)
SELECT journey_type, stage, COUNT(*) AS completed,
       ROUND(CAST(APPROX_QUANTILES(seconds, 100)[OFFSET(50)] AS FLOAT64) / 3600, 2) AS median_hours,
       ROUND(CAST(APPROX_QUANTILES(seconds, 100)[OFFSET(90)] AS FLOAT64) / 3600, 2) AS p90_hours
  FROM d
 WHERE seconds IS NOT NULL
 GROUP BY journey_type, stage
 ORDER BY journey_type, stage;

-- report: open-reassessments
SELECT j.journey_id, j.identifier, j.entity_id, e.name AS entity_name, e.country, j.owner, j.status,
       j.started, j.tasks_done, j.tasks_total
  FROM `fenx_lake.journeys` AS j LEFT JOIN `fenx_lake.entities` AS e USING (entity_id)
 WHERE j.state = 'present' AND j.journey_type = 'Periodic Review'
   AND COALESCE(j.status, '') NOT IN ('Done', 'Cancelled')
 ORDER BY j.started, j.journey_id;

-- report: drafts-behind
SELECT b.entity_id, e.name AS entity_name, b.draft_id, b.journey_id, b.draft_source_version,
       b.verified_version, b.fields
  FROM `fenx_lake.entity_drafts_behind` AS b LEFT JOIN `fenx_lake.entities` AS e USING (entity_id)
 ORDER BY b.entity_id, b.draft_id;
