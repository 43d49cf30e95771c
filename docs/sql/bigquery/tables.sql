-- External tables over the lake (each writer, and the Parquet copies), hive-partitioned on dt/hour
-- Generated from libs/lake-sql (bigquery.ts, from layout.ts and fields.ts) with the defaults:
-- dataset fenx_lake, lake s3://fenx-lake/prod, connection aws-us-east-1.fenx_lake, entity fields
-- $.properties.countryOfIncorporation.value, $.type, $.properties.legalEntityName.value. Do not edit: change the generator (a test keeps them equal).

CREATE OR REPLACE EXTERNAL TABLE `fenx_lake.journey_detail_records_lake_sink` (
  topic STRING,
  `partition` INT64,
  `offset` STRING,
  `timestamp` STRING,
  key STRING,
  headers JSON,
  value JSON,
  valueBase64 STRING
)
WITH CONNECTION `aws-us-east-1.fenx_lake`
WITH PARTITION COLUMNS (dt DATE, hour INT64)
OPTIONS (
  format = 'NEWLINE_DELIMITED_JSON',
  uris = ['s3://fenx-lake/prod/topic=fenx.journey.details.v1/*.ndjson'],
  hive_partition_uri_prefix = 's3://fenx-lake/prod/topic=fenx.journey.details.v1',
  require_hive_partition_filter = false,
  ignore_unknown_values = true
);

CREATE OR REPLACE EXTERNAL TABLE `fenx_lake.journey_detail_records_connect` (
  key STRING,
  value JSON,
  `offset` INT64,
  `timestamp` JSON,
  headers JSON
)
WITH CONNECTION `aws-us-east-1.fenx_lake`
WITH PARTITION COLUMNS (dt DATE, hour INT64)
OPTIONS (
  format = 'NEWLINE_DELIMITED_JSON',
  uris = ['s3://fenx-lake/prod/topic=fenx.journey.details.v1/*.jsonl'],
  hive_partition_uri_prefix = 's3://fenx-lake/prod/topic=fenx.journey.details.v1',
  require_hive_partition_filter = false,
  ignore_unknown_values = true
);

CREATE OR REPLACE EXTERNAL TABLE `fenx_lake.journey_detail_records_parquet` (
  topic STRING,
  `partition` INT64,
  `offset` INT64,
  `timestamp` STRING,
  key STRING,
  headers STRING,
  value STRING,
  value_base64 STRING,
  source_file STRING
)
WITH CONNECTION `aws-us-east-1.fenx_lake`
WITH PARTITION COLUMNS (dt DATE, hour INT64)
OPTIONS (
  format = 'PARQUET',
  uris = ['s3://fenx-lake/prod/format=parquet/topic=fenx.journey.details.v1/*.parquet'],
  hive_partition_uri_prefix = 's3://fenx-lake/prod/format=parquet/topic=fenx.journey.details.v1',
  require_hive_partition_filter = false
);

CREATE OR REPLACE EXTERNAL TABLE `fenx_lake.entity_detail_records_lake_sink` (
  topic STRING,
  `partition` INT64,
  `offset` STRING,
  `timestamp` STRING,
  key STRING,
  headers JSON,
  value JSON,
  valueBase64 STRING
)
WITH CONNECTION `aws-us-east-1.fenx_lake`
WITH PARTITION COLUMNS (dt DATE, hour INT64)
OPTIONS (
  format = 'NEWLINE_DELIMITED_JSON',
  uris = ['s3://fenx-lake/prod/topic=fenx.entity.details.v1/*.ndjson'],
  hive_partition_uri_prefix = 's3://fenx-lake/prod/topic=fenx.entity.details.v1',
  require_hive_partition_filter = false,
  ignore_unknown_values = true
);

CREATE OR REPLACE EXTERNAL TABLE `fenx_lake.entity_detail_records_connect` (
  key STRING,
  value JSON,
  `offset` INT64,
  `timestamp` JSON,
  headers JSON
)
WITH CONNECTION `aws-us-east-1.fenx_lake`
WITH PARTITION COLUMNS (dt DATE, hour INT64)
OPTIONS (
  format = 'NEWLINE_DELIMITED_JSON',
  uris = ['s3://fenx-lake/prod/topic=fenx.entity.details.v1/*.jsonl'],
  hive_partition_uri_prefix = 's3://fenx-lake/prod/topic=fenx.entity.details.v1',
  require_hive_partition_filter = false,
  ignore_unknown_values = true
);

CREATE OR REPLACE EXTERNAL TABLE `fenx_lake.entity_detail_records_parquet` (
  topic STRING,
  `partition` INT64,
  `offset` INT64,
  `timestamp` STRING,
  key STRING,
  headers STRING,
  value STRING,
  value_base64 STRING,
  source_file STRING
)
WITH CONNECTION `aws-us-east-1.fenx_lake`
WITH PARTITION COLUMNS (dt DATE, hour INT64)
OPTIONS (
  format = 'PARQUET',
  uris = ['s3://fenx-lake/prod/format=parquet/topic=fenx.entity.details.v1/*.parquet'],
  hive_partition_uri_prefix = 's3://fenx-lake/prod/format=parquet/topic=fenx.entity.details.v1',
  require_hive_partition_filter = false
);

CREATE OR REPLACE EXTERNAL TABLE `fenx_lake.webhook_event_records_lake_sink` (
  topic STRING,
  `partition` INT64,
  `offset` STRING,
  `timestamp` STRING,
  key STRING,
  headers JSON,
  value JSON,
  valueBase64 STRING
)
WITH CONNECTION `aws-us-east-1.fenx_lake`
WITH PARTITION COLUMNS (dt DATE, hour INT64)
OPTIONS (
  format = 'NEWLINE_DELIMITED_JSON',
  uris = ['s3://fenx-lake/prod/topic=fenx.webhook.events.v1/*.ndjson'],
  hive_partition_uri_prefix = 's3://fenx-lake/prod/topic=fenx.webhook.events.v1',
  require_hive_partition_filter = false,
  ignore_unknown_values = true
);

CREATE OR REPLACE EXTERNAL TABLE `fenx_lake.webhook_event_records_connect` (
  key STRING,
  value JSON,
  `offset` INT64,
  `timestamp` JSON,
  headers JSON
)
WITH CONNECTION `aws-us-east-1.fenx_lake`
WITH PARTITION COLUMNS (dt DATE, hour INT64)
OPTIONS (
  format = 'NEWLINE_DELIMITED_JSON',
  uris = ['s3://fenx-lake/prod/topic=fenx.webhook.events.v1/*.jsonl'],
  hive_partition_uri_prefix = 's3://fenx-lake/prod/topic=fenx.webhook.events.v1',
  require_hive_partition_filter = false,
  ignore_unknown_values = true
);

CREATE OR REPLACE EXTERNAL TABLE `fenx_lake.webhook_event_records_parquet` (
  topic STRING,
  `partition` INT64,
  `offset` INT64,
  `timestamp` STRING,
  key STRING,
  headers STRING,
  value STRING,
  value_base64 STRING,
  source_file STRING
)
WITH CONNECTION `aws-us-east-1.fenx_lake`
WITH PARTITION COLUMNS (dt DATE, hour INT64)
OPTIONS (
  format = 'PARQUET',
  uris = ['s3://fenx-lake/prod/format=parquet/topic=fenx.webhook.events.v1/*.parquet'],
  hive_partition_uri_prefix = 's3://fenx-lake/prod/format=parquet/topic=fenx.webhook.events.v1',
  require_hive_partition_filter = false
);
