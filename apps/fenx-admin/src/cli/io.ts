import { formatTable, type ProgressStream } from '@fenx/cli';
import type { Env } from '@fenx/config';

/** Where the CLI reads its settings and writes its output (the process, or a test). */
export interface CliIo {
  env: Env;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Where long commands show their progress (a bar on a TTY, JSON lines otherwise); none without it. */
  progress?: ProgressStream;
}

/** A plain-text table: a header row, then one row per item (@fenx/cli: widths in terminal columns, no row limit). */
export function table(headers: string[], rows: string[][]): string {
  return formatTable(headers, rows);
}

/** Pretty JSON for `--json`. */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
