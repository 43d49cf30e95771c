import { ConsumedRecord } from '@fenx/kafka';
import { EXTRACTION_HEADER, OutgoingRecord } from '@fenx/kafka-contracts';

/** The re-queue attempt of a consumed topic-1 record (0 for a first delivery; garbage reads as 0). */
export function retryAttemptOf(record: ConsumedRecord): number {
  const n = Number(record.headers[EXTRACTION_HEADER.retryAttempt]);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** The time before which a re-queued record must not be fetched again, if any. */
export function notBeforeOf(record: ConsumedRecord): number | undefined {
  const raw = record.headers[EXTRACTION_HEADER.notBefore];
  if (raw === undefined) return undefined;
  const t = Date.parse(raw);
  return Number.isNaN(t) ? undefined : t;
}

/** Exponential delay of the n-th re-queue (attempt 0 → `baseMs`), capped at `maxMs`. */
export function requeueDelayMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
}

/**
 * The record that puts a consumed topic-1 event back at the end of topic 1: the same key and value
 * (the envelope verbatim), its headers plus the attempt count, a not-before time and the reason.
 */
export function requeueRecord(
  record: ConsumedRecord,
  attempt: number,
  notBefore: Date,
  reason: string,
): OutgoingRecord {
  return {
    key: record.key ?? `${record.topic}/${record.partition}/${record.offset}`,
    value: record.value,
    headers: {
      ...record.headers,
      [EXTRACTION_HEADER.retryAttempt]: String(attempt),
      [EXTRACTION_HEADER.notBefore]: notBefore.toISOString(),
      [EXTRACTION_HEADER.retryReason]: reason.slice(0, 500),
    },
  };
}
