const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * The bytes FenX signs: the raw body from the first `{` to the last `}` inclusive, so whitespace
 * or a trailing newline around the JSON does not change the signature. A body without braces is
 * signed whole.
 */
export function signedBytes(body: Buffer | string): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const first = bytes.indexOf(OPEN_BRACE);
  const last = bytes.lastIndexOf(CLOSE_BRACE);
  if (first < 0 || last < first) return bytes;
  return bytes.subarray(first, last + 1);
}
