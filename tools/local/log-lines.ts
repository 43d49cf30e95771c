// What `npm start` shows of the apps' logs: every line goes to the app's log file; the terminal gets
// the warnings and errors only, in a short form. The apps log ECS JSON (`log.level`), or pino-pretty
// lines with LOG_PRETTY=true.

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const PINO_LEVELS: Record<number, LogLevel> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

export interface LogLine {
  /** Undefined for a line that is neither JSON with a level nor a pino-pretty line (e.g. a crash trace). */
  level?: LogLevel;
  /** ISO time, when the line has one. */
  time?: string;
  /** Nest's context (`log.logger`), or the library that logged (`logger`: kafkajs). */
  logger?: string;
  message: string;
  /** The logged error's message (ECS `error.message`). */
  error?: string;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const PRETTY = /^\[([^\]]+)\]\s+(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\b(?:\s+\(([^)]*)\))?:?\s?(.*)$/;

function asLevel(value: unknown): LogLevel | undefined {
  if (typeof value === 'number') return PINO_LEVELS[value];
  if (typeof value !== 'string') return undefined;
  const v = value.toLowerCase();
  if (v === 'warning') return 'warn';
  return (LEVELS as readonly string[]).includes(v) ? (v as LogLevel) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function field(o: Record<string, unknown>, dotted: string): unknown {
  if (dotted in o) return o[dotted];
  let v: unknown = o;
  for (const part of dotted.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function parseJson(line: string): LogLine | undefined {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return undefined;
  const r = o as Record<string, unknown>;
  const level = asLevel(field(r, 'log.level')) ?? asLevel(r['level']);
  if (!level) return undefined;
  const time = r['@timestamp'] ?? r['time'];
  return {
    level,
    time: typeof time === 'number' ? new Date(time).toISOString() : text(time),
    logger: text(field(r, 'log.logger')) ?? text(r['logger']) ?? text(r['context']),
    message: text(r['message']) ?? text(r['msg']) ?? '',
    error: text(field(r, 'error.message')) ?? text(field(r, 'err.message')),
  };
}

/** One line an app wrote, its level found from ECS JSON (`log.level`), pino's numeric level or pino-pretty. */
export function parseLogLine(raw: string): LogLine {
  const line = raw.replace(ANSI, '').trimEnd();
  if (line.startsWith('{')) {
    const json = parseJson(line);
    if (json) return json;
  }
  const pretty = PRETTY.exec(line);
  if (pretty) {
    return {
      level: asLevel(pretty[2]),
      logger: pretty[3] ? pretty[3] : undefined,
      message: pretty[4],
    };
  }
  return { message: line };
}

/**
 * Whether a line reaches the terminal: warnings, errors and fatal lines; a line without a level only when the app
 * wrote it to stderr (a crash, a runtime warning). Info lines such as Nest's route mappings stay in the log file.
 */
export function showOnTerminal(line: LogLine, stream: 'stdout' | 'stderr'): boolean {
  if (line.level === undefined) return stream === 'stderr' && line.message.trim() !== '';
  return line.level === 'warn' || line.level === 'error' || line.level === 'fatal';
}

/** Longest terminal line: the log file has the rest. */
export const TERMINAL_WIDTH = 240;

/** The short terminal form: `HH:MM:SS app         WARN  [logger] message: error`. */
export function terminalLine(app: string, line: LogLine): string {
  const time = line.time && /T\d\d:\d\d:\d\d/.test(line.time) ? `${line.time.slice(11, 19)} ` : '';
  const level = line.level ? `${line.level.toUpperCase().padEnd(5)} ` : '';
  const logger = line.logger ? `[${line.logger}] ` : '';
  const error = line.error && !line.message.includes(line.error) ? `: ${line.error}` : '';
  const body = `${logger}${line.message}${error}`.replace(/\s+/g, ' ').trim();
  const full = `${time}${app.padEnd(18)} ${level}${body}`;
  return full.length > TERMINAL_WIDTH ? `${full.slice(0, TERMINAL_WIDTH - 1)}…` : full;
}
