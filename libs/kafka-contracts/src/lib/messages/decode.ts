export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Parses a record value as JSON and checks its schema tag; never throws. */
export function decodeJson<T extends { schema: string }>(
  value: Buffer | string | null | undefined,
  schema: string,
  check: (v: Record<string, unknown>) => string | undefined,
): Decoded<T> {
  if (value === null || value === undefined) return { ok: false, reason: 'record has no value' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.isBuffer(value) ? value.toString('utf8') : value);
  } catch (e) {
    return { ok: false, reason: `value is not JSON: ${(e as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { ok: false, reason: 'value is not a JSON object' };
  const rec = parsed as Record<string, unknown>;
  if (rec['schema'] !== schema)
    return { ok: false, reason: `schema is ${JSON.stringify(rec['schema'])}, expected ${schema}` };
  const problem = check(rec);
  return problem ? { ok: false, reason: problem } : { ok: true, value: rec as unknown as T };
}

export function missingStrings(rec: Record<string, unknown>, names: string[]): string | undefined {
  const missing = names.filter((n) => typeof rec[n] !== 'string');
  return missing.length ? `missing or non-string field(s): ${missing.join(', ')}` : undefined;
}
