import { OutgoingRecord, positionText, RecordPosition } from '../records';
import { headerText, KafkaHeaders } from './headers';

/** Headers a consumer adds to a record it gives up on, when it writes it to its dead-letter topic. */
export const DEAD_LETTER_HEADER = {
  reason: 'dead-letter-reason',
  attempts: 'dead-letter-attempts',
  /** `topic/partition/offset` of the record that failed. */
  source: 'dead-letter-source',
  group: 'dead-letter-group',
  at: 'dead-letter-at',
} as const;

const DEAD_LETTER_HEADER_NAMES: readonly string[] = Object.values(DEAD_LETTER_HEADER);

/** The longest reason a dead letter carries (a header must stay small). */
export const DEAD_LETTER_REASON_MAX = 2000;

/** A consumed record, as much of it as a dead letter keeps. */
export interface DeadLetterSource extends RecordPosition {
  key: string | null;
  value: Buffer | string | null;
  headers: KafkaHeaders;
}

/** The dead letter of a record: its key, value and headers, plus why, how often, where and when. */
export function deadLetterRecord(
  record: DeadLetterSource,
  failure: { reason: string; attempts: number; group: string; at: Date },
): OutgoingRecord {
  return {
    key: record.key ?? positionText(record),
    value: record.value,
    headers: {
      ...record.headers,
      [DEAD_LETTER_HEADER.reason]: failure.reason.slice(0, DEAD_LETTER_REASON_MAX),
      [DEAD_LETTER_HEADER.attempts]: String(failure.attempts),
      [DEAD_LETTER_HEADER.source]: positionText(record),
      [DEAD_LETTER_HEADER.group]: failure.group,
      [DEAD_LETTER_HEADER.at]: failure.at.toISOString(),
    },
  };
}

/** What the dead-letter headers of a record say (each absent when the header is). */
export interface DeadLetterFacts {
  at?: string;
  reason?: string;
  attempts?: string;
  source?: string;
  group?: string;
}

export function deadLetterFacts(headers: KafkaHeaders | undefined): DeadLetterFacts {
  return {
    at: headerText(headers, DEAD_LETTER_HEADER.at),
    reason: headerText(headers, DEAD_LETTER_HEADER.reason),
    attempts: headerText(headers, DEAD_LETTER_HEADER.attempts),
    source: headerText(headers, DEAD_LETTER_HEADER.source),
    group: headerText(headers, DEAD_LETTER_HEADER.group),
  };
}

/** The headers without the dead-letter ones: what a replayed record carries of its dead letter. */
export function withoutDeadLetterHeaders(headers: KafkaHeaders): KafkaHeaders {
  const out: KafkaHeaders = {};
  for (const [k, v] of Object.entries(headers))
    if (!DEAD_LETTER_HEADER_NAMES.includes(k) && v !== undefined) out[k] = v;
  return out;
}
