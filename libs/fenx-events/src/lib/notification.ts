import { compileNotificationValidator } from './notification-validator';

/** A FenX notification, normalized to camelCase whatever shape it arrived in. */
export interface FenxNotification {
  /** The dedup key: a duplicate delivery keeps the same id. */
  id: string;
  tenantId: string;
  eventType: string;
  /** Relative to the API base, no leading slash; points at the Query API resource. */
  relativeUrl: string;
  payload: unknown;
  /** ISO-8601 as sent (may carry 7 fractional digits). */
  when: string;
  correlationId: string | null;
  causationId: string | null;
}

/** The webhook body, PascalCase as in FenX's examples. */
export interface WebhookBody {
  Id: string;
  TenantId: string;
  EventType: string;
  RelativeUrl: string;
  Payload: unknown;
  When: string;
  CorrelationId: string | null;
  CausationId: string | null;
}

/** The polling API's camelCase item, in the order of FenX's Swagger. */
export interface PolledNotification {
  id: string;
  eventType: string;
  when: string;
  tenantId: string;
  causationId: string | null;
  correlationId: string | null;
  relativeUrl: string;
  payload: unknown;
}

export interface ParsedNotification {
  notification: FenxNotification;
  /** Empty when the input is a well-formed notification. */
  problems: string[];
}

const SHAPE = compileNotificationValidator();

/**
 * Normalizes a notification from the PascalCase webhook body or the camelCase polling shape
 * (keys matched case-insensitively). Never throws: what is odd is listed in `problems` and the
 * fields are filled with what could be read, so a consumer can flag rather than drop. The checks
 * of its shape only; `compileNotificationValidator` adds the registry, FenX's documented forms and
 * the tenant.
 */
export function parseNotification(json: unknown): ParsedNotification {
  const { notification, problems } = SHAPE.check(json);
  return { notification, problems: problems.map((p) => p.message) };
}

/** FenX's webhook body for a notification. */
export function toWebhookBody(n: FenxNotification): WebhookBody {
  return {
    Id: n.id,
    TenantId: n.tenantId,
    EventType: n.eventType,
    RelativeUrl: n.relativeUrl,
    Payload: n.payload,
    When: n.when,
    CorrelationId: n.correlationId,
    CausationId: n.causationId,
  };
}

/** The polling API's item for a notification. */
export function toPolledNotification(n: FenxNotification): PolledNotification {
  return {
    id: n.id,
    eventType: n.eventType,
    when: n.when,
    tenantId: n.tenantId,
    causationId: n.causationId,
    correlationId: n.correlationId,
    relativeUrl: n.relativeUrl,
    payload: n.payload,
  };
}
