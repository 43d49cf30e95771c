import { OutgoingRecord } from '../records';
import { Decoded, decodeJson, missingStrings } from './decode';
import { boundedHeader, HEADER } from './headers';
import { SourceEventRef } from './source-events';

export const JOURNEY_DETAIL_SCHEMA = 'fenx.journey-detail.v1';

/**
 * The value of a journey-details record (topic 2, compacted, key = journey id): one snapshot of a
 * journey as FenX's Journey Query API returned it, or the fact that FenX no longer has it.
 */
export interface JourneyDetail {
  schema: typeof JOURNEY_DETAIL_SCHEMA;
  journeyId: string;
  tenantId: string;
  /** `deleted` when the API answered 404 (delete on miss); `journey` is then null. */
  state: 'present' | 'deleted';
  /** The ETag FenX sent with this snapshot; the next fetch sends it as If-None-Match. */
  etag: string | null;
  /** When the extractor fetched the snapshot (ISO-8601, UTC). */
  fetchedAt: string;
  /** The latest `When` of the source events: the change this snapshot reflects at least. */
  eventTime: string;
  sourceEvents: SourceEventRef[];
  /** The `data` of FenX's journey response, verbatim. */
  journey: unknown;
}

export function journeyDetailRecord(detail: JourneyDetail): OutgoingRecord {
  return {
    key: detail.journeyId,
    value: JSON.stringify(detail),
    headers: {
      [HEADER.schema]: JOURNEY_DETAIL_SCHEMA,
      [HEADER.state]: detail.state,
      [HEADER.tenantId]: detail.tenantId,
      ...(detail.etag ? { [HEADER.etag]: detail.etag } : {}),
      [HEADER.sourceNotificationIds]: boundedHeader(
        detail.sourceEvents.map((e) => e.notificationId).join(','),
      ),
    },
  };
}

export function decodeJourneyDetail(value: Buffer | string | null | undefined): Decoded<JourneyDetail> {
  return decodeJson<JourneyDetail>(value, JOURNEY_DETAIL_SCHEMA, (rec) => {
    const missing = missingStrings(rec, ['journeyId', 'tenantId', 'state', 'fetchedAt', 'eventTime']);
    if (missing) return missing;
    if (rec['state'] !== 'present' && rec['state'] !== 'deleted')
      return `unknown state ${String(rec['state'])}`;
    if (!Array.isArray(rec['sourceEvents'])) return 'sourceEvents is not an array';
    return undefined;
  });
}
