import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Max,
  Min,
} from 'class-validator';

const URL_OPTIONS = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };

export class CreateWebhookDto {
  @IsString()
  @Length(1, 200)
  name!: string;

  @IsUrl(URL_OPTIONS)
  url!: string;

  @IsString()
  @Length(1, 128)
  secret!: string;

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @IsArray()
  @ArrayNotEmpty()
  @IsString({ each: true })
  eventTypes!: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @IsEmail({}, { each: true })
  emailAddresses?: string[];

  @IsOptional()
  @IsIn(['Single', 'Batch'])
  type?: 'Single' | 'Batch';

  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(100)
  batchSize?: number;
}

/** Every field optional: absent fields (notably `secret`) keep their value. */
export class UpdateWebhookDto {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @IsOptional()
  @IsUrl(URL_OPTIONS)
  url?: string;

  @IsOptional()
  @IsString()
  @Length(1, 128)
  secret?: string;

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @IsString({ each: true })
  eventTypes?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @IsEmail({}, { each: true })
  emailAddresses?: string[];

  @IsOptional()
  @IsIn(['Single', 'Batch'])
  type?: 'Single' | 'Batch';

  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(100)
  batchSize?: number;
}
