/**
 * A query DuckDB refused, said on one line with where: `SQL error at line 1, column 8: Parser Error: syntax
 * error at or near "selec"`. DuckDB's own message spreads over several lines, the position drawn as a caret
 * under a copy of the query line.
 */
export class SqlError extends Error {
  constructor(
    message: string,
    /** DuckDB's kind of error, e.g. `Parser Error`, `Binder Error`, `Catalog Error`. */
    readonly kind: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'SqlError';
  }

  /** DuckDB's error as a SqlError; anything that is not one of DuckDB's query errors comes back as it is. */
  static from(error: unknown): unknown {
    // Not `instanceof Error`: the native binding's errors may come from another realm (jest's sandbox).
    const message = (error as { message?: unknown } | null)?.message;
    if (typeof message !== 'string') return error;
    const m = /^([A-Z][A-Za-z ]* Error): ([\s\S]*)$/.exec(message);
    if (!m) return error;
    const [, kind, rest] = m;
    const lines = rest.split('\n');
    const at = lines.findIndex((l) => /^LINE \d+: /.test(l));
    const text = (at === -1 ? lines : lines.slice(0, at))
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .join('; ');
    let line: number | undefined;
    let column: number | undefined;
    if (at !== -1) {
      const head = /^LINE (\d+): /.exec(lines[at]);
      const caret = lines[at + 1]?.indexOf('^') ?? -1;
      line = Number(head?.[1]);
      if (head && caret >= head[0].length) column = caret - head[0].length + 1;
    }
    const where =
      line === undefined
        ? ''
        : column === undefined
          ? ` at line ${line}`
          : ` at line ${line}, column ${column}`;
    return new SqlError(`SQL error${where}: ${kind}: ${text}`, kind, line, column);
  }
}
