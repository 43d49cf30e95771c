import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';

export class SearchOptionsDto {
  @IsOptional()
  @IsString()
  paginationToken?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;
}

export class JourneySearchDataDto {
  @IsString()
  @IsNotEmpty()
  entityId!: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => SearchOptionsDto)
  options?: SearchOptionsDto;
}

export class JourneySearchDto {
  @ValidateNested()
  @Type(() => JourneySearchDataDto)
  data!: JourneySearchDataDto;
}
