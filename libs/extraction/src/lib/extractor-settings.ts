import { EnvNumber } from '@fenx/config';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';

/** `continuous` (service), `once` (drain and exit) or the name of a one-off job of the app. */
export const EXTRACTOR_MODES = ['continuous', 'once', 'safety-net', 'reconciliation', 'backfill'] as const;
export type ExtractorMode = (typeof EXTRACTOR_MODES)[number];

/** The extractors' shared settings (EXTRACTOR_*, PUSHGATEWAY_URL), validated once at start-up. */
export class ExtractorEnv {
  @IsIn(EXTRACTOR_MODES)
  EXTRACTOR_MODE: ExtractorMode = 'continuous';

  /** Consumer group on topic 1; the app's name when unset. */
  @IsOptional()
  @IsString()
  EXTRACTOR_GROUP_ID?: string;

  /** Records per batch: one fetch round, one produce, one commit. */
  @IsInt()
  @Min(1)
  @Max(100000)
  @EnvNumber()
  EXTRACTOR_BATCH_SIZE = 1000;

  /** Aggregates fetched at once (the FenX client also caps calls in flight and per second). */
  @IsInt()
  @Min(1)
  @Max(1000)
  @EnvNumber()
  EXTRACTOR_FETCH_CONCURRENCY = 10;

  /** Divide-and-retry levels before an event is dead-lettered. */
  @IsInt()
  @Min(0)
  @Max(20)
  @EnvNumber()
  EXTRACTOR_MAX_RETRY_DEPTH = 10;

  @IsInt()
  @Min(1)
  @EnvNumber()
  EXTRACTOR_RETRY_BACKOFF_MS = 100;

  @IsInt()
  @Min(1)
  @EnvNumber()
  EXTRACTOR_RETRY_BACKOFF_MAX_MS = 10000;

  /** Notification ids remembered across batches to drop duplicate deliveries. */
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  @EnvNumber()
  EXTRACTOR_RECENT_IDS = 100000;

  /** A 404 for an event younger than this means "not retrievable yet" (re-queued), older means deleted. */
  @IsInt()
  @Min(0)
  @EnvNumber()
  EXTRACTOR_NOT_FOUND_GRACE_MS = 60000;

  /** First re-queue delay of a not-yet-retrievable event; doubles per attempt. */
  @IsInt()
  @Min(1)
  @EnvNumber()
  EXTRACTOR_REQUEUE_BASE_MS = 1000;

  /** Cap of the re-queue delay (and of a batch's wait for a re-queued event). */
  @IsInt()
  @Min(1)
  @Max(600000)
  @EnvNumber()
  EXTRACTOR_REQUEUE_MAX_MS = 10000;

  @IsInt()
  @Min(0)
  @Max(1000)
  @EnvNumber()
  EXTRACTOR_REQUEUE_MAX_ATTEMPTS = 50;

  @IsInt()
  @Min(1)
  @Max(64)
  @EnvNumber()
  EXTRACTOR_PARTITIONS_CONCURRENTLY = 1;

  @IsInt()
  @Min(1000)
  @EnvNumber()
  EXTRACTOR_SESSION_TIMEOUT_MS = 30000;

  /**
   * Bytes per partition of one Kafka fetch. A batch never holds more than one fetch of a partition,
   * so this (with EXTRACTOR_BATCH_SIZE) bounds how many events of one journey share a call.
   */
  @IsInt()
  @Min(1024)
  @EnvNumber()
  EXTRACTOR_FETCH_MAX_BYTES_PER_PARTITION = 4 * 1024 * 1024;

  /** Bytes of one Kafka fetch over all partitions (bounds memory with the batch size). */
  @IsInt()
  @Min(1024)
  @EnvNumber()
  EXTRACTOR_FETCH_MAX_BYTES = 16 * 1024 * 1024;

  /** HTTP port of `continuous` mode (/metrics, /health/live, /health/ready). */
  @IsInt()
  @Min(0)
  @Max(65535)
  @EnvNumber()
  EXTRACTOR_PORT = 3000;

  /** Events per second at most that jobs (safety net, reconciliation, backfill) write to topic 1. */
  @IsNumber()
  @Min(0.1)
  @EnvNumber()
  EXTRACTOR_SYNTHETIC_RATE = 500;

  /** Where `once` runs and jobs push their metrics before they exit (unset: no push, a warning). */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  PUSHGATEWAY_URL?: string;
}

export interface ExtractorSettings {
  mode: ExtractorMode;
  groupId: string;
  batchSize: number;
  fetchConcurrency: number;
  maxRetryDepth: number;
  retryBackoff: { initialMs: number; maxMs: number };
  recentIds: number;
  notFoundGraceMs: number;
  requeue: { baseMs: number; maxMs: number; maxAttempts: number };
  partitionsConcurrently: number;
  sessionTimeoutMs: number;
  fetchMaxBytesPerPartition: number;
  fetchMaxBytes: number;
  port: number;
  syntheticRatePerSecond: number;
  pushgatewayUrl?: string;
}

export function extractorSettingsFrom(env: ExtractorEnv, app: string): ExtractorSettings {
  return {
    mode: env.EXTRACTOR_MODE,
    groupId: env.EXTRACTOR_GROUP_ID ?? app,
    batchSize: env.EXTRACTOR_BATCH_SIZE,
    fetchConcurrency: env.EXTRACTOR_FETCH_CONCURRENCY,
    maxRetryDepth: env.EXTRACTOR_MAX_RETRY_DEPTH,
    retryBackoff: { initialMs: env.EXTRACTOR_RETRY_BACKOFF_MS, maxMs: env.EXTRACTOR_RETRY_BACKOFF_MAX_MS },
    recentIds: env.EXTRACTOR_RECENT_IDS,
    notFoundGraceMs: env.EXTRACTOR_NOT_FOUND_GRACE_MS,
    requeue: {
      baseMs: env.EXTRACTOR_REQUEUE_BASE_MS,
      maxMs: env.EXTRACTOR_REQUEUE_MAX_MS,
      maxAttempts: env.EXTRACTOR_REQUEUE_MAX_ATTEMPTS,
    },
    partitionsConcurrently: env.EXTRACTOR_PARTITIONS_CONCURRENTLY,
    sessionTimeoutMs: env.EXTRACTOR_SESSION_TIMEOUT_MS,
    fetchMaxBytesPerPartition: env.EXTRACTOR_FETCH_MAX_BYTES_PER_PARTITION,
    fetchMaxBytes: env.EXTRACTOR_FETCH_MAX_BYTES,
    port: env.EXTRACTOR_PORT,
    syntheticRatePerSecond: env.EXTRACTOR_SYNTHETIC_RATE,
    pushgatewayUrl: env.PUSHGATEWAY_URL,
  };
}
