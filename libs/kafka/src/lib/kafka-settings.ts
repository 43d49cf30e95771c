import { readFileSync } from 'node:fs';
import { EnvBoolean, EnvList, EnvNumber } from '@fenx/config';
import {
  ArrayNotEmpty,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';

/** Kafka connection and producer settings read from the environment. */
export class KafkaEnv {
  @ArrayNotEmpty()
  @Matches(/^[^\s:,]+:\d{1,5}$/, {
    each: true,
    message: 'each broker must be host:port',
  })
  @EnvList()
  KAFKA_BROKERS: string[] = ['localhost:9092'];

  @IsString()
  KAFKA_CLIENT_ID = 'fenx-pipeline';

  /** `all` waits for every in-sync replica; anything weaker can lose acknowledged events. */
  @IsIn(['all', 'leader'])
  KAFKA_ACKS: 'all' | 'leader' = 'all';

  /** Idempotent producer: a retried produce call is stored once (on by default; MSK and Apache Kafka have it). */
  @IsBoolean()
  @EnvBoolean()
  KAFKA_IDEMPOTENT = true;

  /** Create missing manifest topics at start-up, and refuse to start on existing ones that differ from the manifest. */
  @IsBoolean()
  @EnvBoolean()
  KAFKA_CREATE_TOPICS = true;

  @IsInt()
  @Min(1)
  @Max(10)
  @EnvNumber()
  KAFKA_REPLICATION_FACTOR = 3;

  @IsInt()
  @Min(100)
  @EnvNumber()
  KAFKA_CONNECTION_TIMEOUT_MS = 3000;

  @IsInt()
  @Min(100)
  @EnvNumber()
  KAFKA_REQUEST_TIMEOUT_MS = 30000;

  /** TLS to the brokers (MSK: on). With no CA file, the system's trusted CAs verify the brokers. */
  @IsBoolean()
  @EnvBoolean()
  KAFKA_SSL = false;

  /** PEM file of the CA(s) that signed the brokers' certificates (a private CA, as at most banks). */
  @IsOptional()
  @IsString()
  KAFKA_SSL_CA_FILE?: string;

  /** PEM client certificate for mutual TLS (MSK's TLS client authentication); needs KAFKA_SSL_KEY_FILE. */
  @ValidateIf((env: KafkaEnv) => env.KAFKA_SSL_KEY_FILE !== undefined)
  @IsString({ message: 'KAFKA_SSL_CERT_FILE must be set with KAFKA_SSL_KEY_FILE' })
  KAFKA_SSL_CERT_FILE?: string;

  /** PEM private key of KAFKA_SSL_CERT_FILE. */
  @ValidateIf((env: KafkaEnv) => env.KAFKA_SSL_CERT_FILE !== undefined)
  @IsString({ message: 'KAFKA_SSL_KEY_FILE must be set with KAFKA_SSL_CERT_FILE' })
  KAFKA_SSL_KEY_FILE?: string;

  /**
   * SASL: a user and password (`plain`, `scram-sha-256`, `scram-sha-512`), or `aws-msk-iam`: MSK's IAM
   * access control, a SigV4-signed OAUTHBEARER token made from the AWS credentials of the process
   * (role, profile or environment, as the AWS SDK finds them) for KAFKA_AWS_REGION.
   */
  @IsOptional()
  @IsIn(['plain', 'scram-sha-256', 'scram-sha-512', 'aws-msk-iam'])
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512' | 'aws-msk-iam';

  @ValidateIf(
    (env: KafkaEnv) => env.KAFKA_SASL_MECHANISM !== undefined && env.KAFKA_SASL_MECHANISM !== 'aws-msk-iam',
  )
  @IsString()
  KAFKA_SASL_USERNAME?: string;

  @ValidateIf(
    (env: KafkaEnv) => env.KAFKA_SASL_MECHANISM !== undefined && env.KAFKA_SASL_MECHANISM !== 'aws-msk-iam',
  )
  @IsString()
  KAFKA_SASL_PASSWORD?: string;

  /** The MSK cluster's AWS region, for `KAFKA_SASL_MECHANISM=aws-msk-iam`. */
  @ValidateIf((env: KafkaEnv) => env.KAFKA_SASL_MECHANISM === 'aws-msk-iam')
  @IsString({ message: 'KAFKA_AWS_REGION must be set with KAFKA_SASL_MECHANISM=aws-msk-iam' })
  KAFKA_AWS_REGION?: string;

  /**
   * Prefix of every topic and consumer group name, e.g. `uat.`, for environments that share a cluster
   * (read where the topic names are defined: KAFKA_NAMESPACE in topics.ts).
   */
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{0,100}$/, {
    message: 'KAFKA_NAMESPACE may hold only letters, digits, ".", "_" and "-", at most 100 of them',
  })
  KAFKA_NAMESPACE?: string;
}

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  acks: 'all' | 'leader';
  idempotent: boolean;
  createTopics: boolean;
  replicationFactor: number;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  ssl: boolean;
  /** Largest produce request, in bytes (below the brokers' message.max.bytes); 900 KiB by default. */
  maxRequestBytes?: number;
  /** PEM files for TLS (read when the client is built); unset: the system's CAs, no client certificate. */
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  sasl?:
    | {
        mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
        username: string;
        password: string;
      }
    | { mechanism: 'aws-msk-iam'; region: string };
}

export function kafkaSettingsFrom(env: KafkaEnv): KafkaSettings {
  return {
    brokers: env.KAFKA_BROKERS,
    clientId: env.KAFKA_CLIENT_ID,
    acks: env.KAFKA_ACKS,
    idempotent: env.KAFKA_IDEMPOTENT,
    createTopics: env.KAFKA_CREATE_TOPICS,
    replicationFactor: env.KAFKA_REPLICATION_FACTOR,
    connectionTimeoutMs: env.KAFKA_CONNECTION_TIMEOUT_MS,
    requestTimeoutMs: env.KAFKA_REQUEST_TIMEOUT_MS,
    ssl: env.KAFKA_SSL,
    tls:
      env.KAFKA_SSL_CA_FILE || env.KAFKA_SSL_CERT_FILE
        ? {
            caFile: env.KAFKA_SSL_CA_FILE,
            certFile: env.KAFKA_SSL_CERT_FILE,
            keyFile: env.KAFKA_SSL_KEY_FILE,
          }
        : undefined,
    sasl:
      env.KAFKA_SASL_MECHANISM === 'aws-msk-iam' && env.KAFKA_AWS_REGION
        ? { mechanism: 'aws-msk-iam', region: env.KAFKA_AWS_REGION }
        : env.KAFKA_SASL_MECHANISM &&
            env.KAFKA_SASL_MECHANISM !== 'aws-msk-iam' &&
            env.KAFKA_SASL_USERNAME &&
            env.KAFKA_SASL_PASSWORD
          ? {
              mechanism: env.KAFKA_SASL_MECHANISM,
              username: env.KAFKA_SASL_USERNAME,
              password: env.KAFKA_SASL_PASSWORD,
            }
          : undefined,
  };
}

/**
 * The TLS options of a client: the PEM files of the settings, read now, each failure naming its
 * setting. `false` when TLS is off.
 */
export function kafkaTlsOptions(
  settings: KafkaSettings,
): false | { ca?: string[]; cert?: string; key?: string } {
  if (!settings.ssl) return false;
  const read = (setting: string, file: string | undefined): string | undefined => {
    if (file === undefined) return undefined;
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`${setting}=${file} cannot be read: ${(err as Error).message}`);
    }
  };
  const ca = read('KAFKA_SSL_CA_FILE', settings.tls?.caFile);
  return {
    ...(ca !== undefined ? { ca: [ca] } : {}),
    cert: read('KAFKA_SSL_CERT_FILE', settings.tls?.certFile),
    key: read('KAFKA_SSL_KEY_FILE', settings.tls?.keyFile),
  };
}

/**
 * Says which setting a failure to reach or enter the cluster points at (a refused password, a
 * broker certificate the CA file does not vouch for, TLS against a plaintext port), or undefined
 * when it is none of those. Apps log it and exit, rather than retrying a setting that cannot work.
 */
export function kafkaSettingProblem(settings: KafkaSettings, error: unknown): string | undefined {
  const text = `${(error as { name?: string })?.name ?? ''} ${(error as Error)?.message ?? String(error)} ${String(
    (error as { cause?: unknown })?.cause ?? '',
  )}`;
  if (
    /SASL|authentication failed|Authentication failed/i.test(text) &&
    settings.sasl?.mechanism === 'aws-msk-iam'
  ) {
    return `Kafka refused the AWS IAM token (KAFKA_SASL_MECHANISM=aws-msk-iam, KAFKA_AWS_REGION=${settings.sasl.region}): check the process's AWS credentials and the cluster's IAM policy (${(error as Error).message})`;
  }
  if (
    /SASL|authentication failed|Authentication failed/i.test(text) &&
    settings.sasl &&
    'username' in settings.sasl
  ) {
    return `Kafka refused the credentials of KAFKA_SASL_USERNAME=${settings.sasl.username} (KAFKA_SASL_MECHANISM=${settings.sasl.mechanism}): check KAFKA_SASL_PASSWORD (${(error as Error).message})`;
  }
  if (/certificate|self[- ]signed|unable to verify|UNABLE_TO_VERIFY|CERT_|DEPTH_ZERO/i.test(text)) {
    return `the brokers' TLS certificate is not trusted: ${
      settings.tls?.caFile
        ? `KAFKA_SSL_CA_FILE=${settings.tls.caFile} did not sign it`
        : 'set KAFKA_SSL_CA_FILE to the CA that signed it'
    } (${(error as Error).message})`;
  }
  if (/wrong version number|WRONG_VERSION_NUMBER|packet length too long/i.test(text) && settings.ssl) {
    return `KAFKA_SSL=true but the brokers at KAFKA_BROKERS=${settings.brokers.join(',')} do not speak TLS there (${(error as Error).message})`;
  }
  if (!settings.ssl && /Closed connection/i.test(text)) {
    return `the brokers at KAFKA_BROKERS=${settings.brokers.join(',')} closed the connection: if they expect TLS, set KAFKA_SSL=true (${(error as Error).message})`;
  }
  if (/authoriz/i.test(text)) {
    return `Kafka denied this principal${settings.sasl && 'username' in settings.sasl ? ` (KAFKA_SASL_USERNAME=${settings.sasl.username})` : ''} an operation its ACLs do not allow (${(error as Error).message})`;
  }
  return undefined;
}

/** Whether Kafka refused an operation for want of an ACL (a topic, group or cluster authorization failure). */
export function isAuthorizationError(error: unknown): boolean {
  const e = error as { type?: string; message?: string; cause?: unknown } | undefined;
  const text = `${e?.type ?? ''} ${e?.message ?? ''}`;
  return (
    /AUTHORIZATION_FAILED|not authorized|denied this principal/i.test(text) ||
    (!!e?.cause && isAuthorizationError(e.cause))
  );
}

/**
 * The error itself, or, when it points at a setting (see kafkaSettingProblem), an error that says
 * which, with the original as its cause and its Kafka error type kept.
 */
export function explainKafkaError(settings: KafkaSettings, error: unknown): unknown {
  const problem = kafkaSettingProblem(settings, error);
  if (problem === undefined) return error;
  const explained = new Error(problem, { cause: error }) as Error & { type?: string; retriable?: boolean };
  explained.name = 'KafkaSettingError';
  explained.type = (error as { type?: string })?.type;
  explained.retriable = (error as { retriable?: boolean })?.retriable;
  return explained;
}
