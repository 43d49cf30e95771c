import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import type { ReportKind } from '../fenx-types';

/**
 * The FenX API as the project reads it, as JSON Schema, from `fenx-api.md` ("Exact shapes": Fenergo's
 * Swagger). The client validates every answer it reads against these schemas and the simulator's
 * contract tests validate everything the simulator serves against the same ones, so neither side can
 * drift from the documented shapes without a test failing.
 *
 * Schemas name what the project reads and must be there; every object stays open
 * (`additionalProperties` is allowed): FenX adds fields and the lake keeps them.
 */

type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const nonEmpty: Schema = { type: 'string', minLength: 1 };
const int: Schema = { type: 'integer' };
const bool: Schema = { type: 'boolean' };
const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });
const array = (items: Schema, extra: Schema = {}): Schema => ({ type: 'array', items, ...extra });

/** An open object: `required` fields must be there, `optional` ones are checked when present. */
function obj(required: Record<string, Schema>, optional: Record<string, Schema> = {}): Schema {
  return {
    type: 'object',
    required: Object.keys(required),
    properties: { ...optional, ...required },
  };
}

const message = obj({}, { message: str, type: str, errorCode: str });
const messages = nullable(array(message));

/** Query APIs wrap results: `{"data": …, "messages": […]}`. */
const envelope = (data: Schema): Schema => obj({ data }, { messages });

// ---- Journey Query ---------------------------------------------------------------------------------

const task = obj({ id: str }, { status: str, name: str, discriminator: str, order: { type: 'number' } });
const journeyProcess = obj({}, { id: str, status: str, tasks: array(task) });
const stage = obj({}, { id: str, status: str, processes: array(journeyProcess) });
const journeyInstance = obj(
  { id: nonEmpty },
  { entityId: str, entityDraftId: nullable(str), status: str, version: int, stages: nullable(array(stage)) },
);

// ---- Entity Data Query -----------------------------------------------------------------------------

const property: Schema = obj({ type: str });
const properties: Schema = { type: 'object', additionalProperties: property };
const legalEntity = obj({ id: nonEmpty }, { version: int, properties: nullable(properties) });
const entityDraft = obj(
  {},
  {
    id: str,
    sourceEntityId: str,
    sourceEntityVersion: nullable(int),
    conflictsResolvedSourceEntityVersion: nullable(int),
    journeyId: nullable(str),
    status: str,
    properties: nullable(properties),
    draftProperties: nullable(properties),
  },
);
const proposedChange = obj({ dataKey: str }, { changeType: str });

// ---- Association Query -----------------------------------------------------------------------------

const association = obj(
  { id: nonEmpty },
  {
    sourceId: str,
    targetId: str,
    type: str,
    journeyId: nullable(str),
    isVerified: bool,
    ownershipPercentage: nullable({ type: 'number' }),
    controlPercentage: nullable({ type: 'number' }),
  },
);

// ---- Reporting Query -------------------------------------------------------------------------------

/** The field of a report row that names its record, per report. */
export const REPORT_ROW_ID_FIELD: Record<ReportKind, 'legalEntityId' | 'journeyId'> = {
  'entity-created': 'legalEntityId',
  'entity-updated': 'legalEntityId',
  'journey-started': 'journeyId',
  'journey-updated': 'journeyId',
  'journey-completed': 'journeyId',
};

/** The field of a report row that says when its change happened, per report. */
export const REPORT_ROW_TIME_FIELD: Record<ReportKind, string> = {
  'entity-created': 'createdDate',
  'entity-updated': 'updatedTime',
  'journey-started': 'startedTime',
  'journey-updated': 'updatedTime',
  'journey-completed': 'completedTime',
};

function reportRow(kind: ReportKind): Schema {
  const required: Record<string, Schema> = { [REPORT_ROW_ID_FIELD[kind]]: nonEmpty };
  const optional: Record<string, Schema> = {
    [REPORT_ROW_TIME_FIELD[kind]]: nullable(str),
    eventType: nullable(str),
    legalEntityId: nullable(str),
    entityDraftId: nullable(str),
  };
  return obj(required, optional);
}

const report = (kind: ReportKind): Schema =>
  envelope(obj({ count: int, datasetSizeAccepted: bool, items: array(reportRow(kind)) }));

// ---- Event polling ---------------------------------------------------------------------------------

const polledNotification = obj(
  { id: nonEmpty, eventType: nonEmpty },
  {
    when: str,
    tenantId: str,
    relativeUrl: nullable(str),
    correlationId: nullable(str),
    causationId: nullable(str),
  },
);

// ---- Webhooks (not wrapped in `data`) --------------------------------------------------------------

const delivery = obj({}, { when: str, notificationId: str, status: str, httpStatusCode: int });
const basicWebhook = obj(
  { id: nonEmpty },
  {
    name: nullable(str),
    url: nullable(str),
    enabled: bool,
    status: str,
    eventTypes: nullable(array(str)),
    emailAddresses: nullable(array(str)),
    type: str,
    batchSize: nullable(int),
  },
);
const webhook = {
  ...basicWebhook,
  properties: {
    ...(basicWebhook['properties'] as Record<string, Schema>),
    lastDeliveries: nullable(array(delivery)),
  },
};

/** Every FenX answer the project reads, by name. */
export const FENX_SCHEMAS = {
  token: obj({ access_token: nonEmpty }, { expires_in: { type: 'number' }, token_type: str, scope: str }),
  journey: envelope(journeyInstance),
  journeySearch: envelope(
    obj(
      { items: array(journeyInstance) },
      { nextPaginationToken: nullable(str), restrictedItems: array(obj({})) },
    ),
  ),
  entity: envelope(legalEntity),
  draft: envelope(entityDraft),
  draftIds: envelope(obj({ items: array(nonEmpty) })),
  proposedChanges: envelope(array(proposedChange)),
  association: envelope(association),
  associationsOfRoot: envelope(array(association)),
  /** A conflicts 409: the seed document's `dataConflicts` form or the generic error envelope. */
  conflicts409: {
    anyOf: [
      envelope(obj({ dataConflicts: { type: 'object' } }, { entityVersion: nullable(int) })),
      obj({ messages: array(message) }),
    ],
  },
  'report:entity-created': report('entity-created'),
  'report:entity-updated': report('entity-updated'),
  'report:journey-started': report('journey-started'),
  'report:journey-updated': report('journey-updated'),
  'report:journey-completed': report('journey-completed'),
  notifications: obj({ batchId: nonEmpty, notifications: array(polledNotification), moreAvailable: bool }),
  webhookList: obj({ webHooks: array(basicWebhook) }),
  webhookCreated: obj({ webhookId: nonEmpty }),
  webhook: obj({ webhook }),
  webhookTest: obj({ delivery: obj({ status: nonEmpty }, { httpStatusCode: nullable(int) }) }),
  eventNotificationTypes: obj({ eventTypes: array(obj({ eventType: nonEmpty }, { title: nullable(str) })) }),
  /** Any error answer: `{data, messages}`, or the bare `{"message"}` of a 401. */
  error: {
    anyOf: [obj({ messages: array(message) }), obj({ message: str }), obj({ data: array(obj({})) })],
  },
} satisfies Record<string, Schema>;

export type FenxSchemaName = keyof typeof FENX_SCHEMAS;

/** One documented answer: which schema the body of `status` on `method route` follows. */
export interface FenxContractEntry {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Route template, `{name}` for a path parameter. */
  route: string;
  status: number;
  /** The schema of the body; absent when the project reads none. */
  schema?: FenxSchemaName;
  /** The answer has no body. */
  empty?: true;
}

const REPORT_ROUTES: Record<ReportKind, string> = {
  'entity-created': '/reportingquery/api/entity-report/entity-created-report',
  'entity-updated': '/reportingquery/api/entity-report/entity-updated-report',
  'journey-started': '/reportingquery/api/journey-report/journey-started-report',
  'journey-updated': '/reportingquery/api/journey-report/journey-updated-report',
  'journey-completed': '/reportingquery/api/journey-report/journey-completed-report',
};

/** The route of each report. */
export function reportRoute(kind: ReportKind): string {
  return REPORT_ROUTES[kind];
}

const WEBHOOK = '/webhooks/v1/webhooks/{id}';

/** Every answer of the FenX API the project reads, with its schema. */
export const FENX_CONTRACT: readonly FenxContractEntry[] = [
  { method: 'POST', route: '/connect/token', status: 200, schema: 'token' },
  { method: 'GET', route: '/journeyquery/api/journey-instance/{id}', status: 200, schema: 'journey' },
  { method: 'GET', route: '/journeyquery/api/journey-instance/{id}', status: 304, empty: true },
  {
    method: 'POST',
    route: '/journeyquery/api/journey-instance/search',
    status: 200,
    schema: 'journeySearch',
  },
  { method: 'GET', route: '/entitydataquery/api/v2/entity/{id}', status: 200, schema: 'entity' },
  {
    method: 'GET',
    route: '/entitydataquery/api/v2/entity/{entityId}/draft/{draftId}',
    status: 200,
    schema: 'draft',
  },
  {
    method: 'GET',
    route: '/entitydataquery/api/v2/entity/{entityId}/drafts-ids',
    status: 200,
    schema: 'draftIds',
  },
  {
    method: 'GET',
    route: '/entitydataquery/api/v2/entity/proposedchanges/draft/{draftId}',
    status: 200,
    schema: 'proposedChanges',
  },
  {
    method: 'GET',
    route: '/associationquery/api/association/root/{entityId}',
    status: 200,
    schema: 'associationsOfRoot',
  },
  { method: 'GET', route: '/associationquery/api/association/{id}', status: 200, schema: 'association' },
  {
    method: 'PUT',
    route: '/entitydatacommand/api/v2/entity/{entityId}/draft/{draftId}/conflicts',
    status: 202,
    empty: true,
  },
  {
    method: 'PUT',
    route: '/entitydatacommand/api/v2/entity/{entityId}/draft/{draftId}/conflicts',
    status: 409,
    schema: 'conflicts409',
  },
  ...(Object.keys(REPORT_ROUTES) as ReportKind[]).flatMap((kind): FenxContractEntry[] => [
    { method: 'POST', route: REPORT_ROUTES[kind], status: 200, schema: `report:${kind}` },
  ]),
  { method: 'GET', route: '/eventnotifications/v2/{feedId}/next', status: 200, schema: 'notifications' },
  { method: 'GET', route: '/eventnotifications/v2/{feedId}/next', status: 204, empty: true },
  { method: 'POST', route: '/eventnotifications/v2/{feedId}/{batchId}/complete', status: 200 },
  { method: 'PUT', route: '/eventnotifications/v2/{feedId}/discardAll', status: 200 },
  { method: 'GET', route: '/webhooks/v1/webhooks', status: 200, schema: 'webhookList' },
  { method: 'POST', route: '/webhooks/v1/webhooks', status: 200, schema: 'webhookCreated' },
  {
    method: 'GET',
    route: '/webhooks/v1/webhooks/event-notification-types',
    status: 200,
    schema: 'eventNotificationTypes',
  },
  { method: 'GET', route: `${WEBHOOK}/test`, status: 200, schema: 'webhookTest' },
  { method: 'GET', route: WEBHOOK, status: 200, schema: 'webhook' },
  { method: 'PUT', route: WEBHOOK, status: 200, empty: true },
  { method: 'DELETE', route: WEBHOOK, status: 200, empty: true },
];

function routeRegExp(route: string): RegExp {
  const escaped = route.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
  return new RegExp(`^${escaped}$`);
}

const CONTRACT_MATCHERS = FENX_CONTRACT.map((entry) => ({ entry, re: routeRegExp(entry.route) }));

const paramsOf = (route: string) => route.split('{').length - 1;

/**
 * The documented answers of `method path` (a concrete path, no query string) on the most specific
 * route: the one with the fewest parameters, so `…/webhooks/event-notification-types` is not
 * `…/webhooks/{id}` and `…/entity/proposedchanges/draft/{id}` is not `…/entity/{e}/draft/{d}`.
 */
export function contractEntriesFor(method: string, path: string): FenxContractEntry[] {
  const matches = CONTRACT_MATCHERS.filter((m) => m.entry.method === method && m.re.test(path));
  const fewest = Math.min(...matches.map((m) => paramsOf(m.entry.route)));
  return matches.filter((m) => paramsOf(m.entry.route) === fewest).map((m) => m.entry);
}

/** A body that does not follow its schema: the first offending field (a JSON pointer) and why. */
export interface ContractViolation {
  schema: FenxSchemaName;
  /** JSON pointer of the offending field (`/data/items/3/legalEntityId`), `` for the body itself. */
  field: string;
  /** The same with array indexes as `*` (`/data/items/*\/legalEntityId`): safe as a metric label. */
  fieldPattern: string;
  message: string;
}

const ajv = new Ajv({ allErrors: false, strict: false });
const compiled = new Map<FenxSchemaName, ValidateFunction>();

function validatorOf(name: FenxSchemaName): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    v = ajv.compile(FENX_SCHEMAS[name]);
    compiled.set(name, v);
  }
  return v;
}

function violationOf(name: FenxSchemaName, error: ErrorObject | undefined): ContractViolation {
  const missing =
    error?.keyword === 'required'
      ? (error.params as { missingProperty?: string }).missingProperty
      : undefined;
  const field = missing ? `${error?.instancePath ?? ''}/${missing}` : (error?.instancePath ?? '');
  const message = missing
    ? 'is missing'
    : error?.keyword === 'type'
      ? `must be ${(error.params as { type: string }).type}`
      : (error?.message ?? 'does not match the schema');
  return { schema: name, field, fieldPattern: field.replace(/\/\d+(?=\/|$)/g, '/*'), message };
}

/** Checks a body against one of the schemas; undefined when it follows it. */
export function checkFenxBody(name: FenxSchemaName, body: unknown): ContractViolation | undefined {
  const validate = validatorOf(name);
  if (validate(body)) return undefined;
  return violationOf(name, validate.errors?.[0]);
}
