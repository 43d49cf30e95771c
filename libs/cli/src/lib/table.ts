import stringWidth from 'string-width';

/** Columns on a terminal: East Asian wide characters count 2, combining marks and ANSI colours 0. */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/** One table cell on one line: line breaks and tabs shown escaped, so that each row stays one line. */
function oneLine(text: string): string {
  return /[\r\n\t]/.test(text)
    ? text.replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t')
    : text;
}

export interface TableOptions {
  /** A line of dashes under the header. */
  rule?: boolean;
  /** Between columns (two spaces by default). */
  gap?: string;
}

/**
 * A plain-text table, line by line: the header, then one line per row, columns padded to their widest cell in
 * terminal columns. Widths are found in one pass over the rows (no spread, so no limit on the row count);
 * the lines are then produced one at a time, for a caller that writes them as they come.
 */
export function* tableLines(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): Generator<string> {
  const gap = options.gap ?? '  ';
  const head = headers.map(oneLine);
  const widths = head.map(displayWidth);
  for (const row of rows)
    for (let i = 0; i < headers.length; i++) {
      const w = displayWidth(oneLine(row[i] ?? ''));
      if (w > widths[i]) widths[i] = w;
    }
  const line = (cells: readonly string[]) => {
    let out = '';
    for (let i = 0; i < headers.length; i++) {
      const c = oneLine(cells[i] ?? '');
      out += i === headers.length - 1 ? c : c + ' '.repeat(widths[i] - displayWidth(c)) + gap;
    }
    return out.trimEnd();
  };
  yield line(head);
  if (options.rule) yield line(widths.map((w) => '-'.repeat(w)));
  for (const row of rows) yield line(row);
}

/** The whole table as one string (lines joined with `\n`, no trailing newline). */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  const out: string[] = [];
  for (const l of tableLines(headers, rows, options)) out.push(l);
  return out.join('\n');
}
