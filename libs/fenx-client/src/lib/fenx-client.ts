import { OnModuleDestroy } from '@nestjs/common';
import { FenxSchemaName, reportRoute } from './contract/fenx-contract';
import type { FenxClientSettings } from './fenx-client.settings';
import {
  dataOf,
  FenxCallOptions,
  FenxClientOptions,
  FenxHttp,
  FenxRequestSpec,
  FenxResponse,
  messagesOf,
} from './fenx-http';
import type {
  Association,
  ConflictsRequest,
  DataConflict,
  EntityDraft,
  EventFeed,
  EventNotificationType,
  FenxMessage,
  FenxNotification,
  JourneyInstance,
  LegalEntity,
  ProposedChange,
  ReportKind,
  ReportRow,
  Webhook,
  WebhookInput,
  WebhookTestResult,
} from './fenx-types';

export type JourneyResult =
  | { status: 'ok'; journey: JourneyInstance; etag?: string }
  | { status: 'not-modified'; etag?: string; retryAfterSeconds?: number }
  | { status: 'not-found' };

export type EntityResult = { status: 'ok'; entity: LegalEntity } | { status: 'not-found' };

export type DraftResult = { status: 'ok'; draft: EntityDraft } | { status: 'not-found' };

export type ProposedChangesResult = { status: 'ok'; changes: ProposedChange[] } | { status: 'not-found' };

export type ConflictsResult =
  | { status: 'accepted' }
  | {
      status: 'conflict';
      /** The verified record's version, when FenX says it (the seed-document shape does). */
      entityVersion?: number;
      /** Field → verified (`existingValue`) and draft (`newValue`) values; empty when FenX listed none. */
      conflicts: Record<string, DataConflict>;
      messages: FenxMessage[];
    };

export type NotificationBatch =
  | { status: 'empty' }
  | {
      status: 'batch';
      batchId: string;
      notifications: FenxNotification[];
      moreAvailable: boolean;
    };

export interface ReportResult {
  /** Rows as FenX sends them (`legalEntityId` names the entity, `journeyId` the journey). */
  rows: ReportRow[];
  /** FenX's `count`: the rows the window held (more than `rows` when the window did not fit). */
  count: number;
  /** False when the window held more than FenX answers (10,000 rows): split it and ask again. */
  datasetSizeAccepted: boolean;
}

export type DraftIdsResult = { status: 'ok'; draftIds: string[] } | { status: 'not-found' };

export type AssociationResult = { status: 'ok'; association: Association } | { status: 'not-found' };

export type AssociationsResult = { status: 'ok'; associations: Association[] } | { status: 'not-found' };

export type WebhookResult = { status: 'ok'; webhook: Webhook } | { status: 'not-found' };

export type FoundResult = { status: 'ok' } | { status: 'not-found' };

const MAX_SEARCH_PAGES = 10_000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const enc = encodeURIComponent;

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function isoUtc(t: Date | string): string {
  const d = typeof t === 'string' ? new Date(t) : t;
  if (Number.isNaN(d.getTime())) throw new RangeError(`Not a date: ${String(t)}`);
  return d.toISOString();
}

/**
 * The one way the project talks to the FenX API. Every call carries a cached OAuth2 token,
 * `X-TENANT-ID` and the caller's `X-CORRELATION-ID`; passes the process-wide rate limiter and
 * concurrency cap; is retried on network errors, timeouts, 5xx and 429. Answers that are part of an
 * endpoint's contract (304, 404, a conflicts 409, a polling 204) are typed results; anything else that
 * survives the retries is a `FenxApiError` (from './fenx-api-error'). Every body read is checked against the documented
 * contract (`FENX_SCHEMAS`): one that breaks it is an `invalid-response` naming the endpoint and the
 * field, reported to the listener's `onInvalidResponse`.
 */
export class FenxClient implements OnModuleDestroy {
  private readonly http: FenxHttp;

  constructor(settings: FenxClientSettings, options: FenxClientOptions = {}) {
    this.http = new FenxHttp(settings, options);
  }

  get settings(): FenxClientSettings {
    return this.http.settings;
  }

  // ---- Journey Query --------------------------------------------------------------------------------

  /** A journey instance; pass the last `etag` to get `not-modified` when it has not changed. */
  async getJourney(
    journeyId: string,
    options: FenxCallOptions & { etag?: string } = {},
  ): Promise<JourneyResult> {
    const spec = this.spec(
      'GET',
      '/journeyquery/api/journey-instance/{id}',
      `/journeyquery/api/journey-instance/${enc(journeyId)}`,
      { answers: [304, 404] },
    );
    if (options.etag) spec.headers = { 'if-none-match': options.etag };
    const res = await this.http.call(spec, options);
    const etag = headerValue(res.headers['etag']);
    if (res.status === 404) return { status: 'not-found' };
    if (res.status === 304) {
      const retryAfter = Number(headerValue(res.headers['retry-after']));
      return {
        status: 'not-modified',
        etag: etag ?? options.etag,
        retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : undefined,
      };
    }
    const data = this.data(spec, 'journey', res.body) as Record<string, unknown>;
    const journey = {
      ...data,
      stages: Array.isArray(data['stages']) ? data['stages'] : [],
    } as JourneyInstance;
    return { status: 'ok', journey, etag };
  }

  /** All journeys of one entity, following `nextPaginationToken` to the end. */
  async searchJourneysByEntity(
    entityId: string,
    options: FenxCallOptions & { pageSize?: number } = {},
  ): Promise<JourneyInstance[]> {
    const journeys: JourneyInstance[] = [];
    const seen = new Set<string>();
    let paginationToken: string | undefined;
    for (let page = 0; page < MAX_SEARCH_PAGES; page++) {
      const spec = this.spec(
        'POST',
        '/journeyquery/api/journey-instance/search',
        '/journeyquery/api/journey-instance/search',
        {
          body: {
            data: {
              entityId,
              options: { paginationToken, pageSize: options.pageSize },
            },
          },
        },
      );
      const res = await this.http.call(spec, options);
      const data = this.data(spec, 'journeySearch', res.body) as { items: JourneyInstance[] };
      journeys.push(...data.items.map((j) => ({ ...j, stages: Array.isArray(j.stages) ? j.stages : [] })));
      const next = (data as Record<string, unknown>)['nextPaginationToken'];
      if (typeof next !== 'string' || next === '') return journeys;
      if (seen.has(next))
        throw this.http.invalidResponse(spec, {
          schema: 'journeySearch',
          field: '/data/nextPaginationToken',
          fieldPattern: '/data/nextPaginationToken',
          message: `repeats an earlier token (${next})`,
        });
      seen.add(next);
      paginationToken = next;
    }
    throw new RangeError(`More than ${MAX_SEARCH_PAGES} pages of journeys for entity ${entityId}`);
  }

  // ---- Entity Data Query ----------------------------------------------------------------------------

  /** The verified record of a legal entity. */
  async getEntity(entityId: string, options: FenxCallOptions = {}): Promise<EntityResult> {
    const spec = this.spec(
      'GET',
      '/entitydataquery/api/v2/entity/{id}',
      `/entitydataquery/api/v2/entity/${enc(entityId)}`,
      { answers: [404] },
    );
    const res = await this.http.call(spec, options);
    if (res.status === 404) return { status: 'not-found' };
    return { status: 'ok', entity: this.data(spec, 'entity', res.body) as LegalEntity };
  }

  async getDraft(entityId: string, draftId: string, options: FenxCallOptions = {}): Promise<DraftResult> {
    const spec = this.spec(
      'GET',
      '/entitydataquery/api/v2/entity/{entityId}/draft/{draftId}',
      `/entitydataquery/api/v2/entity/${enc(entityId)}/draft/${enc(draftId)}`,
      { answers: [404] },
    );
    const res = await this.http.call(spec, options);
    if (res.status === 404) return { status: 'not-found' };
    return { status: 'ok', draft: this.data(spec, 'draft', res.body) as EntityDraft };
  }

  /** The ids of every draft of an entity (`…/drafts-ids`). */
  async getDraftIds(entityId: string, options: FenxCallOptions = {}): Promise<DraftIdsResult> {
    const spec = this.spec(
      'GET',
      '/entitydataquery/api/v2/entity/{entityId}/drafts-ids',
      `/entitydataquery/api/v2/entity/${enc(entityId)}/drafts-ids`,
      { answers: [404] },
    );
    const res = await this.http.call(spec, options);
    if (res.status === 404) return { status: 'not-found' };
    const data = this.data(spec, 'draftIds', res.body) as { items: string[] };
    return { status: 'ok', draftIds: [...new Set(data.items)] };
  }

  async getProposedChanges(draftId: string, options: FenxCallOptions = {}): Promise<ProposedChangesResult> {
    const spec = this.spec(
      'GET',
      '/entitydataquery/api/v2/entity/proposedchanges/draft/{draftId}',
      `/entitydataquery/api/v2/entity/proposedchanges/draft/${enc(draftId)}`,
      { answers: [404] },
    );
    const res = await this.http.call(spec, options);
    if (res.status === 404) return { status: 'not-found' };
    return { status: 'ok', changes: this.data(spec, 'proposedChanges', res.body) as ProposedChange[] };
  }

  // ---- Association Query ----------------------------------------------------------------------------

  /** One association; `not-found` (FenX's "No association found") means it is gone. */
  async getAssociation(associationId: string, options: FenxCallOptions = {}): Promise<AssociationResult> {
    const spec = this.spec(
      'GET',
      '/associationquery/api/association/{id}',
      `/associationquery/api/association/${enc(associationId)}`,
      { answers: [404] },
    );
    const res = await this.http.call(spec, options);
    if (res.status === 404) return { status: 'not-found' };
    return { status: 'ok', association: this.data(spec, 'association', res.body) as Association };
  }

  /** An entity's verified associations (`…/association/root/{entityId}`, at most 10,000). */
  async getAssociationsOfRoot(entityId: string, options: FenxCallOptions = {}): Promise<AssociationsResult> {
    const spec = this.spec(
      'GET',
      '/associationquery/api/association/root/{entityId}',
      `/associationquery/api/association/root/${enc(entityId)}`,
      { answers: [404] },
    );
    const res = await this.http.call(spec, options);
    if (res.status === 404) return { status: 'not-found' };
    return { status: 'ok', associations: this.data(spec, 'associationsOfRoot', res.body) as Association[] };
  }

  // ---- Entity Data Command: conflicts ----------------------------------------------------------------

  /**
   * Checks (and with `pushChanges: true` resolves) a draft's conflicts with the verified record.
   * A 409 is the answer "there are conflicts", in either of FenX's two shapes.
   */
  async checkConflicts(
    entityId: string,
    draftId: string,
    body: ConflictsRequest,
    options: FenxCallOptions = {},
  ): Promise<ConflictsResult> {
    const spec = this.spec(
      'PUT',
      '/entitydatacommand/api/v2/entity/{entityId}/draft/{draftId}/conflicts',
      `/entitydatacommand/api/v2/entity/${enc(entityId)}/draft/${enc(draftId)}/conflicts`,
      { body: { data: body }, answers: [409] },
    );
    const res = await this.http.call(spec, options);
    if (res.status !== 409) return { status: 'accepted' };
    this.http.checked(spec, 'conflicts409', res.body);
    return { status: 'conflict', ...parseConflicts(res.body) };
  }

  // ---- Reporting Query ------------------------------------------------------------------------------

  /**
   * One of FenX's "changed between" reports (`start` and `end` sent as UTC ISO-8601). FenX answers
   * at most 10,000 rows, without paging: `datasetSizeAccepted: false` says the window held more
   * (`reportWindows` in @fenx/extraction splits it).
   */
  async report(
    kind: ReportKind,
    start: Date | string,
    end: Date | string,
    options: FenxCallOptions = {},
  ): Promise<ReportResult> {
    const path = reportRoute(kind);
    const spec = this.spec('POST', path, path, {
      body: { data: { startDate: isoUtc(start), endDate: isoUtc(end) } },
    });
    const res = await this.http.call(spec, options);
    const data = this.data(spec, `report:${kind}`, res.body) as {
      count: number;
      datasetSizeAccepted: boolean;
      items: ReportRow[];
    };
    return { rows: data.items, count: data.count, datasetSizeAccepted: data.datasetSizeAccepted };
  }

  entityUpdatedReport(
    start: Date | string,
    end: Date | string,
    options?: FenxCallOptions,
  ): Promise<ReportResult> {
    return this.report('entity-updated', start, end, options);
  }

  journeyUpdatedReport(
    start: Date | string,
    end: Date | string,
    options?: FenxCallOptions,
  ): Promise<ReportResult> {
    return this.report('journey-updated', start, end, options);
  }

  // ---- Event polling --------------------------------------------------------------------------------

  /** The next batch of a feed, or `empty` (204). Complete the batch once its events are safe. */
  async nextNotifications(feed: EventFeed, options: FenxCallOptions = {}): Promise<NotificationBatch> {
    const spec = this.spec(
      'GET',
      '/eventnotifications/v2/{feedId}/next',
      `/eventnotifications/v2/${enc(feed)}/next`,
    );
    const res = await this.http.call(spec, options);
    if (res.status === 204) return { status: 'empty' };
    const body = this.http.checked(spec, 'notifications', res.body) as {
      batchId: string;
      notifications: FenxNotification[];
      moreAvailable: boolean;
    };
    return {
      status: 'batch',
      batchId: body.batchId,
      notifications: body.notifications,
      moreAvailable: body.moreAvailable,
    };
  }

  async completeBatch(feed: EventFeed, batchId: string, options: FenxCallOptions = {}): Promise<void> {
    await this.http.call(
      this.spec(
        'POST',
        '/eventnotifications/v2/{feedId}/{batchId}/complete',
        `/eventnotifications/v2/${enc(feed)}/${enc(batchId)}/complete`,
      ),
      options,
    );
  }

  /** Drops every pending notification of a feed. */
  async discardAll(feed: EventFeed, options: FenxCallOptions = {}): Promise<void> {
    await this.http.call(
      this.spec(
        'PUT',
        '/eventnotifications/v2/{feedId}/discardAll',
        `/eventnotifications/v2/${enc(feed)}/discardAll`,
      ),
      options,
    );
  }

  // ---- Webhook admin --------------------------------------------------------------------------------

  async listWebhooks(options: FenxCallOptions = {}): Promise<Webhook[]> {
    const spec = this.spec('GET', '/webhooks/v1/webhooks', '/webhooks/v1/webhooks');
    const res = await this.http.call(spec, options);
    return this.http.checked(spec, 'webhookList', res.body)['webHooks'] as Webhook[];
  }

  /** Creates a webhook (at most 10 per tenant) and returns its id. Not retried once FenX may have it. */
  async createWebhook(input: WebhookInput, options: FenxCallOptions = {}): Promise<string> {
    const spec = this.spec('POST', '/webhooks/v1/webhooks', '/webhooks/v1/webhooks', {
      body: input,
      idempotent: false,
    });
    const res = await this.http.call(spec, options);
    return this.http.checked(spec, 'webhookCreated', res.body)['webhookId'] as string;
  }

  /** One webhook with its `lastDeliveries` (FenX wraps it: `{"webhook": {…}}`). */
  async getWebhook(webhookId: string, options: FenxCallOptions = {}): Promise<WebhookResult> {
    const spec = this.webhookSpec('GET', webhookId);
    const res = await this.http.call(spec, options);
    if (res.status === 404) return { status: 'not-found' };
    return { status: 'ok', webhook: this.http.checked(spec, 'webhook', res.body)['webhook'] as Webhook };
  }

  /**
   * Replaces a webhook's settings (FenX answers 200 without a body); without `secret` the current
   * one is kept; `enabled: true` re-enables.
   */
  async updateWebhook(
    webhookId: string,
    input: WebhookInput,
    options: FenxCallOptions = {},
  ): Promise<FoundResult> {
    const res = await this.http.call({ ...this.webhookSpec('PUT', webhookId), body: input }, options);
    return res.status === 404 ? { status: 'not-found' } : { status: 'ok' };
  }

  async deleteWebhook(webhookId: string, options: FenxCallOptions = {}): Promise<FoundResult> {
    const res = await this.http.call(this.webhookSpec('DELETE', webhookId), options);
    return res.status === 404 ? { status: 'not-found' } : { status: 'ok' };
  }

  /** Asks FenX to send a test notification to the webhook and says how its delivery went. */
  async testWebhook(webhookId: string, options: FenxCallOptions = {}): Promise<WebhookTestResult> {
    const spec = this.spec(
      'GET',
      '/webhooks/v1/webhooks/{id}/test',
      `/webhooks/v1/webhooks/${enc(webhookId)}/test`,
    );
    const res = await this.http.call(spec, options);
    return this.http.checked(spec, 'webhookTest', res.body)['delivery'] as WebhookTestResult;
  }

  async eventNotificationTypes(options: FenxCallOptions = {}): Promise<EventNotificationType[]> {
    const spec = this.spec(
      'GET',
      '/webhooks/v1/webhooks/event-notification-types',
      '/webhooks/v1/webhooks/event-notification-types',
    );
    const res = await this.http.call(spec, options);
    return this.http.checked(spec, 'eventNotificationTypes', res.body)[
      'eventTypes'
    ] as EventNotificationType[];
  }

  // ---- Escape hatch and lifecycle -------------------------------------------------------------------

  /**
   * Any other FenX call, with the same token, headers, limiter and retries. Statuses in
   * `spec.answers` are returned; other non-2xx statuses throw `FenxApiError`.
   */
  call(spec: FenxRequestSpec, options: FenxCallOptions = {}): Promise<FenxResponse> {
    return this.http.call(spec, options);
  }

  /** Closes connections; calls still waiting for the limiter fail with reason `aborted`. */
  close(): Promise<void> {
    return this.http.close();
  }

  async onModuleDestroy(): Promise<void> {
    await this.close();
  }

  private spec(
    method: FenxRequestSpec['method'],
    route: string,
    path: string,
    extra: Partial<FenxRequestSpec> = {},
  ): FenxRequestSpec {
    return { method, route, path, ...extra };
  }

  private webhookSpec(method: FenxRequestSpec['method'], webhookId: string): FenxRequestSpec {
    return this.spec(method, '/webhooks/v1/webhooks/{id}', `/webhooks/v1/webhooks/${enc(webhookId)}`, {
      answers: [404],
    });
  }

  /** The `data` of a query answer that follows the contract's schema `schema`. */
  private data(spec: FenxRequestSpec, schema: FenxSchemaName, body: unknown): unknown {
    return this.http.checked(spec, schema, body)['data'];
  }
}

/**
 * Reads a conflicts 409 in either shape: the seed document's `{"data":{"entityVersion",
 * "dataConflicts":{…}}}` or FenX's error envelope (`errorCode: "CONFLICT"`, maybe without details).
 */
export function parseConflicts(body: unknown): {
  entityVersion?: number;
  conflicts: Record<string, DataConflict>;
  messages: FenxMessage[];
} {
  const data = dataOf(body);
  const source = isRecord(data) ? data : isRecord(body) ? body : {};
  const raw = source['dataConflicts'] ?? source['conflicts'];
  const conflicts: Record<string, DataConflict> = {};
  if (isRecord(raw))
    for (const [field, value] of Object.entries(raw))
      if (isRecord(value)) conflicts[field] = value as DataConflict;
  const version = source['entityVersion'];
  return {
    entityVersion: typeof version === 'number' ? version : undefined,
    conflicts,
    messages: messagesOf(body),
  };
}
