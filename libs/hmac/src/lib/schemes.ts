import { createHash } from 'node:crypto';

/**
 * The forms the webhook secret can take as the signing key. FenX stores only SHA-256(secret) and
 * documents the result as "HMAC of the hash and the body"; which form of the hash is the key is not
 * documented, so every plausible form is a candidate.
 */
export const KEY_FORMS = [
  'sha256-raw',
  'sha256-hex-upper',
  'sha256-hex-lower',
  'sha256-base64',
  'secret',
] as const;

export type KeyForm = (typeof KEY_FORMS)[number];

/**
 * The candidate signatures: HMAC-SHA256 of the signed bytes keyed by a key form (named by the form
 * alone, e.g. `sha256-raw`), or a plain SHA-256 over the key form and the signed bytes concatenated,
 * key first (`sha256-raw+body`) or body first (`body+sha256-raw`).
 */
export const SIGNING_SCHEMES = [
  'sha256-raw',
  'sha256-hex-upper',
  'sha256-hex-lower',
  'sha256-base64',
  'secret',
  'sha256-raw+body',
  'sha256-hex-upper+body',
  'sha256-hex-lower+body',
  'sha256-base64+body',
  'secret+body',
  'body+sha256-raw',
  'body+sha256-hex-upper',
  'body+sha256-hex-lower',
  'body+sha256-base64',
  'body+secret',
] as const;

export type SigningScheme = (typeof SIGNING_SCHEMES)[number];

export const DEFAULT_SIGNING_SCHEME: SigningScheme = 'sha256-raw';

export function isSigningScheme(value: unknown): value is SigningScheme {
  return typeof value === 'string' && (SIGNING_SCHEMES as readonly string[]).includes(value);
}

/** How a scheme combines its key with the signed bytes. */
export type Construction = 'hmac' | 'key-then-body' | 'body-then-key';

/** A scheme's key form and construction. */
export function schemeParts(scheme: SigningScheme): { form: KeyForm; construction: Construction } {
  if (scheme.endsWith('+body'))
    return { form: scheme.slice(0, -'+body'.length) as KeyForm, construction: 'key-then-body' };
  if (scheme.startsWith('body+'))
    return { form: scheme.slice('body+'.length) as KeyForm, construction: 'body-then-key' };
  return { form: scheme as KeyForm, construction: 'hmac' };
}

/** The key bytes of a secret in a key form. */
export function deriveKey(secret: string, form: KeyForm): Buffer {
  const hash = () => createHash('sha256').update(secret, 'utf8').digest();
  switch (form) {
    case 'sha256-raw':
      return hash();
    case 'sha256-hex-upper':
      return Buffer.from(hash().toString('hex').toUpperCase(), 'ascii');
    case 'sha256-hex-lower':
      return Buffer.from(hash().toString('hex'), 'ascii');
    case 'sha256-base64':
      return Buffer.from(hash().toString('base64'), 'ascii');
    case 'secret':
      return Buffer.from(secret, 'utf8');
  }
}
