import Ajv, { type ErrorObject } from 'ajv';
import { classifyEventType } from './event-types';
import type { FenxNotification } from './notification';
import { parseRelativeUrl } from './relative-url';

/** Why a notification is not valid; `radar_validation_flags_total{reason}` uses the code. */
export type ProblemCode =
  | 'not_json'
  | 'not_utf8'
  | 'unknown_event_type'
  | 'unknown_relative_url'
  | 'invalid_field'
  | 'wrong_tenant';

export const PROBLEM_CODES: readonly ProblemCode[] = [
  'not_json',
  'not_utf8',
  'unknown_event_type',
  'unknown_relative_url',
  'invalid_field',
  'wrong_tenant',
];

export interface Problem {
  code: ProblemCode;
  message: string;
}

/** Which checks a validator makes beyond the notification's shape. */
export interface NotificationRules {
  /** Event type and RelativeUrl pattern known to the registry (`classifyEventType`, `parseRelativeUrl`). */
  registry?: boolean;
  /** The forms FenX documents: GUID `Id` and `TenantId`, `domain:action` event type, strict ISO-8601 `When`. */
  documentedForms?: boolean;
  /** Events of another tenant (compared ignoring case) are `wrong_tenant`. */
  tenantId?: string;
}

export interface CheckedNotification {
  /** Normalized to camelCase, filled with what could be read. */
  notification: FenxNotification;
  /** Empty when the notification is valid under the validator's rules. */
  problems: Problem[];
}

export interface CheckedBody extends CheckedNotification {
  /** The body as UTF-8 text; null when its bytes are not valid UTF-8. */
  text: string | null;
}

export interface NotificationValidator {
  readonly rules: Readonly<NotificationRules>;
  /** Checks a parsed JSON value (either shape, keys matched case-insensitively). Never throws. */
  check(json: unknown): CheckedNotification;
  /** Checks a body as received: UTF-8, not empty, JSON, then the notification. Never throws. */
  checkBody(body: Buffer): CheckedBody;
}

const REQUIRED = ['id', 'tenantId', 'eventType', 'relativeUrl', 'when'] as const;
const OPTIONAL = ['correlationId', 'causationId'] as const;
type TextField = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];
const CANONICAL = new Map<string, TextField | 'payload'>(
  [...REQUIRED, ...OPTIONAL, 'payload' as const].map((k) => [k.toLowerCase(), k]),
);

/** What the compiled schema sees: the value itself, its fields as sent, and the fields as read. */
interface Subject {
  json: unknown;
  raw: Partial<Record<TextField | 'payload', unknown>>;
  value: FenxNotification;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;
// The UUID of any version, as class-validator's `IsUUID('all')` (validator 13) accepts it.
const GUID =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/i;
// ISO 8601 as class-validator's `IsISO8601({ strict: true })` (validator 13) accepts it.
const ISO8601 =
  /^([+-]?\d{4}(?!\d{2}\b))((-?)((0[1-9]|1[0-2])(\3([12]\d|0[1-9]|3[01]))?|W([0-4]\d|5[0-3])(-?[1-7])?|(00[1-9]|0[1-9]\d|[12]\d{2}|3([0-5]\d|6[1-6])))([T\s]((([01]\d|2[0-3])((:?)[0-5]\d)?|24:?00)([.,]\d+(?!:))?)?(\17[0-5]\d([.,]\d+)?)?([zZ]|([+-])([01]\d|2[0-3]):?([0-5]\d)?)?)?)?$/;

/** A date that exists (no 31 February), as the strict ISO-8601 check of validator 13 decides it. */
function existingDate(s: string): boolean {
  const ordinal = /^(\d{4})-?(\d{3})([ T]\.*|$)/.exec(s);
  if (ordinal) {
    const year = Number(ordinal[1]);
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return Number(ordinal[2]) <= (leap ? 366 : 365);
  }
  const [, year, month, day] = (/(\d{4})-?(\d{0,2})-?(\d*)/.exec(s) as RegExpExecArray).map(Number);
  if (!month || !day) return true;
  const d = new Date(`${year}-${`0${month}`.slice(-2)}-${`0${day}`.slice(-2)}`);
  return d.getUTCFullYear() === year && d.getUTCMonth() + 1 === month && d.getUTCDate() === day;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

const BLANK = { enum: [null, ''] };
/** A schema on one field of `raw` or `value`. */
const on = (part: 'raw' | 'value', field: string, schema: object, required = false) => ({
  properties: { [part]: { ...(required ? { required: [field] } : {}), properties: { [field]: schema } } },
});
/** Applies `schema` to a `value` field only when it holds something. */
const whenPresent = (field: string, schema: object) =>
  on('value', field, { type: 'string', if: { minLength: 1 }, then: schema });

interface Step {
  code: ProblemCode;
  schema: object;
  message: (s: Subject) => string;
}

/** The checks in the order their problems are listed; the first failing keyword of a step is its one problem. */
function steps(rules: NotificationRules): Step[] {
  const list: Step[] = [
    {
      code: 'not_json',
      schema: { required: ['json'], properties: { json: { type: 'object' } } },
      message: (s) => `notification is not a JSON object (got ${kindOf(s.json)})`,
    },
  ];
  const notString = (name: TextField): Step => ({
    code: 'invalid_field',
    schema: on('raw', name, { if: { not: BLANK }, then: { type: 'string', pattern: '\\S' } }),
    message: (s) => `${name} is not a string (got ${kindOf(s.raw[name])})`,
  });
  for (const name of REQUIRED)
    list.push(
      {
        code: 'invalid_field',
        schema: on('raw', name, { not: BLANK }, true),
        message: () => `${name} is missing`,
      },
      notString(name),
    );
  list.push(...OPTIONAL.map(notString));
  list.push(
    {
      code: 'invalid_field',
      schema: whenPresent('when', { format: 'fenx-timestamp' }),
      message: (s) => `when is not an ISO-8601 timestamp: ${s.value.when}`,
    },
    {
      code: 'invalid_field',
      schema: on('value', 'relativeUrl', { not: { pattern: '^(?:/|[Hh][Tt][Tt][Pp][Ss]?:)' } }),
      message: (s) => `relativeUrl is not relative: ${s.value.relativeUrl}`,
    },
    {
      code: 'invalid_field',
      schema: on('value', 'payload', { type: 'object' }, true),
      message: (s) => `payload is not a JSON object (got ${kindOf(s.value.payload)})`,
    },
  );
  if (rules.registry)
    list.push(
      {
        code: 'unknown_event_type',
        schema: whenPresent('eventType', { format: 'fenx-known-event-type' }),
        message: (s) => `unknown event type: ${s.value.eventType}`,
      },
      {
        code: 'unknown_relative_url',
        schema: whenPresent('relativeUrl', { format: 'fenx-known-relative-url' }),
        message: (s) => `unknown RelativeUrl pattern: ${s.value.relativeUrl}`,
      },
    );
  if (rules.documentedForms)
    list.push(
      {
        code: 'invalid_field',
        schema: whenPresent('id', { format: 'fenx-guid' }),
        message: () => 'Id is not a GUID',
      },
      {
        code: 'invalid_field',
        schema: whenPresent('tenantId', { format: 'fenx-guid' }),
        message: () => 'TenantId is not a GUID',
      },
      {
        // FenX's types are not just letters: its own example is `entitydata:draftcreated_enriched`.
        code: 'invalid_field',
        schema: whenPresent('eventType', { pattern: '^[A-Za-z][A-Za-z0-9]*:[A-Za-z0-9][A-Za-z0-9_.-]*$' }),
        message: () => 'EventType is not of the form domain:action',
      },
      {
        code: 'invalid_field',
        schema: whenPresent('when', { format: 'fenx-iso8601-strict' }),
        message: () => 'When is not an ISO-8601 timestamp',
      },
    );
  const tenant = rules.tenantId?.toLowerCase();
  if (tenant)
    list.push({
      code: 'wrong_tenant',
      schema: whenPresent('tenantId', { format: 'fenx-tenant' }),
      message: (s) => `tenant mismatch: ${s.value.tenantId} is not this pipeline's tenant`,
    });
  return list;
}

function subjectOf(json: unknown): Subject {
  const raw: Subject['raw'] = {};
  if (typeof json === 'object' && json !== null && !Array.isArray(json))
    for (const [k, v] of Object.entries(json)) {
      const name = CANONICAL.get(k.toLowerCase());
      if (name) raw[name] = v;
    }
  const read = (name: TextField): string | null => {
    const v = raw[name];
    if (typeof v === 'string') return v.trim() === '' ? null : v;
    return typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
  };
  const value: FenxNotification = {
    id: read('id') ?? '',
    tenantId: read('tenantId') ?? '',
    eventType: read('eventType') ?? '',
    relativeUrl: read('relativeUrl') ?? '',
    payload: 'payload' in raw ? raw.payload : {},
    when: read('when') ?? '',
    correlationId: read('correlationId'),
    causationId: read('causationId'),
  };
  return { json, raw, value };
}

// ignoreBOM: a leading byte-order mark stays in the text, so the body is kept byte for byte.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const STEP_OF = /^#\/allOf\/(\d+)\//;

/**
 * Compiles the one validator of a notification under `rules` (once, at start-up): a JSON schema
 * over the value as sent and its fields as read, compiled by ajv. A problem is `{ code, message }`;
 * a notification is valid when it has none.
 */
export function compileNotificationValidator(rules: NotificationRules = {}): NotificationValidator {
  const list = steps(rules);
  const tenant = rules.tenantId?.toLowerCase();
  const ajv = new Ajv({
    allErrors: true,
    strictTypes: false,
    formats: {
      'fenx-timestamp': (s: string) => ISO_DATE.test(s) && !Number.isNaN(Date.parse(s)),
      'fenx-known-event-type': (s: string) => classifyEventType(s).known,
      'fenx-known-relative-url': (s: string) => parseRelativeUrl(s).known,
      'fenx-guid': GUID,
      'fenx-iso8601-strict': (s: string) => ISO8601.test(s) && existingDate(s),
      'fenx-tenant': (s: string) => s.toLowerCase() === tenant,
    },
  });
  const validate = ajv.compile<Subject>({ allOf: list.map((s) => s.schema) });
  const check = (json: unknown): CheckedNotification => {
    const subject = subjectOf(json);
    const valid: boolean = validate(subject);
    if (valid) return { notification: subject.value, problems: [] };
    const failed = new Set<number>();
    for (const e of validate.errors as ErrorObject[])
      failed.add(Number((STEP_OF.exec(e.schemaPath) as RegExpExecArray)[1]));
    const problems = [...failed]
      .sort((a, b) => a - b)
      .map((i) => ({ code: list[i].code, message: list[i].message(subject) }));
    return { notification: subject.value, problems };
  };
  const checkBody = (body: Buffer): CheckedBody => {
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      return bodyProblem(null, 'not_utf8', 'body is not valid UTF-8');
    }
    if (text.trim() === '') return bodyProblem(text, 'not_json', 'body is empty');
    let json: unknown;
    try {
      // JSON parsers may ignore a byte-order mark (RFC 8259, 8.1); JSON.parse does not.
      json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch (e) {
      return bodyProblem(text, 'not_json', `body is not JSON: ${(e as Error).message}`);
    }
    return { text, ...check(json) };
  };
  return { rules: { ...rules }, check, checkBody };
}

/** A body that holds no notification: its one problem, the fields empty. */
function bodyProblem(text: string | null, code: ProblemCode, message: string): CheckedBody {
  return { text, notification: subjectOf(undefined).value, problems: [{ code, message }] };
}
