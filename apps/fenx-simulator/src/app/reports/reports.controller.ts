import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { classifyEventType } from '@fenx/fenx-events';
import { FenxHttpError, notFound, ok } from '../api/fenx-envelope';
import { SimulatorEnv } from '../config/simulator-env';
import { LoggedEvent, NotificationBus } from '../events/notification-bus';
import type { JourneyInstance, LegalEntity } from '../state/models';
import { SimStore } from '../state/sim-store';
import { ReportDto } from './report.dto';

type Subject = 'entity' | 'journey';
type Row = Record<string, string | number | null>;

interface ReportSpec {
  subject: Subject;
  /** Only events of this type count; `undefined` = any event of the subject. */
  eventType?: string;
  row(e: LoggedEvent, report: ReportsController): Row | undefined;
}

const WORDS = [
  'association',
  'approaching',
  'reassigned',
  'migration',
  'published',
  'cancelled',
  'completed',
  'unpaused',
  'verified',
  'rejected',
  'reopened',
  'instance',
  'migrated',
  'journey',
  'started',
  'created',
  'updated',
  'removed',
  'paused',
  'stage',
  'draft',
  'error',
  'task',
  'data',
  'past',
  'due',
  'sla',
];

/** `entitydata:draftverified` → `DraftVerified`, `journey:taskcompleted` → `TaskCompleted` (report casing). */
export function reportEventType(eventType: string): string {
  let rest = (classifyEventType(eventType).canonical.split(':')[1] ?? eventType).toLowerCase();
  let out = '';
  while (rest.length > 0) {
    const word = WORDS.find((w) => rest.startsWith(w)) ?? rest;
    out += word.charAt(0).toUpperCase() + word.slice(1);
    rest = rest.slice(word.length);
  }
  return out;
}

/** A report status ("Completed", not Journey Query's "Done"). */
function reportJourneyStatus(status: string): string {
  return status === 'Done' ? 'Completed' : status;
}

const REPORTS: Record<string, ReportSpec> = {
  'entity-report/entity-updated-report': {
    subject: 'entity',
    row: (e, r) =>
      r.entityRow(e, {
        updatedTime: e.notification.when,
        eventType: reportEventType(e.notification.eventType),
      }),
  },
  'entity-report/entity-created-report': {
    subject: 'entity',
    eventType: 'entitydata:created',
    row: (e, r) => r.entityRow(e, { createdDate: e.notification.when }),
  },
  'journey-report/journey-updated-report': {
    subject: 'journey',
    row: (e, r) =>
      r.journeyRow(e, {
        updatedTime: e.notification.when,
        eventType: reportEventType(e.notification.eventType),
      }),
  },
  'journey-report/journey-started-report': {
    subject: 'journey',
    eventType: 'journey:instancestarted',
    row: (e, r) => r.journeyRow(e, {}),
  },
  'journey-report/journey-completed-report': {
    subject: 'journey',
    eventType: 'journey:instancecompleted',
    row: (e, r) => {
      const row = r.journeyRow(e, { completedTime: e.notification.when });
      if (!row) return undefined;
      delete row['currentJourneyStatus'];
      const started = Date.parse(String(row['startedTime']));
      row['duration'] = Number.isNaN(started)
        ? null
        : Math.round((Date.parse(e.notification.when) - started) / 1000);
      return row;
    },
  },
};

/**
 * FenX's "changed between two times" reports, computed from the event log in the documented shape:
 * `{data: {count, datasetSizeAccepted, items}}`, one row per matching event in [startDate, endDate]
 * (inclusive, UTC), rows naming the entity `legalEntityId`. At most SIM_REPORT_MAX_ROWS rows
 * (FenX: 10,000) and no paging: a window that holds more answers `datasetSizeAccepted: false`.
 */
@Controller('reportingquery/api')
export class ReportsController {
  constructor(
    private readonly bus: NotificationBus,
    private readonly store: SimStore,
    private readonly env: SimulatorEnv,
  ) {}

  @Post(':group/:report')
  @HttpCode(200)
  report(@Param('group') group: string, @Param('report') report: string, @Body() body: ReportDto) {
    const spec = REPORTS[`${group}/${report}`];
    if (!spec) throw notFound('Report', `${group}/${report}`);
    const from = Date.parse(body.data.startDate);
    const to = Date.parse(body.data.endDate);
    if (from > to) throw new FenxHttpError(400, 'VALIDATION_ERROR', 'startDate must not be after endDate');
    const rows: Row[] = [];
    for (const e of this.bus.between(from, to)) {
      if (!this.matches(e, spec)) continue;
      const row = spec.row(e, this);
      if (row) rows.push(row);
    }
    const max = this.env.SIM_REPORT_MAX_ROWS;
    return ok({ count: rows.length, datasetSizeAccepted: rows.length <= max, items: rows.slice(0, max) });
  }

  entityRow(e: LoggedEvent, first: Row): Row | undefined {
    if (!e.entityId) return undefined;
    const entity: LegalEntity | undefined = this.store.entities.get(e.entityId);
    const payload = e.notification.payload as { draftId?: unknown } | null;
    return {
      ...first,
      ...(first['updatedTime'] !== undefined ? { entityCreatedDate: entity?.created ?? null } : {}),
      legalEntityId: e.entityId,
      legalEntityName: nameOf(entity),
      legalEntityType: entity?.type ?? null,
      currentLegalEntityStatus: entity?.lifecycleStatus ?? null,
      ...(first['updatedTime'] !== undefined
        ? { entityDraftId: typeof payload?.draftId === 'string' ? payload.draftId : null }
        : {}),
      businessRelatedAccessLayers: '',
      geographicAccessLayers: '',
    };
  }

  journeyRow(e: LoggedEvent, first: Row): Row | undefined {
    if (!e.journeyId) return undefined;
    const j: JourneyInstance | undefined = this.store.journeys.get(e.journeyId);
    return {
      ...first,
      startedTime: j?.started ?? null,
      journeyId: e.journeyId,
      journeyType: j?.type ?? null,
      currentJourneyStatus: j ? reportJourneyStatus(j.status) : null,
      journeySchemaId: j ? `schema-${j.type.toLowerCase().replace(/\s+/g, '-')}` : null,
      legalEntityId: j?.entityId ?? null,
    };
  }

  private matches(e: LoggedEvent, spec: ReportSpec): boolean {
    if (spec.eventType) return e.notification.eventType.toLowerCase() === spec.eventType;
    const { domain } = classifyEventType(e.notification.eventType);
    return spec.subject === 'journey'
      ? domain === 'journey'
      : domain === 'entitydata' || domain === 'association';
  }
}

function nameOf(entity: LegalEntity | undefined): string | null {
  const v = entity?.properties['legalEntityName']?.value;
  return typeof v === 'string' ? v : null;
}
