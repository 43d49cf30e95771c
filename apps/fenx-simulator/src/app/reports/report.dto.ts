import { Type } from 'class-transformer';
import { IsISO8601, ValidateNested } from 'class-validator';

export class ReportRangeDto {
  @IsISO8601({ strict: true })
  startDate!: string;

  @IsISO8601({ strict: true })
  endDate!: string;
}

export class ReportDto {
  @ValidateNested()
  @Type(() => ReportRangeDto)
  data!: ReportRangeDto;
}
