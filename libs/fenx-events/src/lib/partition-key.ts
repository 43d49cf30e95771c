import { classifyEventType } from './event-types';
import type { FenxNotification } from './notification';
import { parseRelativeUrl } from './relative-url';

function payloadId(payload: unknown, key: string): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const v = (payload as Record<string, unknown>)[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The Kafka key that keeps one aggregate's events together: the journey id for journey events,
 * the entity id for entity-data and association events, else the notification id. Ids come from
 * the RelativeUrl, then from the payload.
 */
export function partitionKeyOf(n: FenxNotification): string {
  const { domain } = classifyEventType(n.eventType);
  const url = parseRelativeUrl(n.relativeUrl);
  const fallback = n.id;
  switch (domain) {
    case 'journey':
      return url.journeyId ?? payloadId(n.payload, 'journeyId') ?? fallback;
    case 'entitydata':
    case 'association':
      return url.entityId ?? payloadId(n.payload, 'entityId') ?? fallback;
    case 'other':
      return fallback;
  }
}
