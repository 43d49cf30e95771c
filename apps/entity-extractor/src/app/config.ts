import { Env, processEnv, validateEnvAll } from '@fenx/config';
import { ExtractorEnv, ExtractorMode, ExtractorSettings, extractorSettingsFrom } from '@fenx/extraction';
import { FenxClientEnv, FenxClientSettings, fenxClientSettingsFrom } from '@fenx/fenx-client';
import { KafkaEnv, KafkaSettings, kafkaSettingsFrom } from '@fenx/kafka';
import { LoggingEnv } from '@fenx/logging';
import { EntityExtractorEnv } from './entity-extractor.env';

export const APP_NAME = 'entity-extractor';

export interface ReconcileSettings {
  intervalMs: number;
  initialLookbackMs: number;
  maxWindowMs: number;
  overlapMs: number;
  settleMs: number;
}

export interface EntityExtractorConfig {
  version: string;
  extractor: ExtractorSettings;
  kafka: KafkaSettings;
  fenx: FenxClientSettings;
  logging: LoggingEnv;
  reconcile: ReconcileSettings;
  notFoundGraceMs: number;
  scanOpenDrafts: boolean;
}

/** Validates every variable at once (fails naming each bad one); `mode` overrides EXTRACTOR_MODE. */
export function loadConfig(env: Env = processEnv(), mode?: ExtractorMode): EntityExtractorConfig {
  const [extractor, kafka, fenx, logging, own] = validateEnvAll(
    [ExtractorEnv, KafkaEnv, FenxClientEnv, LoggingEnv, EntityExtractorEnv],
    env,
  );
  const settings = extractorSettingsFrom(extractor, APP_NAME);
  const min = 60_000;
  return {
    version: env['npm_package_version'] ?? '0.0.0',
    extractor: mode ? { ...settings, mode } : settings,
    kafka: kafkaSettingsFrom(kafka),
    fenx: fenxClientSettingsFrom(fenx),
    logging,
    reconcile: {
      intervalMs: own.RECONCILE_INTERVAL_MINUTES * min,
      initialLookbackMs: own.RECONCILE_INITIAL_LOOKBACK_MINUTES * min,
      maxWindowMs: own.RECONCILE_MAX_WINDOW_MINUTES * min,
      overlapMs: own.RECONCILE_OVERLAP_SECONDS * 1000,
      settleMs: own.RECONCILE_SETTLE_SECONDS * 1000,
    },
    notFoundGraceMs: own.ENTITY_NOT_FOUND_GRACE_MS,
    scanOpenDrafts: own.ENTITY_SCAN_OPEN_DRAFTS,
  };
}
