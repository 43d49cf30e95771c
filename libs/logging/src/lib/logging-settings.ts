import { EnvBoolean } from '@fenx/config';
import { IsBoolean, IsIn } from 'class-validator';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class LoggingEnv {
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  /** Human-readable output for a terminal; JSON (the default) everywhere else. */
  @IsBoolean()
  @EnvBoolean()
  LOG_PRETTY = false;
}
