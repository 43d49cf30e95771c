import type { Env } from '@fenx/config';

/** Where the CLI reads its settings and writes its output (the process, or a test). */
export interface CliIo {
  env: Env;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** A plain-text table: a header row, then one row per item; columns padded to their widest cell. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** Pretty JSON for `--json`. */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
