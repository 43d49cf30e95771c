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

  /** Idempotent producer (needs a broker with a controller; the dev broker has none). */
  @IsBoolean()
  @EnvBoolean()
  KAFKA_IDEMPOTENT = true;

  /** Create missing manifest topics at start-up (the dev broker cannot; its launcher does). */
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

  @IsBoolean()
  @EnvBoolean()
  KAFKA_SSL = false;

  @IsOptional()
  @IsIn(['plain', 'scram-sha-256', 'scram-sha-512'])
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512';

  @ValidateIf((env: KafkaEnv) => env.KAFKA_SASL_MECHANISM !== undefined)
  @IsString()
  KAFKA_SASL_USERNAME?: string;

  @ValidateIf((env: KafkaEnv) => env.KAFKA_SASL_MECHANISM !== undefined)
  @IsString()
  KAFKA_SASL_PASSWORD?: string;
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
  sasl?: {
    mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
    username: string;
    password: string;
  };
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
    sasl:
      env.KAFKA_SASL_MECHANISM && env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD
        ? {
            mechanism: env.KAFKA_SASL_MECHANISM,
            username: env.KAFKA_SASL_USERNAME,
            password: env.KAFKA_SASL_PASSWORD,
          }
        : undefined,
  };
}
