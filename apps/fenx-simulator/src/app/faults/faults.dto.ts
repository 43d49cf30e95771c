import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

export class RateLimitDto {
  @IsInt()
  @Min(1)
  perSecond!: number;

  @IsInt()
  @Min(1)
  burst!: number;
}

/** A partial update of the fault settings; absent fields keep their value. */
export class FaultsDto {
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(120_000)
  latencyMs?: number;

  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  errorRate?: number;

  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  timeoutRate?: number;

  /** How long a "timed out" request hangs before the simulator answers 504 (real ms). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(600_000)
  hangMs?: number;

  @IsOptional()
  @IsIn(['none', 'production', 'sdlc', 'custom'])
  rateLimitPreset?: 'none' | 'production' | 'sdlc' | 'custom';

  @IsOptional()
  @ValidateNested()
  @Type(() => RateLimitDto)
  rateLimit?: RateLimitDto;

  /** Record ids (entity, draft, journey, association) answered 404 as if deleted. */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  deletedIds?: string[];

  /** A record answers 404 for this many simulated ms after its latest event. */
  @IsOptional()
  @IsInt()
  @Min(0)
  notYetRetrievableMs?: number;

  /** Lifetime of tokens issued from now on (null: the configured one). */
  @IsOptional()
  @IsInt()
  @Min(1)
  tokenTtlSeconds?: number | null;

  /** One-off action: every token issued so far expires now. */
  @IsOptional()
  @IsBoolean()
  expireTokens?: boolean;
}
