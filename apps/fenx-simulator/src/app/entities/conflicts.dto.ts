import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsObject, IsOptional, Min, ValidateNested } from 'class-validator';
import type { SingleProperty } from '../state/models';

export class ConflictsDataDto {
  @IsBoolean()
  pushChanges!: boolean;

  @IsOptional()
  @IsInt()
  @Min(0)
  entityVersion?: number;

  @IsOptional()
  @IsBoolean()
  useSourceEntityVersion?: boolean;

  @IsOptional()
  @IsObject()
  dataConflictResolutions?: Record<string, SingleProperty>;
}

export class ConflictsDto {
  @ValidateNested()
  @Type(() => ConflictsDataDto)
  data!: ConflictsDataDto;
}
