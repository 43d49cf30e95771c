import { formatTable as table } from '@fenx/cli';
import type { Row } from './lake-sql';

const cell = (v: unknown): string =>
  v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** Rows as an aligned text table (@fenx/cli: no row limit, widths in terminal columns). */
export function formatTable(rows: readonly Row[]): string {
  if (rows.length === 0) return '(no rows)';
  const cols = Object.keys(rows[0]);
  return table(
    cols,
    rows.map((r) => cols.map((c) => cell(r[c]))),
    { rule: true },
  );
}

/** Rows as RFC 4180 CSV. */
export function formatCsv(rows: readonly Row[]): string {
  if (rows.length === 0) return '';
  const cols = Object.keys(rows[0]);
  const esc = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return (
    [cols.map(esc).join(','), ...rows.map((r) => cols.map((c) => esc(cell(r[c]))).join(','))].join('\n') +
    '\n'
  );
}
