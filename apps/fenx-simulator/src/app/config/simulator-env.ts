import { EnvBoolean, EnvList, EnvNumber } from '@fenx/config';
import { SIGNING_SCHEMES, SigningScheme } from '@fenx/hmac';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';

/**
 * Every setting of the simulator. Defaults are for local development; the client credentials
 * and webhook secret defaults are LOCAL-DEV PLACEHOLDERS, not secrets: this process only imitates FenX.
 */
export class SimulatorEnv {
  @IsInt()
  @Min(0)
  @Max(65535)
  @EnvNumber()
  SIM_PORT = 4010;

  @IsString()
  @Length(1, 200)
  SIM_SEED = 'fenx-simulator';

  @IsString()
  @Length(1, 100)
  SIM_TENANT_ID = '45bf62ac-e4b1-4c16-ae32-d774cd18db6d';

  @IsString()
  @Length(1, 200)
  SIM_CLIENT_ID = 'fenx-sim-local-client';

  /** LOCAL-DEV PLACEHOLDER. */
  @IsString()
  @Length(1, 200)
  SIM_CLIENT_SECRET = 'local-dev-only-not-a-secret';

  @IsInt()
  @Min(1)
  @EnvNumber()
  SIM_TOKEN_TTL_SECONDS = 900;

  @IsIn(SIGNING_SCHEMES)
  SIM_SIGNING_SCHEME: SigningScheme = 'sha256-raw';

  @IsIn(['scaled', 'manual'])
  SIM_CLOCK: 'scaled' | 'manual' = 'scaled';

  /** Simulated milliseconds per real millisecond (60 = one minute per second). */
  @IsNumber()
  @Min(0.001)
  @Max(1_000_000)
  @EnvNumber()
  SIM_TIME_SCALE = 1;

  /** Where simulated time starts; default: the real time at start (scaled) or 2024-01-01 (manual). */
  @IsOptional()
  @IsISO8601({ strict: true })
  SIM_START_TIME?: string;

  @IsInt()
  @Min(1)
  @Max(100_000)
  @EnvNumber()
  SIM_ENTITIES = 20;

  /** Journeys kept active at once. */
  @IsInt()
  @Min(1)
  @Max(10_000)
  @EnvNumber()
  SIM_JOURNEYS = 10;

  /** Journeys created in all; bounds memory. */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  @EnvNumber()
  SIM_MAX_JOURNEYS = 50_000;

  /** Simulated milliseconds between two generator steps while running. */
  @IsInt()
  @Min(1)
  @EnvNumber()
  SIM_STEP_INTERVAL_MS = 2000;

  @IsBoolean()
  @EnvBoolean()
  SIM_AUTOSTART = true;

  @IsNumber()
  @Min(0)
  @Max(1)
  @EnvNumber()
  SIM_DUPLICATE_RATE = 0.02;

  /** Send `Payload: {}` as in FenX's example instead of the ids of the records concerned. */
  @IsBoolean()
  @EnvBoolean()
  SIM_EMPTY_PAYLOAD = false;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  SIM_WEBHOOK_URL?: string;

  /** LOCAL-DEV PLACEHOLDER; must match the receiver's configured secret. */
  @IsString()
  @Length(1, 128)
  SIM_WEBHOOK_SECRET = 'local-dev-webhook-secret';

  @IsString({ each: true })
  @EnvList()
  SIM_WEBHOOK_EVENT_TYPES: string[] = ['*'];

  @IsInt()
  @Min(1)
  @EnvNumber()
  SIM_DELIVERY_TIMEOUT_MS = 10_000;

  /** Requests in flight per webhook; 1 = strict FIFO as FenX. */
  @IsInt()
  @Min(1)
  @Max(256)
  @EnvNumber()
  SIM_DELIVERY_WINDOW = 1;

  /** Comma-separated simulated minutes; the webhook is disabled after the last retry fails. */
  @Matches(/^\s*\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*\s*$/)
  SIM_RETRY_DELAYS_MINUTES = '2,4,8,16';

  /** FenX resumes a re-enabled webhook when the next event arrives; false resumes at once. */
  @IsBoolean()
  @EnvBoolean()
  SIM_RESUME_ON_NEXT_EVENT = false;

  @IsInt()
  @Min(1)
  @EnvNumber()
  SIM_QUEUE_LIMIT = 1_000_000;

  @IsInt()
  @Min(1)
  @Max(1000)
  @EnvNumber()
  SIM_POLL_BATCH_SIZE = 100;

  @IsInt()
  @Min(1)
  @EnvNumber()
  SIM_POLL_LEASE_SECONDS = 300;

  @IsInt()
  @Min(1)
  @EnvNumber()
  SIM_FEED_LIMIT = 100_000;

  @IsInt()
  @Min(1)
  @EnvNumber()
  SIM_EVENT_LOG_LIMIT = 200_000;

  @IsInt()
  @Min(1)
  @EnvNumber()
  SIM_DELIVERY_LOG_LIMIT = 200_000;

  @IsIn(['none', 'production', 'sdlc'])
  SIM_RATE_LIMIT: 'none' | 'production' | 'sdlc' = 'none';

  /**
   * The RelativeUrl of association events, which FenX does not document: the Association Query GET
   * `associationquery/api/association/{id}` (`association`) or the entity `entitydataquery/api/entity/{id}` (`entity`).
   */
  @IsIn(['association', 'entity'])
  SIM_ASSOCIATION_URL: 'association' | 'entity' = 'association';

  /**
   * Rows a report answers at most (FenX: 10,000, no paging); a window holding more answers
   * `datasetSizeAccepted: false`. Lower it to exercise window splitting without 10,000 events.
   */
  @IsInt()
  @Min(1)
  @EnvNumber()
  SIM_REPORT_MAX_ROWS = 10_000;

  /** Burst generation pauses while this many events wait for an enabled webhook. */
  @IsInt()
  @Min(100)
  @EnvNumber()
  SIM_BURST_HIGH_WATER = 20_000;
}

export function retryDelaysMs(env: SimulatorEnv): number[] {
  return env.SIM_RETRY_DELAYS_MINUTES.split(',').map((m) => Number(m) * 60_000);
}
