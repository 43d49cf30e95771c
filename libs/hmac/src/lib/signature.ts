import { createHmac } from 'node:crypto';
import { DEFAULT_SIGNING_SCHEME, deriveKey, SigningScheme } from './schemes';
import { signedBytes } from './signed-bytes';

export const SIGNATURE_HEADER = 'x-fenx-signature';
const PREFIX = 'sha256=';
const HEX_DIGEST = /^[0-9a-fA-F]{64}$/;

/** HMAC-SHA256 of the signed bytes with an already derived key. */
export function digestWithKey(body: Buffer | string, key: Buffer): Buffer {
  return createHmac('sha256', key).update(signedBytes(body)).digest();
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
  return formatSignature(digestWithKey(body, deriveKey(secret, scheme)));
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
