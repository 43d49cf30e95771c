import { createHash } from 'node:crypto';

/**
 * The candidate key derivations for FenX's webhook signature. FenX stores only SHA-256(secret)
 * and documents the result as "HMAC of the hash and the body"; which form of the hash is the key
 * is not documented, so all plausible forms are supported.
 */
export const SIGNING_SCHEMES = ['sha256-raw', 'sha256-hex-upper', 'sha256-hex-lower', 'secret'] as const;

export type SigningScheme = (typeof SIGNING_SCHEMES)[number];

export const DEFAULT_SIGNING_SCHEME: SigningScheme = 'sha256-raw';

export function isSigningScheme(value: unknown): value is SigningScheme {
  return typeof value === 'string' && (SIGNING_SCHEMES as readonly string[]).includes(value);
}

/** The HMAC key for a secret under a scheme. */
export function deriveKey(secret: string, scheme: SigningScheme): Buffer {
  switch (scheme) {
    case 'sha256-raw':
      return createHash('sha256').update(secret, 'utf8').digest();
    case 'sha256-hex-upper':
      return Buffer.from(createHash('sha256').update(secret, 'utf8').digest('hex').toUpperCase(), 'ascii');
    case 'sha256-hex-lower':
      return Buffer.from(createHash('sha256').update(secret, 'utf8').digest('hex'), 'ascii');
    case 'secret':
      return Buffer.from(secret, 'utf8');
  }
}
