import { EnvBoolean, EnvNumber } from '@fenx/config';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';

/** Settings of the entity extractor's own jobs (the shared ones are `ExtractorEnv`'s). */
export class EntityExtractorEnv {
  /** Reconciliation period in `continuous` mode, minutes; 0 = no schedule (run `reconcile` from a scheduler). */
  @IsInt()
  @Min(0)
  @Max(24 * 60)
  @EnvNumber()
  RECONCILE_INTERVAL_MINUTES = 60;

  /** Without a stored cursor, the first reconciliation window starts this long ago. */
  @IsInt()
  @Min(0)
  @EnvNumber()
  RECONCILE_INITIAL_LOOKBACK_MINUTES = 24 * 60;

  /** Longest window of one report call (a long outage is caught up in several). */
  @IsInt()
  @Min(1)
  @EnvNumber()
  RECONCILE_MAX_WINDOW_MINUTES = 24 * 60;

  /** Each window starts this long before the cursor: rows at a boundary are read twice, never missed. */
  @IsInt()
  @Min(0)
  @EnvNumber()
  RECONCILE_OVERLAP_SECONDS = 300;

  /** Windows end this long before now (rows FenX's report lists late). */
  @IsInt()
  @Min(0)
  @EnvNumber()
  RECONCILE_SETTLE_SECONDS = 60;

  /** A 404 for an event younger than this is "not retrievable yet" (re-queued); older means deleted. */
  @IsInt()
  @Min(0)
  @EnvNumber()
  ENTITY_NOT_FOUND_GRACE_MS = 0;

  /**
   * On a new verified version, look up the entity's open drafts (one journey search) and check each for
   * conflicts. Off: drafts are checked only on their own events (cheaper during bulk migrations).
   */
  @IsBoolean()
  @EnvBoolean()
  ENTITY_SCAN_OPEN_DRAFTS = true;
}
