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

/** A kafkajs `logCreator` that writes kafkajs's lines through the app's pino logger. */
export function kafkaLogCreator(logger: PinoLogger) {
  const child = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }: KafkaLogEntry): void => {
      const { message, ...extra } = log;
      child[LEVELS[level] ?? 'info']({ namespace, ...extra }, message);
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
