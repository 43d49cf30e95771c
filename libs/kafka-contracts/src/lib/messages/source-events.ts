import type { EventOrigin } from './webhook-event';

/** A topic-1 event that led to a detail record (for lineage; headers carry the notification ids). */
export interface SourceEventRef {
  notificationId: string;
  eventType: string;
  origin: EventOrigin;
  /** FenX's `When`. */
  when: string;
  partition: number;
  offset: string;
}
