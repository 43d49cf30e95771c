import { createHash, createHmac } from 'node:crypto';
import { DEFAULT_SIGNING_SCHEME, deriveKey, schemeParts, SigningScheme } from './schemes';
import { signedBytes } from './signed-bytes';

export const SIGNATURE_HEADER = 'x-fenx-signature';
const PREFIX = 'sha256=';
const HEX_DIGEST = /^[0-9a-fA-F]{64}$/;

/** The 32-byte digest of already extracted signed bytes. */
export type Digester = (signed: Buffer) => Buffer;

/** The digest function of a (secret, scheme) pair, its key derived once. */
export function digester(secret: string, scheme: SigningScheme): Digester {
  const { form, construction } = schemeParts(scheme);
  const key = deriveKey(secret, form);
  switch (construction) {
    case 'hmac':
      return (signed) => createHmac('sha256', key).update(signed).digest();
    case 'key-then-body':
      return (signed) => createHash('sha256').update(key).update(signed).digest();
    case 'body-then-key':
      return (signed) => createHash('sha256').update(signed).update(key).digest();
  }
}

/** The header value FenX would send: `sha256=` + 64 uppercase hex digits. */
export function formatSignature(digest: Buffer): string {
  return PREFIX + digest.toString('hex').toUpperCase();
}

/** Signs a webhook body as FenX does. */
export function sign(
  body: Buffer | string,
  secret: string,
  scheme: SigningScheme = DEFAULT_SIGNING_SCHEME,
): string {
  return formatSignature(digester(secret, scheme)(signedBytes(body)));
}

export type ParsedSignature = { ok: true; digest: Buffer } | { ok: false; reason: 'missing' | 'malformed' };

/** Parses `sha256=<hex>` (prefix and hex in either case, surrounding spaces ignored). */
export function parseSignature(header: string | string[] | undefined): ParsedSignature {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return { ok: false, reason: 'missing' };
  const trimmed = value.trim();
  if (trimmed.slice(0, PREFIX.length).toLowerCase() !== PREFIX) return { ok: false, reason: 'malformed' };
  const hex = trimmed.slice(PREFIX.length);
  if (!HEX_DIGEST.test(hex)) return { ok: false, reason: 'malformed' };
  return { ok: true, digest: Buffer.from(hex, 'hex') };
}
