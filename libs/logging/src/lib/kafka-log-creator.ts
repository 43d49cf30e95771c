import type { Logger as PinoLogger } from 'pino';
import { PinoLogger as NestPinoLogger } from 'nestjs-pino';

/** kafkajs log levels (NOTHING=0, ERROR=1, WARN=2, INFO=4, DEBUG=5) mapped onto pino. */
const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  1: 'error',
  2: 'warn',
  4: 'info',
  5: 'debug',
};

interface KafkaLogEntry {
  namespace: string;
  level: number;
  label: string;
  log: { message: string; [key: string]: unknown };
}

/**
 * kafkajs names an error `error` (its message, or the error itself) with an optional `stack`. An `Error`
 * goes to `err` like every other logged error; a message and a stack (kafkajs's connection errors carry
 * only the stack, their text is the line's message) become ECS's `error.message` and `error.stack_trace`
 * (a plain `error` string would clash with the `error` object in Elasticsearch).
 */
function errorFields(extra: Record<string, unknown>): Record<string, unknown> {
  const { error, stack, ...rest } = extra;
  if (error instanceof Error) return { ...rest, err: error };
  if (error === undefined && stack === undefined) return rest;
  return {
    ...rest,
    error: {
      ...(error === undefined ? {} : { message: String(error) }),
      ...(stack === undefined ? {} : { stack_trace: String(stack) }),
    },
  };
}

/** A kafkajs `logCreator` that writes kafkajs's lines through the app's pino logger. */
export function kafkaLogCreator(logger: PinoLogger) {
  const child = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }: KafkaLogEntry): void => {
      const { message, ...extra } = log;
      child[LEVELS[level] ?? 'info']({ namespace, ...errorFields(extra) }, message);
    };
}

let write: ((entry: KafkaLogEntry) => void) | undefined;

/**
 * A kafkajs `logCreator` for Nest apps: writes through nestjs-pino's root logger, looked up when
 * kafkajs first logs (the Kafka client may be built before the logger exists).
 */
export const kafkaLogsThroughPino =
  () =>
  (entry: KafkaLogEntry): void => {
    if (!write && NestPinoLogger.root) write = kafkaLogCreator(NestPinoLogger.root)();
    write?.(entry);
  };
