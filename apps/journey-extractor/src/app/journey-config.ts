import { EnvNumber, validateEnvAll, Env, processEnv } from '@fenx/config';
import { ExtractorEnv, ExtractorSettings, extractorSettingsFrom } from '@fenx/extraction';
import { FenxClientEnv, FenxClientSettings, fenxClientSettingsFrom } from '@fenx/fenx-client';
import { KafkaEnv, KafkaSettings, kafkaSettingsFrom } from '@fenx/kafka';
import { LoggingEnv } from '@fenx/logging';
import { IsInt, Max, Min } from 'class-validator';

export const APP = { service: 'journey-extractor', version: '0.0.0' };

/** Settings of this app only (JOURNEY_*). */
export class JourneyExtractorEnv {
  /** Journeys whose last ETag is remembered (If-None-Match); least recently used are forgotten. */
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  @EnvNumber()
  JOURNEY_ETAG_CACHE_SIZE = 100000;

  /** Safety net period in `continuous` mode; 0 switches the schedule off. */
  @IsInt()
  @Min(0)
  @EnvNumber()
  JOURNEY_SAFETY_NET_INTERVAL_MS = 15 * 60_000;

  /** Without a cursor, the first safety-net window starts this long ago. */
  @IsInt()
  @Min(1000)
  @EnvNumber()
  JOURNEY_SAFETY_NET_LOOKBACK_MS = 60 * 60_000;

  /** Longest window of one report call. */
  @IsInt()
  @Min(1000)
  @EnvNumber()
  JOURNEY_SAFETY_NET_MAX_WINDOW_MS = 60 * 60_000;

  /** Windows end this long before now, so FenX's report has caught up. */
  @IsInt()
  @Min(0)
  @EnvNumber()
  JOURNEY_SAFETY_NET_SETTLE_MS = 60_000;

  /** Each window re-reads this much before the cursor, so no boundary row is missed. */
  @IsInt()
  @Min(0)
  @EnvNumber()
  JOURNEY_SAFETY_NET_OVERLAP_MS = 5 * 60_000;
}

export interface JourneyConfig {
  extractor: ExtractorSettings;
  fenx: FenxClientSettings;
  kafka: KafkaSettings;
  logging: LoggingEnv;
  journey: JourneyExtractorEnv;
}

/** Validates the whole environment once, naming every bad variable. */
export function loadJourneyConfig(env: Env = processEnv()): JourneyConfig {
  const [extractor, fenx, kafka, logging, journey] = validateEnvAll(
    [ExtractorEnv, FenxClientEnv, KafkaEnv, LoggingEnv, JourneyExtractorEnv],
    env,
  );
  return {
    extractor: extractorSettingsFrom(extractor, APP.service),
    fenx: fenxClientSettingsFrom(fenx),
    kafka: kafkaSettingsFrom(kafka),
    logging,
    journey,
  };
}
