import { timingSafeEqual } from 'node:crypto';
import { SigningScheme } from './schemes';
import { Digester, digester, parseSignature } from './signature';
import { signedBytes } from './signed-bytes';

export interface VerificationKey {
  scheme: SigningScheme;
  secret: string;
  /** A name for the key, returned on success (e.g. `current`, `previous`); defaults to the index. */
  id?: string;
}

export type VerifyResult =
  | { ok: true; keyId: string }
  | { ok: false; reason: 'missing' | 'malformed' | 'mismatch' };

interface DerivedKey {
  id: string;
  digest: Digester;
}

/**
 * Checks `x-fenx-signature` against every configured (scheme, secret) pair, so a secret can be
 * rotated by configuring the old and the new one together. Keys are derived once, at construction.
 */
export class Verifier {
  private readonly keys: readonly DerivedKey[];

  constructor(keys: readonly VerificationKey[]) {
    if (keys.length === 0) throw new Error('Verifier needs at least one key');
    this.keys = keys.map((k, i) => ({
      id: k.id ?? String(i),
      digest: digester(k.secret, k.scheme),
    }));
  }

  verify(rawBody: Buffer | string, header: string | string[] | undefined): VerifyResult {
    const parsed = parseSignature(header);
    if (!parsed.ok) return parsed;
    let match: string | undefined;
    const signed = signedBytes(rawBody);
    // Every key is tried even after a match so the time taken does not reveal which key matched.
    for (const { id, digest } of this.keys) {
      const expected = digest(signed);
      if (timingSafeEqual(expected, parsed.digest) && match === undefined) match = id;
    }
    return match === undefined ? { ok: false, reason: 'mismatch' } : { ok: true, keyId: match };
  }
}

/** One-off verification; build a `Verifier` once instead when verifying per request. */
export function verify(
  rawBody: Buffer | string,
  header: string | string[] | undefined,
  keys: readonly VerificationKey[],
): VerifyResult {
  return new Verifier(keys).verify(rawBody, header);
}
