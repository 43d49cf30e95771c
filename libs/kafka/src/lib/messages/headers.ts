/** Record headers as Kafka hands them over: bytes or text per name, a list for a repeated name. */
export interface KafkaHeaders {
  [name: string]: Buffer | string | (Buffer | string)[] | undefined;
}

/** Header names the pipeline writes; values are UTF-8 strings. */
export const HEADER = {
  schema: 'fenx-schema',
  origin: 'fenx-origin',
  notificationId: 'fenx-notification-id',
  eventType: 'fenx-event-type',
  tenantId: 'fenx-tenant-id',
  correlationId: 'fenx-correlation-id',
  receivedAt: 'fenx-received-at',
  valid: 'fenx-valid',
  problems: 'fenx-problems',
  state: 'fenx-state',
  kind: 'fenx-kind',
  etag: 'fenx-etag',
  sourceNotificationIds: 'fenx-source-notification-ids',
  /** Why radar refused a delivery it kept in the quarantine topic (`mismatch`). */
  refusal: 'fenx-refusal',
} as const;

/** A header's value as text, whatever form the client delivered it in (Buffer, string, array). */
export function headerText(headers: KafkaHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  if (first === undefined) return undefined;
  return Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}

/** Every header as text (the first value of a repeated header). */
export function textHeaders(headers: KafkaHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(headers ?? {})) {
    const v = headerText(headers, name);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/** Header values must stay small: long lists are cut and marked. */
export function boundedHeader(value: string, max = 1024): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}
