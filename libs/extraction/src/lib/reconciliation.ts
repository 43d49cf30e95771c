import {
  FenxCallOptions,
  FenxClient,
  REPORT_ROW_ID_FIELD,
  REPORT_ROW_TIME_FIELD,
  ReportKind,
  ReportRow,
} from '@fenx/fenx-client';
import { classifyEventType, FenxNotification, relativeUrls } from '@fenx/fenx-events';
import { syntheticNotificationId } from './synthetic-events';

/**
 * Reconciliation: the pipeline's catch-up events. FenX's "changed between" reports (at most 10,000
 * rows a window, no paging) and backfill id lists become synthetic topic-1 events here, and only
 * here, so every producer (the journey safety net, the entity reconciliation job, backfill and
 * `fenx-admin reconcile`) names the same change with the same notification id and the extractors'
 * de-duplication matches them across producers.
 */

export type ReconciliationDomain = 'entity' | 'journey';

/** The event type of a catch-up event when the report row names none the domain knows. */
export const DEFAULT_CATCH_UP_EVENT_TYPE: Record<ReconciliationDomain, string> = {
  entity: 'entitydata:dataPublished',
  journey: 'journey:taskcompleted',
};

const EVENT_PREFIX: Record<ReconciliationDomain, string> = { entity: 'entitydata', journey: 'journey' };

export function domainOfReport(kind: ReportKind): ReconciliationDomain {
  return kind.startsWith('journey-') ? 'journey' : 'entity';
}

/** `TaskCompleted` (a report's casing) → `journey:taskcompleted`, when FenX knows that type in the domain. */
export function eventTypeOfRow(domain: ReconciliationDomain, reportType: unknown): string {
  if (typeof reportType === 'string' && reportType.trim() !== '') {
    const type = classifyEventType(`${EVENT_PREFIX[domain]}:${reportType.trim().toLowerCase()}`);
    if (type.known) return type.canonical;
  }
  return DEFAULT_CATCH_UP_EVENT_TYPE[domain];
}

export interface CatchUpEventInit {
  domain: ReconciliationDomain;
  /** The entity or journey id. */
  id: string;
  tenantId: string;
  /** What makes this event unique besides the record: (report, row time, window) or (backfill run). */
  idParts: string[];
  /** Sent as the event's `When` (ISO-8601). */
  when: string;
  eventType?: string;
  /** Extra payload fields (the entity or journey id is always there). */
  payload?: Record<string, unknown>;
  correlationId: string;
}

/**
 * One catch-up event: a FenX-shaped notification the extractors read like any webhook event. Its id
 * is a deterministic function of the domain, the record and `idParts`: producing it again (a job
 * re-run, the same window from another producer) yields the same dedup key.
 */
export function catchUpNotification(init: CatchUpEventInit): FenxNotification {
  const idField = init.domain === 'entity' ? 'entityId' : 'journeyId';
  return {
    id: syntheticNotificationId('reconciliation', init.domain, init.id, ...init.idParts),
    tenantId: init.tenantId,
    eventType: init.eventType ?? DEFAULT_CATCH_UP_EVENT_TYPE[init.domain],
    relativeUrl: init.domain === 'entity' ? relativeUrls.entity(init.id) : relativeUrls.journey(init.id),
    payload: { ...init.payload, [idField]: init.id },
    when: init.when,
    correlationId: init.correlationId,
    causationId: null,
  };
}

export interface ReportWindow {
  start: Date;
  end: Date;
}

export interface ReconciliationEvents {
  notifications: FenxNotification[];
  /** Rows that named no record (counted and logged by the caller, never silently dropped). */
  rowsWithoutId: number;
  rows: number;
}

function validTime(v: unknown): string | undefined {
  return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? v : undefined;
}

/**
 * The catch-up events of one report window: one event per record the rows name (its latest row),
 * with the notification id of (report, record, row time, window).
 */
export function reconciliationEvents(
  kind: ReportKind,
  rows: readonly ReportRow[],
  window: ReportWindow,
  tenantId: string,
): ReconciliationEvents {
  const domain = domainOfReport(kind);
  const idField = REPORT_ROW_ID_FIELD[kind];
  const timeField = REPORT_ROW_TIME_FIELD[kind];
  const latest = new Map<string, ReportRow>();
  let rowsWithoutId = 0;
  for (const row of rows) {
    const raw = row[idField];
    const id = typeof raw === 'string' ? raw.trim() : '';
    if (id === '') {
      rowsWithoutId++;
      continue;
    }
    const seen = latest.get(id);
    const t = validTime(row[timeField]);
    const seenT = seen ? validTime(seen[timeField]) : undefined;
    if (!seen || (t !== undefined && (seenT === undefined || Date.parse(t) >= Date.parse(seenT))))
      latest.set(id, row);
  }
  const windowParts = [window.start.toISOString(), window.end.toISOString()];
  const correlationId = `reconciliation:${kind}:${windowParts[1]}`;
  const notifications = [...latest].map(([id, row]) => {
    const rowTime = validTime(row[timeField]);
    const payload: Record<string, unknown> = {};
    // Kept as the row names it: an `entityId` would make a journey event look like an entity's.
    if (domain === 'journey' && typeof row['legalEntityId'] === 'string')
      payload['legalEntityId'] = row['legalEntityId'];
    if (typeof row['eventType'] === 'string') payload['reportEventType'] = row['eventType'];
    return catchUpNotification({
      domain,
      id,
      tenantId,
      idParts: [kind, rowTime ?? '', ...windowParts],
      when: rowTime ?? windowParts[1],
      eventType: eventTypeOfRow(domain, row['eventType']),
      payload,
      correlationId,
    });
  });
  return { notifications, rowsWithoutId, rows: rows.length };
}

/** A window that still held more rows than FenX answers after the allowed number of halvings. */
export class ReportWindowTooLargeError extends Error {
  override readonly name = 'ReportWindowTooLargeError';

  constructor(
    readonly kind: ReportKind,
    readonly window: ReportWindow,
    readonly count: number,
    readonly depth: number,
  ) {
    super(
      `FenX's ${kind} report still held ${count} rows (more than it answers) for ` +
        `${window.start.toISOString()} .. ${window.end.toISOString()} after ${depth} halvings of the window: ` +
        'nothing of the window was written; raise the split depth or reconcile a shorter period',
    );
  }
}

export interface ReportReadOptions extends FenxCallOptions {
  /** Halvings allowed below the asked window (default 10: a 1-hour window down to ~3.5 s parts). */
  maxSplitDepth?: number;
  /** Told about each split (for a log line and a metric). */
  onSplit?: (info: { kind: ReportKind; window: ReportWindow; count: number; depth: number }) => void;
}

export interface ReportRead {
  rows: ReportRow[];
  /** The windows actually read, in order (one when the window fit). */
  parts: ReportWindow[];
}

/**
 * The rows of a report over a window, whole: when FenX says `datasetSizeAccepted: false` the window
 * is split in halves, recursively, until each part fits, up to `maxSplitDepth`; past that the read
 * fails loudly (`ReportWindowTooLargeError`) rather than reconcile a truncated window.
 */
export async function readReport(
  client: Pick<FenxClient, 'report'>,
  kind: ReportKind,
  window: ReportWindow,
  options: ReportReadOptions = {},
): Promise<ReportRead> {
  const maxDepth = options.maxSplitDepth ?? 10;
  const read: ReportRead = { rows: [], parts: [] };
  const visit = async (part: ReportWindow, depth: number): Promise<void> => {
    const answer = await client.report(kind, part.start, part.end, options);
    if (answer.datasetSizeAccepted) {
      read.rows.push(...answer.rows);
      read.parts.push(part);
      return;
    }
    const span = part.end.getTime() - part.start.getTime();
    if (depth >= maxDepth || span < 2) throw new ReportWindowTooLargeError(kind, part, answer.count, depth);
    options.onSplit?.({ kind, window: part, count: answer.count, depth });
    const middle = new Date(part.start.getTime() + Math.floor(span / 2));
    await visit({ start: part.start, end: middle }, depth + 1);
    // FenX's windows are inclusive at both ends: the second half starts just after the first.
    await visit({ start: new Date(middle.getTime() + 1), end: part.end }, depth + 1);
  };
  await visit(window, 0);
  return read;
}

/**
 * `collect` of a windowed reconciliation run (`runWindowedSync`): the report over the window, split
 * as needed, as catch-up events.
 */
export function reportCollector(
  client: Pick<FenxClient, 'report'>,
  kind: ReportKind,
  tenantId: string,
  options: ReportReadOptions & { onRowsWithoutId?: (count: number, window: ReportWindow) => void } = {},
) {
  return async (start: Date, end: Date): Promise<FenxNotification[]> => {
    const window = { start, end };
    const { rows } = await readReport(client, kind, window, {
      correlationId: options.correlationId ?? `reconciliation:${kind}:${end.toISOString()}`,
      ...options,
    });
    const events = reconciliationEvents(kind, rows, window, tenantId);
    if (events.rowsWithoutId > 0) options.onRowsWithoutId?.(events.rowsWithoutId, window);
    return events.notifications;
  };
}
