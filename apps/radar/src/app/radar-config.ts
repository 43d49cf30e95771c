import { isIP } from 'node:net';
import { ConfigValidationError, EnvList, EnvNumber, Env, processEnv, validateEnvAll } from '@fenx/config';
import {
  DEFAULT_SIGNING_SCHEME,
  isSigningScheme,
  SIGNING_SCHEMES,
  SigningScheme,
  VerificationKey,
} from '@fenx/hmac';
import { KafkaEnv, KafkaSettings, kafkaSettingsFrom } from '@fenx/kafka';
import { LoggingEnv } from '@fenx/logging';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  registerDecorator,
  ValidationOptions,
} from 'class-validator';

export const APP = { service: 'radar', version: '0.0.0' };
export const HTTP_PLATFORMS = ['fastify', 'express'] as const;
export type HttpPlatform = (typeof HTTP_PLATFORMS)[number];

/** A `[scheme:]secret` entry: the scheme prefix counts only when it names a known scheme. */
function secretEntry(entry: string, defaultScheme: SigningScheme): { scheme: SigningScheme; secret: string } {
  const colon = entry.indexOf(':');
  const prefix = colon > 0 ? entry.slice(0, colon) : '';
  return isSigningScheme(prefix)
    ? { scheme: prefix, secret: entry.slice(colon + 1) }
    : { scheme: defaultScheme, secret: entry };
}

/** Why a `RADAR_WEBHOOK_SECRETS` value is refused (never quoting it), or undefined when it is good. */
export function webhookSecretsProblem(value: string): string | undefined {
  try {
    const keys = parseWebhookSecrets(value, DEFAULT_SIGNING_SCHEME);
    if (keys.length === 0) return 'RADAR_WEBHOOK_SECRETS holds no secret';
    const bad = keys.findIndex((k) => k.secret.length < 1 || k.secret.length > 128);
    if (bad >= 0) return `RADAR_WEBHOOK_SECRETS: secret ${bad + 1} is not 1 to 128 characters long`;
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Parses `RADAR_WEBHOOK_SECRETS`: one `[scheme:]secret`, or a JSON list of them (or of
 * `{"scheme", "secret"}` objects) while a secret is rotated, the first one current. Without a scheme
 * an entry uses `defaultScheme`. FenX allows commas in a secret, so a value with a comma outside a JSON
 * list is refused: it could be one secret or two.
 */
export function parseWebhookSecrets(value: string, defaultScheme: SigningScheme): VerificationKey[] {
  const text = value.trim();
  let entries: { scheme: SigningScheme; secret: string }[];
  if (text.startsWith('[')) {
    let list: unknown;
    try {
      list = JSON.parse(text);
    } catch {
      throw new Error('RADAR_WEBHOOK_SECRETS starts with [ but is not a JSON list');
    }
    if (!Array.isArray(list)) throw new Error('RADAR_WEBHOOK_SECRETS starts with [ but is not a JSON list');
    entries = list.map((item, i) => {
      if (typeof item === 'string') return secretEntry(item, defaultScheme);
      const o = item as { scheme?: unknown; secret?: unknown } | null;
      if (o && typeof o === 'object' && typeof o.secret === 'string') {
        if (o.scheme === undefined) return { scheme: defaultScheme, secret: o.secret };
        if (typeof o.scheme === 'string' && isSigningScheme(o.scheme))
          return { scheme: o.scheme, secret: o.secret };
        throw new Error(
          `RADAR_WEBHOOK_SECRETS: entry ${i + 1} has an unknown scheme (schemes: ${SIGNING_SCHEMES.join(', ')})`,
        );
      }
      throw new Error(
        `RADAR_WEBHOOK_SECRETS: entry ${i + 1} is neither "[scheme:]secret" nor {"scheme", "secret"}`,
      );
    });
  } else if (text.includes(',')) {
    throw new Error(
      'RADAR_WEBHOOK_SECRETS holds a comma, which could be one secret or two: give several secrets, or one with a comma, as a JSON list (["new", "sha256-raw:old"])',
    );
  } else {
    entries = text === '' ? [] : [secretEntry(text, defaultScheme)];
  }
  return entries.map((e, i) => ({ id: `key-${i + 1}`, ...e }));
}

function IsWebhookSecrets(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isWebhookSecrets',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: (args) =>
          typeof args.value === 'string'
            ? (webhookSecretsProblem(args.value) ?? 'RADAR_WEBHOOK_SECRETS is not valid')
            : 'RADAR_WEBHOOK_SECRETS must be a string',
        ...options,
      },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && webhookSecretsProblem(value) === undefined,
      },
    });
}

/** An IPv4 or IPv6 address, or a CIDR range of them (`10.0.0.0/8`, `fd00::/8`). */
export function isAddressOrCidr(value: string): boolean {
  const [address, bits, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n >= 0 && n <= (family === 4 ? 32 : 128);
}

function IsAddressesOrCidrs(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isAddressesOrCidrs',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `${String(propertyName)} must be comma-separated IP addresses or CIDR ranges, e.g. 10.0.0.0/8`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value) && value.every((v) => typeof v === 'string' && isAddressOrCidr(v)),
      },
    });
}

/** radar's own settings. */
export class RadarEnv {
  /** HTTP port of the webhook route (and of /metrics and the health endpoints without RADAR_INTERNAL_PORT). */
  @IsInt()
  @Min(0)
  @Max(65535)
  @EnvNumber()
  PORT = 3000;

  /**
   * Port of /metrics and /health/*, which PORT then no longer serves (PORT serves the webhook route
   * only). Unset: everything on PORT.
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  @EnvNumber()
  RADAR_INTERNAL_PORT?: number;

  /**
   * The proxies whose X-Forwarded-For radar believes (the gateway's addresses or CIDRs,
   * comma-separated). Empty: none, the peer's address is the client's.
   */
  @IsAddressesOrCidrs()
  @EnvList()
  RADAR_TRUST_PROXY: string[] = [];

  /** Longest time to receive a whole request, headers and body (a client dribbling a body is cut off). */
  @IsInt()
  @Min(1000)
  @Max(600_000)
  @EnvNumber()
  RADAR_REQUEST_TIMEOUT_MS = 30_000;

  /** Longest time to receive a request's headers (at most RADAR_REQUEST_TIMEOUT_MS). */
  @IsInt()
  @Min(1000)
  @Max(600_000)
  @EnvNumber()
  RADAR_HEADERS_TIMEOUT_MS = 10_000;

  /** An idle keep-alive connection is closed after this (above the gateway's own idle timeout). */
  @IsInt()
  @Min(1000)
  @Max(600_000)
  @EnvNumber()
  RADAR_KEEP_ALIVE_TIMEOUT_MS = 65_000;

  /** A connection on which nothing moves for this long is closed. */
  @IsInt()
  @Min(1000)
  @Max(600_000)
  @EnvNumber()
  RADAR_CONNECTION_TIMEOUT_MS = 60_000;

  /** The route FenX's webhook URL points at. */
  @Matches(/^\/[\w\-./]*$/, {
    message: 'RADAR_WEBHOOK_PATH must be an absolute URL path, e.g. /webhooks/fenx',
  })
  RADAR_WEBHOOK_PATH = '/webhooks/fenx';

  /** The webhook secret, `[scheme:]secret`, or a JSON list of them while a secret is rotated. */
  @IsString()
  @IsNotEmpty()
  @IsWebhookSecrets()
  RADAR_WEBHOOK_SECRETS!: string;

  /** The key derivation of entries without a scheme (see `radar calibrate`). */
  @IsIn(SIGNING_SCHEMES)
  RADAR_SIGNING_SCHEME: SigningScheme = DEFAULT_SIGNING_SCHEME;

  /** Bodies over this size are answered 413 before anything is read into memory beyond it. */
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024)
  @EnvNumber()
  RADAR_MAX_BODY_BYTES = 1024 * 1024;

  /**
   * Most refused deliveries (well-formed signature, no key matches) kept per minute in
   * fenx.webhook.unverified.v1 for `radar calibrate --from-kafka`; 0 keeps none.
   */
  @IsInt()
  @Min(0)
  @Max(10_000)
  @EnvNumber()
  RADAR_QUARANTINE_PER_MINUTE = 60;

  /** Refused deliveries larger than this are not kept in the quarantine. */
  @IsInt()
  @Min(0)
  @Max(64 * 1024 * 1024)
  @EnvNumber()
  RADAR_QUARANTINE_MAX_BYTES = 64 * 1024;

  /** Longest wait for Kafka's acknowledgement before answering 503 (below FenX's own timeout). */
  @IsInt()
  @Min(100)
  @Max(60000)
  @EnvNumber()
  RADAR_KAFKA_ACK_TIMEOUT_MS = 5000;

  /** How long a record waits for others to share its produce call. */
  @IsInt()
  @Min(0)
  @Max(1000)
  @EnvNumber()
  RADAR_LINGER_MS = 2;

  /** Most records in one produce call. */
  @IsInt()
  @Min(1)
  @Max(10000)
  @EnvNumber()
  RADAR_BATCH_MAX = 500;

  /** The tenant FenX signs for; events of another tenant are written and flagged. */
  @IsOptional()
  @IsString()
  FENX_TENANT_ID?: string;

  /** HTTP platform under NestJS (see the README for the measurement behind the default). */
  @IsIn(HTTP_PLATFORMS)
  RADAR_HTTP_PLATFORM: HttpPlatform = 'fastify';
}

export interface RadarHttpLimits {
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  connectionTimeoutMs: number;
}

export interface RadarConfig {
  port: number;
  /** Port of /metrics and /health/*; undefined: they are on `port`. */
  internalPort?: number;
  trustProxy: string[];
  http: RadarHttpLimits;
  webhookPath: string;
  keys: VerificationKey[];
  maxBodyBytes: number;
  /** The quarantine of refused deliveries (see RADAR_QUARANTINE_*). */
  quarantine: { perMinute: number; maxBytes: number };
  ackTimeoutMs: number;
  lingerMs: number;
  batchMax: number;
  tenantId?: string;
  platform: HttpPlatform;
  kafka: KafkaSettings;
  logging: LoggingEnv;
}

/** Validates the whole environment once, naming every bad variable. */
export function loadRadarConfig(env: Env = processEnv()): RadarConfig {
  const [radar, kafka, logging] = validateEnvAll([RadarEnv, KafkaEnv, LoggingEnv], env);
  if (radar.RADAR_HEADERS_TIMEOUT_MS > radar.RADAR_REQUEST_TIMEOUT_MS)
    throw new ConfigValidationError([
      `RADAR_HEADERS_TIMEOUT_MS: must be at most RADAR_REQUEST_TIMEOUT_MS (${radar.RADAR_REQUEST_TIMEOUT_MS}) (got "${radar.RADAR_HEADERS_TIMEOUT_MS}")`,
    ]);
  if (
    radar.RADAR_INTERNAL_PORT !== undefined &&
    radar.RADAR_INTERNAL_PORT !== 0 &&
    radar.RADAR_INTERNAL_PORT === radar.PORT
  )
    throw new ConfigValidationError([
      `RADAR_INTERNAL_PORT: must differ from PORT (${radar.PORT}) (got "${radar.RADAR_INTERNAL_PORT}")`,
    ]);
  return {
    port: radar.PORT,
    internalPort: radar.RADAR_INTERNAL_PORT,
    trustProxy: radar.RADAR_TRUST_PROXY,
    http: {
      requestTimeoutMs: radar.RADAR_REQUEST_TIMEOUT_MS,
      headersTimeoutMs: radar.RADAR_HEADERS_TIMEOUT_MS,
      keepAliveTimeoutMs: radar.RADAR_KEEP_ALIVE_TIMEOUT_MS,
      connectionTimeoutMs: radar.RADAR_CONNECTION_TIMEOUT_MS,
    },
    webhookPath: radar.RADAR_WEBHOOK_PATH,
    keys: parseWebhookSecrets(radar.RADAR_WEBHOOK_SECRETS, radar.RADAR_SIGNING_SCHEME),
    maxBodyBytes: radar.RADAR_MAX_BODY_BYTES,
    quarantine: { perMinute: radar.RADAR_QUARANTINE_PER_MINUTE, maxBytes: radar.RADAR_QUARANTINE_MAX_BYTES },
    ackTimeoutMs: radar.RADAR_KAFKA_ACK_TIMEOUT_MS,
    lingerMs: radar.RADAR_LINGER_MS,
    batchMax: radar.RADAR_BATCH_MAX,
    tenantId: radar.FENX_TENANT_ID,
    platform: radar.RADAR_HTTP_PLATFORM,
    kafka: kafkaSettingsFrom(kafka),
    logging,
  };
}
