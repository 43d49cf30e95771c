import { Env, EnvNumber, processEnv, validateEnvAll } from '@fenx/config';
import { KafkaEnv, KafkaSettings, kafkaSettingsFrom, TOPICS, TopicName } from '@fenx/kafka';
import { LoggingEnv } from '@fenx/logging';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';
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

  /** Most records in one file (a Kafka fetch is cut into files of at most this many per partition). */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  @EnvNumber()
  LAKE_SINK_FLUSH_RECORDS = 5000;

  /** Partitions of one topic written at the same time (many partitions with small fetches want more). */
  @IsInt()
  @Min(1)
  @Max(64)
  @EnvNumber()
  LAKE_SINK_PARTITIONS_CONCURRENTLY = 4;

  /** Consumer group of the sink (one group per topic: `<group>.<topic>`). */
  @IsString()
  @IsNotEmpty()
  LAKE_SINK_GROUP_ID = 'lake-sink';

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
  partitionsConcurrently: number;
  groupId: string;
  s3: S3ClientConfig;
  kafka: KafkaSettings;
  logging: LoggingEnv;
}

export function loadLakeSinkConfig(env: Env = processEnv()): LakeSinkConfig {
  const [lake, kafka, logging] = validateEnvAll([LakeSinkEnv, KafkaEnv, LoggingEnv], env);
  return {
    port: lake.PORT,
    target: lake.LAKE_SINK_TARGET,
    flushRecords: lake.LAKE_SINK_FLUSH_RECORDS,
    partitionsConcurrently: lake.LAKE_SINK_PARTITIONS_CONCURRENTLY,
    groupId: lake.LAKE_SINK_GROUP_ID,
    s3: {
      ...(lake.S3_ENDPOINT ? { endpoint: lake.S3_ENDPOINT } : {}),
      region: lake.S3_REGION ?? env['AWS_REGION'] ?? 'us-east-1',
    },
    kafka: kafkaSettingsFrom(kafka),
    logging,
  };
}
