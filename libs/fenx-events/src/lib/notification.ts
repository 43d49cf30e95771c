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

const REQUIRED = ['id', 'tenantId', 'eventType', 'relativeUrl', 'when'] as const;
const OPTIONAL = ['correlationId', 'causationId'] as const;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Normalizes a notification from the PascalCase webhook body or the camelCase polling shape
 * (keys matched case-insensitively). Never throws: what is odd is listed in `problems` and the
 * fields are filled with what could be read, so a consumer can flag rather than drop.
 */
export function parseNotification(json: unknown): ParsedNotification {
  const problems: string[] = [];
  const fields = new Map<string, unknown>();
  if (isRecord(json)) {
    for (const [k, v] of Object.entries(json)) fields.set(k.toLowerCase(), v);
  } else {
    problems.push(`notification is not a JSON object (got ${kindOf(json)})`);
  }
  const text = (name: string, required: boolean): string | null => {
    const v = fields.get(name.toLowerCase());
    if (typeof v === 'string' && v.trim() !== '') return v;
    if (v === undefined || v === null || v === '') {
      if (required) problems.push(`${name} is missing`);
      return null;
    }
    problems.push(`${name} is not a string (got ${kindOf(v)})`);
    return typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
  };
  const [id, tenantId, eventType, relativeUrl, when] = REQUIRED.map((name) => text(name, true) ?? '');
  const [correlationId, causationId] = OPTIONAL.map((name) => text(name, false));
  if (when !== '' && (!ISO_DATE.test(when) || Number.isNaN(Date.parse(when))))
    problems.push(`when is not an ISO-8601 timestamp: ${when}`);
  if (/^(\/|https?:)/i.test(relativeUrl)) problems.push(`relativeUrl is not relative: ${relativeUrl}`);
  const payload = fields.has('payload') ? fields.get('payload') : {};
  if (!isRecord(payload)) problems.push(`payload is not a JSON object (got ${kindOf(payload)})`);
  return {
    notification: {
      id,
      tenantId,
      eventType,
      relativeUrl,
      payload,
      when,
      correlationId,
      causationId,
    },
    problems,
  };
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
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
