import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { OutgoingRecord } from '../records';
import { headerText, HEADER, KafkaHeaders } from './headers';

/** Kafka header names of a quarantined delivery's HTTP headers: `http-` + the lower-case name. */
export const HTTP_HEADER_PREFIX = 'http-';

/**
 * HTTP headers never kept: credentials a gateway or client may add in front of radar. FenX's
 * webhook secret itself is never in a delivery (only the signature made with it).
 */
const NEVER_KEPT = new Set(['authorization', 'proxy-authorization', 'cookie', 'apikey', 'x-api-key']);

/**
 * A delivery radar refused, as a record of `fenx.webhook.unverified.v1`: the body bytes as the
 * value, untouched, and every HTTP header but credentials as `http-<name>` record headers.
 */
export function unverifiedDeliveryRecord(input: {
  body: Buffer;
  headers: IncomingHttpHeaders;
  reason: string;
  /** The request id radar gave it (a new UUID when there is none). */
  requestId?: string;
  receivedAt: Date;
}): OutgoingRecord {
  const headers: KafkaHeaders = {
    [HEADER.refusal]: input.reason,
    [HEADER.receivedAt]: input.receivedAt.toISOString(),
  };
  for (const [name, value] of Object.entries(input.headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || NEVER_KEPT.has(lower)) continue;
    headers[HTTP_HEADER_PREFIX + lower] = Array.isArray(value) ? value : String(value);
  }
  return {
    key: input.requestId ?? randomUUID(),
    value: input.body,
    headers,
    timestamp: String(input.receivedAt.getTime()),
  };
}

/** A quarantined delivery read back: the body bytes and its HTTP headers by lower-case name. */
export interface UnverifiedDelivery {
  body: Buffer;
  httpHeaders: Record<string, string>;
  reason?: string;
  receivedAt?: string;
}

export function readUnverifiedDelivery(record: {
  value: Buffer | null;
  headers?: KafkaHeaders;
}): UnverifiedDelivery {
  const httpHeaders: Record<string, string> = {};
  for (const name of Object.keys(record.headers ?? {})) {
    if (!name.startsWith(HTTP_HEADER_PREFIX)) continue;
    const value = headerText(record.headers, name);
    if (value !== undefined) httpHeaders[name.slice(HTTP_HEADER_PREFIX.length)] = value;
  }
  return {
    body: record.value ?? Buffer.alloc(0),
    httpHeaders,
    reason: headerText(record.headers, HEADER.refusal),
    receivedAt: headerText(record.headers, HEADER.receivedAt),
  };
}
