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

/** Headers the extraction pipeline adds to what it writes. */
export const EXTRACTION_HEADER = {
  /** The chunk that produced a record (also in the log lines). */
  batchId: 'fenx-batch-id',
  /** How many times an event was put back into topic 1 because its data was not yet retrievable. */
  retryAttempt: 'fenx-retry-attempt',
  /** ISO-8601 time before which a re-queued event is not fetched again. */
  notBefore: 'fenx-not-before',
  /** Why the event was re-queued. */
  retryReason: 'fenx-retry-reason',
} as const;

/** Headers of a record written again: from a dead-letter topic (fenx-admin) or from the lake (lake-sink). */
export const REPLAY_HEADER = {
  /** `<topic>/<partition>/<offset>` the record was replayed from. */
  from: 'fenx-replayed-from',
  /** ISO-8601 time of the replay. */
  at: 'fenx-replayed-at',
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
