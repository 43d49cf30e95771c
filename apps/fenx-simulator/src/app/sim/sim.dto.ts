import { IsIn, IsInt, IsNumber, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export class StepDto {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  count?: number;
}

export class BurstDto {
  @IsInt()
  @Min(1)
  @Max(5_000_000)
  count!: number;

  @IsOptional()
  @IsIn(['activity', 'migration'])
  kind?: 'activity' | 'migration';
}

export class ClockDto {
  @IsNumber()
  @Min(0.001)
  @Max(1_000_000)
  scale!: number;
}

export class AdvanceDto {
  @IsInt()
  @Min(0)
  ms!: number;
}

export class ResetDto {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  seed?: string;
}
