/** PromQL functions, aggregations and keywords: identifiers that are not metric names. */
const NOT_METRICS = new Set([
  // aggregations
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
  // keywords and binary operators
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'and',
  'or',
  'unless',
  'atan2',
  'inf',
  'nan',
  'start',
  'end',
]);

/**
 * The metric names a PromQL expression selects. Strings, label matchers, ranges and grouping
 * label lists are removed first; what remains as a bare identifier not followed by `(` is a name.
 * Metrics selected only through `{__name__=…}` are not seen (the project's rules do not do that).
 */
export function metricNamesIn(expr: string): string[] {
  let s = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/#[^\n]*/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  const ident = /(?<![\w.:$])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\w:])(?!\s*\()/g;
  for (const m of s.matchAll(ident)) {
    const name = m[1];
    // `1e3`, `0x1F`: a number's tail is not a name
    const before = s[(m.index ?? 0) - 1];
    if (before !== undefined && /[0-9]/.test(before)) continue;
    if (NOT_METRICS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names].sort();
}
