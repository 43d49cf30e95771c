import { createHash } from 'node:crypto';
import {
  classifyEventType,
  compileNotificationValidator,
  EventDomain,
  FenxNotification,
  NotificationValidator,
  parseRelativeUrl,
  partitionKeyOf,
  Problem,
  RelativeUrlKind,
  toWebhookBody,
} from '@fenx/fenx-events';
import { OutgoingRecord } from '../records';
import { Decoded, decodeJson, missingStrings } from './decode';
import { boundedHeader, HEADER } from './headers';

export const WEBHOOK_EVENT_SCHEMA = 'fenx.webhook-event.v1';

/**
 * Where an event in topic 1 came from. Everything but `webhook` is produced by the pipeline
 * itself so that one code path (the extractors) processes every change.
 */
export type EventOrigin = 'webhook' | 'polling' | 'safety-net' | 'reconciliation' | 'backfill' | 'replay';

export const EVENT_ORIGINS: readonly EventOrigin[] = [
  'webhook',
  'polling',
  'safety-net',
  'reconciliation',
  'backfill',
  'replay',
];

export interface EventIds {
  journeyId?: string;
  entityId?: string;
  draftId?: string;
  associationId?: string;
  taskId?: string;
}

/** The value of a topic-1 record (JSON). */
export interface WebhookEvent {
  schema: typeof WEBHOOK_EVENT_SCHEMA;
  origin: EventOrigin;
  /** FenX's notification `Id`: the same for every duplicate delivery, so the dedup key downstream. */
  notificationId: string;
  eventType: string;
  domain: EventDomain;
  tenantId: string;
  /** When FenX says the change happened (ISO-8601 as sent). */
  when: string;
  /** When the pipeline received it (ISO-8601, UTC). */
  receivedAt: string;
  /** FenX's CorrelationId when it sent one, else the receiving request's id. */
  correlationId: string;
  /** Ids taken from the RelativeUrl (then the payload); a journey id is never a field of its own. */
  ids: EventIds;
  relativeUrl: string;
  urlKind: RelativeUrlKind;
  /** False when the body is not a well-formed, known notification; the event is kept all the same. */
  valid: boolean;
  /** Why `valid` is false; empty otherwise. */
  problems: string[];
  /** The notification normalized to camelCase, with what could be read. */
  notification: FenxNotification;
  /** The request body verbatim: UTF-8 text, or base64 when the bytes are not valid UTF-8. */
  body: string;
  bodyEncoding: 'utf8' | 'base64';
}

export interface WebhookEventInput {
  /** The body exactly as received. */
  body: Buffer;
  origin: EventOrigin;
  receivedAt?: Date;
  /** The receiving request's id, used when FenX sent no CorrelationId. */
  requestId?: string;
  /**
   * Decides whether the notification is valid (`compileNotificationValidator` of @fenx/fenx-events,
   * compiled once by the caller); by default its shape and the registry's event types and
   * RelativeUrl patterns.
   */
  validator?: NotificationValidator;
}

export interface BuiltWebhookEvent {
  event: WebhookEvent;
  /** The envelope's `problems` with their codes. */
  problems: Problem[];
  /** Ready for `KafkaProducer.emit(TOPICS.webhookEvents.name, …)`. */
  record: OutgoingRecord;
}

const REGISTRY = compileNotificationValidator({ registry: true });

function idsOf(n: FenxNotification): EventIds {
  const url = parseRelativeUrl(n.relativeUrl);
  const ids: EventIds = {};
  for (const k of ['journeyId', 'entityId', 'draftId', 'associationId', 'taskId'] as const) {
    const fromUrl = url[k];
    const fromPayload =
      typeof n.payload === 'object' && n.payload !== null
        ? (n.payload as Record<string, unknown>)[k]
        : undefined;
    const v = fromUrl ?? (typeof fromPayload === 'string' && fromPayload !== '' ? fromPayload : undefined);
    if (v !== undefined) ids[k] = v;
  }
  return ids;
}

/**
 * Builds the topic-1 envelope and record for a body as received. Never throws and never rejects
 * a body for its shape: what is odd goes into `problems` and `valid: false`.
 */
export function buildWebhookEvent(input: WebhookEventInput): BuiltWebhookEvent {
  const receivedAt = (input.receivedAt ?? new Date()).toISOString();
  const checked = (input.validator ?? REGISTRY).checkBody(input.body);
  const encoding = checked.text === null ? 'base64' : 'utf8';
  const encoded = checked.text ?? input.body.toString('base64');
  const n = checked.notification;
  const type = classifyEventType(n.eventType);
  const url = parseRelativeUrl(n.relativeUrl);
  const problems = checked.problems.map((p) => p.message);
  const key = n.id !== '' || n.relativeUrl !== '' ? partitionKeyOf(n) : '';
  const event: WebhookEvent = {
    schema: WEBHOOK_EVENT_SCHEMA,
    origin: input.origin,
    notificationId: n.id,
    eventType: n.eventType,
    domain: type.domain,
    tenantId: n.tenantId,
    when: n.when,
    receivedAt,
    correlationId: n.correlationId ?? input.requestId ?? '',
    ids: idsOf(n),
    relativeUrl: n.relativeUrl,
    urlKind: url.kind,
    valid: problems.length === 0,
    problems,
    notification: n,
    body: encoded,
    bodyEncoding: encoding,
  };
  return {
    event,
    problems: checked.problems,
    record: webhookEventRecord(
      event,
      key || `body-sha256:${createHash('sha256').update(input.body).digest('hex')}`,
    ),
  };
}

/** The Kafka record for an envelope: key = journey or entity id, the same facts in headers. */
export function webhookEventRecord(event: WebhookEvent, key: string): OutgoingRecord {
  return {
    key,
    value: JSON.stringify(event),
    headers: {
      [HEADER.schema]: WEBHOOK_EVENT_SCHEMA,
      [HEADER.origin]: event.origin,
      [HEADER.notificationId]: event.notificationId,
      [HEADER.eventType]: event.eventType,
      [HEADER.tenantId]: event.tenantId,
      [HEADER.correlationId]: event.correlationId,
      [HEADER.receivedAt]: event.receivedAt,
      [HEADER.valid]: String(event.valid),
      ...(event.problems.length ? { [HEADER.problems]: boundedHeader(event.problems.join('; ')) } : {}),
    },
  };
}

/**
 * An event the pipeline makes itself (safety net, reconciliation, backfill, replay): the
 * notification is written as FenX's PascalCase body, so it reads exactly like a webhook.
 * Give it a deterministic `id` so that re-running the producer yields the same dedup key.
 */
export function syntheticWebhookEvent(
  notification: FenxNotification,
  origin: Exclude<EventOrigin, 'webhook'>,
  receivedAt?: Date,
): BuiltWebhookEvent {
  return buildWebhookEvent({
    body: Buffer.from(JSON.stringify(toWebhookBody(notification))),
    origin,
    receivedAt,
  });
}

/** Reads a topic-1 value; a record that is not a v1 envelope is reported, never thrown. */
export function decodeWebhookEvent(value: Buffer | string | null | undefined): Decoded<WebhookEvent> {
  return decodeJson<WebhookEvent>(value, WEBHOOK_EVENT_SCHEMA, (rec) => {
    const missing = missingStrings(rec, [
      'origin',
      'notificationId',
      'eventType',
      'domain',
      'receivedAt',
      'relativeUrl',
      'body',
    ]);
    if (missing) return missing;
    if (!EVENT_ORIGINS.includes(rec['origin'] as EventOrigin))
      return `unknown origin ${String(rec['origin'])}`;
    if (typeof rec['ids'] !== 'object' || rec['ids'] === null) return 'ids is not an object';
    if (typeof rec['valid'] !== 'boolean') return 'valid is not a boolean';
    return undefined;
  });
}

/** The body bytes exactly as received. */
export function webhookEventBody(event: WebhookEvent): Buffer {
  return Buffer.from(event.body, event.bodyEncoding === 'base64' ? 'base64' : 'utf8');
}
