import { EnvBoolean, EnvNumber } from '@fenx/config';
import { parseRateShares } from './tenant-budget';
import {
  IsBoolean,
  IsIn,
  IsInt,
  Matches,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
} from 'class-validator';

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

  /**
   * Backlog-wide coalescing: read topic 1 ahead of the API into a bounded pending set by aggregate
   * and fetch each aggregate once, whatever the order of the backlog. False: chunks of
   * EXTRACTOR_BATCH_SIZE consecutive records, each aggregate fetched once per chunk.
   */
  @IsBoolean()
  @EnvBoolean()
  EXTRACTOR_COALESCE = true;

  /** Aggregates held (pending or being fetched) before reading pauses. */
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  @EnvNumber()
  EXTRACTOR_PENDING_MAX_KEYS = 50000;

  /** Bytes of held topic-1 events before reading pauses. */
  @IsInt()
  @Min(1024)
  @EnvNumber()
  EXTRACTOR_PENDING_MAX_BYTES = 128 * 1024 * 1024;

  /**
   * Topic-1 events read ahead and not yet committed before reading pauses: at most these are read
   * (and their aggregates fetched) again after a crash.
   */
  @IsInt()
  @Min(1)
  @EnvNumber()
  EXTRACTOR_PENDING_MAX_EVENTS = 200000;

  /** Aggregates handed to one fetch round (one produce); EXTRACTOR_FETCH_CONCURRENCY when unset. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100000)
  @EnvNumber()
  EXTRACTOR_KEYS_PER_CHUNK?: number;

  /** Fetch rounds in flight at once. */
  @IsInt()
  @Min(1)
  @Max(64)
  @EnvNumber()
  EXTRACTOR_CHUNKS_IN_FLIGHT = 4;

  /**
   * Every extractor's share of the pipeline's FenX budget (FENX_RATE_LIMIT_PER_SECOND),
   * `journey-extractor=0.6,entity-extractor=0.4`, adding up to 1: give every extractor the same value.
   * Unset: this extractor takes the whole budget. Replicas split their extractor's share by partitions.
   */
  @IsOptional()
  @Matches(/^\s*[A-Za-z0-9._-]+=[0-9.]+(\s*,\s*[A-Za-z0-9._-]+=[0-9.]+)*\s*$/, {
    message:
      'EXTRACTOR_RATE_SHARES must be <app>=<share>,… (e.g. journey-extractor=0.6,entity-extractor=0.4)',
  })
  EXTRACTOR_RATE_SHARES?: string;

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

  /**
   * A topic-1 partition with events to process that commits nothing for this long is stalled: the
   * extractor turns not ready (/health/ready) and says so in a log line.
   */
  @IsInt()
  @Min(1000)
  @Max(86_400_000)
  @EnvNumber()
  EXTRACTOR_STALL_AFTER_MS = 300000;

  /**
   * A stall that lasts this long ends the process with exit code 1, after one log line naming the
   * partition, so that the orchestrator starts it afresh (0: never, not ready only). Longer than
   * EXTRACTOR_STALL_AFTER_MS.
   */
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  @EnvNumber()
  EXTRACTOR_STALL_EXIT_AFTER_MS = 900000;

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
  /** Unset: no coalescing across chunks. */
  coalescing?: {
    maxKeys: number;
    maxBytes: number;
    maxUncommitted: number;
    keysPerChunk: number;
    chunksInFlight: number;
  };
  /** This extractor's share of the pipeline's FenX budget (`EXTRACTOR_RATE_SHARES`; 1 when unset). */
  rateShare: number;
  maxRetryDepth: number;
  retryBackoff: { initialMs: number; maxMs: number };
  recentIds: number;
  notFoundGraceMs: number;
  requeue: { baseMs: number; maxMs: number; maxAttempts: number };
  partitionsConcurrently: number;
  sessionTimeoutMs: number;
  fetchMaxBytesPerPartition: number;
  fetchMaxBytes: number;
  /** Lag without a commit for this long: not ready (EXTRACTOR_STALL_AFTER_MS). */
  stallAfterMs: number;
  /** A stall this long: exit 1 (EXTRACTOR_STALL_EXIT_AFTER_MS; 0 never). */
  stallExitAfterMs: number;
  port: number;
  syntheticRatePerSecond: number;
  pushgatewayUrl?: string;
}

/** This app's share in `EXTRACTOR_RATE_SHARES` (1 when unset); a clear error when it is wrong. */
function rateShareOf(env: ExtractorEnv, app: string): number {
  if (env.EXTRACTOR_RATE_SHARES === undefined || env.EXTRACTOR_RATE_SHARES.trim() === '') return 1;
  const share = parseRateShares(env.EXTRACTOR_RATE_SHARES).get(app);
  if (share === undefined)
    throw new RangeError(`EXTRACTOR_RATE_SHARES names no share for ${app}: ${env.EXTRACTOR_RATE_SHARES}`);
  return share;
}

export function extractorSettingsFrom(env: ExtractorEnv, app: string): ExtractorSettings {
  if (
    env.EXTRACTOR_STALL_EXIT_AFTER_MS !== 0 &&
    env.EXTRACTOR_STALL_EXIT_AFTER_MS <= env.EXTRACTOR_STALL_AFTER_MS
  )
    throw new RangeError(
      `EXTRACTOR_STALL_EXIT_AFTER_MS (${env.EXTRACTOR_STALL_EXIT_AFTER_MS}) must be 0 or longer than EXTRACTOR_STALL_AFTER_MS (${env.EXTRACTOR_STALL_AFTER_MS}): a stalled extractor is not ready before it exits`,
    );
  return {
    rateShare: rateShareOf(env, app),
    mode: env.EXTRACTOR_MODE,
    groupId: env.EXTRACTOR_GROUP_ID ?? app,
    batchSize: env.EXTRACTOR_BATCH_SIZE,
    fetchConcurrency: env.EXTRACTOR_FETCH_CONCURRENCY,
    coalescing: env.EXTRACTOR_COALESCE
      ? {
          maxKeys: env.EXTRACTOR_PENDING_MAX_KEYS,
          maxBytes: env.EXTRACTOR_PENDING_MAX_BYTES,
          maxUncommitted: env.EXTRACTOR_PENDING_MAX_EVENTS,
          keysPerChunk: env.EXTRACTOR_KEYS_PER_CHUNK ?? env.EXTRACTOR_FETCH_CONCURRENCY,
          chunksInFlight: env.EXTRACTOR_CHUNKS_IN_FLIGHT,
        }
      : undefined,
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
    stallAfterMs: env.EXTRACTOR_STALL_AFTER_MS,
    stallExitAfterMs: env.EXTRACTOR_STALL_EXIT_AFTER_MS,
    port: env.EXTRACTOR_PORT,
    syntheticRatePerSecond: env.EXTRACTOR_SYNTHETIC_RATE,
    pushgatewayUrl: env.PUSHGATEWAY_URL,
  };
}
