import { Env, EnvNumber, processEnv, validateEnvAll } from '@fenx/config';
import { KafkaEnv, KafkaSettings, kafkaSettingsFrom } from '@fenx/kafka';
import { TOPICS, TopicName } from '@fenx/kafka-contracts';
import { LoggingEnv } from '@fenx/logging';
import { DEFAULT_ENTITY_FIELDS, EntityFields } from '@fenx/lake-sql';
import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import type { S3ClientConfig } from '@aws-sdk/client-s3';

export const APP = { service: 'lake-sink', version: '0.0.0' };

/** What the lake keeps: the detail topics, the raw events and the dead letters (for replay). */
export const LAKE_TOPICS: TopicName[] = [
  TOPICS.journeyDetails.name,
  TOPICS.entityDetails.name,
  TOPICS.webhookEvents.name,
  TOPICS.journeyExtractorDeadLetter.name,
  TOPICS.entityExtractorDeadLetter.name,
];

const ENTITY_FIELD_PATH = /^\$(\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\])+$/;

export class LakeSinkEnv {
  /** HTTP port of /metrics and the health endpoints. */
  @IsInt()
  @Min(0)
  @Max(65535)
  @EnvNumber()
  PORT = 3000;

  /** A directory, or `s3://bucket/prefix`. */
  @IsString()
  @IsNotEmpty()
  LAKE_SINK_TARGET = './lake';

  /**
   * A partition's records are held (across fetches, uncommitted) and written as one file once they
   * number this many, or reach LAKE_SINK_FLUSH_BYTES, or the oldest was held LAKE_SINK_FLUSH_INTERVAL_MS.
   */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  @EnvNumber()
  LAKE_SINK_FLUSH_RECORDS = 20000;

  /**
   * ... or once their keys, values and headers add up to this many bytes (a file is a little larger:
   * each line adds the record's coordinates). Memory: at most this much per assigned partition.
   */
  @IsInt()
  @Min(1024)
  @Max(512 * 1024 * 1024)
  @EnvNumber()
  LAKE_SINK_FLUSH_BYTES = 8 * 1024 * 1024;

  /** ... or once the oldest held record has waited this long: a trickle makes one file per interval. */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  @EnvNumber()
  LAKE_SINK_FLUSH_INTERVAL_MS = 60000;

  /** Partitions of one topic written at the same time (many partitions with small fetches want more). */
  @IsInt()
  @Min(1)
  @Max(64)
  @EnvNumber()
  LAKE_SINK_PARTITIONS_CONCURRENTLY = 4;

  /**
   * A partition with records to write that commits no file for this long is stalled: the sink turns
   * not ready and says so in a log line. Longer than LAKE_SINK_FLUSH_INTERVAL_MS.
   */
  @IsInt()
  @Min(1000)
  @Max(86_400_000)
  @EnvNumber()
  LAKE_SINK_STALL_AFTER_MS = 300000;

  /**
   * A stall that lasts this long ends the process with exit code 1, after one log line naming the
   * partition, so that the orchestrator starts it afresh (0: never, not ready only). Longer than
   * LAKE_SINK_STALL_AFTER_MS.
   */
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  @EnvNumber()
  LAKE_SINK_STALL_EXIT_AFTER_MS = 900000;

  /** Consumer group of the sink (one group per topic: `<group>.<topic>`). */
  @IsString()
  @IsNotEmpty()
  LAKE_SINK_GROUP_ID = 'lake-sink';

  /**
   * Where the FenX policy keeps an entity's country, type and name: JSON paths in the entity record
   * (the `entities` view and the reports; docs/data-lake.md).
   */
  @Matches(ENTITY_FIELD_PATH, {
    message: 'LAKE_ENTITY_COUNTRY_PATH must be a JSON path like $.properties.<name>.value',
  })
  LAKE_ENTITY_COUNTRY_PATH = DEFAULT_ENTITY_FIELDS.country;

  @Matches(ENTITY_FIELD_PATH, { message: 'LAKE_ENTITY_TYPE_PATH must be a JSON path like $.type' })
  LAKE_ENTITY_TYPE_PATH = DEFAULT_ENTITY_FIELDS.entityType;

  @Matches(ENTITY_FIELD_PATH, {
    message: 'LAKE_ENTITY_NAME_PATH must be a JSON path like $.properties.<name>.value',
  })
  LAKE_ENTITY_NAME_PATH = DEFAULT_ENTITY_FIELDS.name;

  /** S3-compatible endpoint (MinIO, a test server); unset for AWS. */
  @IsOptional()
  @IsString()
  S3_ENDPOINT?: string;

  @IsOptional()
  @IsString()
  S3_REGION?: string;
}

export interface LakeSinkConfig {
  port: number;
  target: string;
  flushRecords: number;
  flushBytes: number;
  flushIntervalMs: number;
  partitionsConcurrently: number;
  /** Lag without a commit for this long: not ready (LAKE_SINK_STALL_AFTER_MS). */
  stallAfterMs: number;
  /** A stall this long: exit 1 (LAKE_SINK_STALL_EXIT_AFTER_MS; 0 never). */
  stallExitAfterMs: number;
  groupId: string;
  /** The policy's entity fields for the SQL views. */
  entityFields: EntityFields;
  s3: S3ClientConfig;
  kafka: KafkaSettings;
  logging: LoggingEnv;
}

export function loadLakeSinkConfig(env: Env = processEnv()): LakeSinkConfig {
  const [lake, kafka, logging] = validateEnvAll([LakeSinkEnv, KafkaEnv, LoggingEnv], env);
  if (lake.LAKE_SINK_STALL_AFTER_MS <= lake.LAKE_SINK_FLUSH_INTERVAL_MS)
    throw new RangeError(
      `LAKE_SINK_STALL_AFTER_MS (${lake.LAKE_SINK_STALL_AFTER_MS}) must be longer than LAKE_SINK_FLUSH_INTERVAL_MS (${lake.LAKE_SINK_FLUSH_INTERVAL_MS}): a partition waits up to the flush interval for its next file`,
    );
  if (
    lake.LAKE_SINK_STALL_EXIT_AFTER_MS !== 0 &&
    lake.LAKE_SINK_STALL_EXIT_AFTER_MS <= lake.LAKE_SINK_STALL_AFTER_MS
  )
    throw new RangeError(
      `LAKE_SINK_STALL_EXIT_AFTER_MS (${lake.LAKE_SINK_STALL_EXIT_AFTER_MS}) must be 0 or longer than LAKE_SINK_STALL_AFTER_MS (${lake.LAKE_SINK_STALL_AFTER_MS}): a stalled sink is not ready before it exits`,
    );
  return {
    port: lake.PORT,
    target: lake.LAKE_SINK_TARGET,
    flushRecords: lake.LAKE_SINK_FLUSH_RECORDS,
    flushBytes: lake.LAKE_SINK_FLUSH_BYTES,
    flushIntervalMs: lake.LAKE_SINK_FLUSH_INTERVAL_MS,
    partitionsConcurrently: lake.LAKE_SINK_PARTITIONS_CONCURRENTLY,
    stallAfterMs: lake.LAKE_SINK_STALL_AFTER_MS,
    stallExitAfterMs: lake.LAKE_SINK_STALL_EXIT_AFTER_MS,
    groupId: lake.LAKE_SINK_GROUP_ID,
    entityFields: {
      country: lake.LAKE_ENTITY_COUNTRY_PATH,
      entityType: lake.LAKE_ENTITY_TYPE_PATH,
      name: lake.LAKE_ENTITY_NAME_PATH,
    },
    s3: {
      ...(lake.S3_ENDPOINT ? { endpoint: lake.S3_ENDPOINT } : {}),
      region: lake.S3_REGION ?? env['AWS_REGION'] ?? 'us-east-1',
    },
    kafka: kafkaSettingsFrom(kafka),
    logging,
  };
}
