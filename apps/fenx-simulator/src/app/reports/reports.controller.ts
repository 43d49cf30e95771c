import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { classifyEventType } from '@fenx/fenx-events';
import { FenxHttpError, notFound, ok } from '../api/fenx-envelope';
import { LoggedEvent, NotificationBus } from '../events/notification-bus';
import { SimStore } from '../state/sim-store';
import { ReportDto } from './report.dto';

type Subject = 'entity' | 'journey';

/** Which logged events count for each report; `undefined` = any event of the subject. */
const REPORTS: Record<string, { subject: Subject; eventType?: string }> = {
  'entity-report/entity-updated-report': { subject: 'entity' },
  'entity-report/entity-created-report': { subject: 'entity', eventType: 'entitydata:created' },
  'journey-report/journey-updated-report': { subject: 'journey' },
  'journey-report/journey-started-report': { subject: 'journey', eventType: 'journey:instancestarted' },
  'journey-report/journey-completed-report': { subject: 'journey', eventType: 'journey:instancecompleted' },
};

/**
 * FenX's "changed between two times" reports, computed from the event log: one row per record
 * with at least one matching event in [startDate, endDate] (inclusive, UTC).
 */
@Controller('reportingquery/api')
export class ReportsController {
  constructor(
    private readonly bus: NotificationBus,
    private readonly store: SimStore,
  ) {}

  @Post(':group/:report')
  @HttpCode(200)
  report(@Param('group') group: string, @Param('report') report: string, @Body() body: ReportDto) {
    const spec = REPORTS[`${group}/${report}`];
    if (!spec) throw notFound('Report', `${group}/${report}`);
    const from = Date.parse(body.data.startDate);
    const to = Date.parse(body.data.endDate);
    if (from > to) throw new FenxHttpError(400, 'VALIDATION_ERROR', 'startDate must not be after endDate');
    const events = this.bus.between(from, to).filter((e) => this.matches(e, spec));
    return ok(spec.subject === 'entity' ? this.entityRows(events) : this.journeyRows(events));
  }

  private matches(e: LoggedEvent, spec: { subject: Subject; eventType?: string }): boolean {
    if (spec.eventType) return e.notification.eventType.toLowerCase() === spec.eventType;
    const { domain } = classifyEventType(e.notification.eventType);
    return spec.subject === 'journey'
      ? domain === 'journey'
      : domain === 'entitydata' || domain === 'association';
  }

  private entityRows(events: LoggedEvent[]) {
    const last = new Map<string, LoggedEvent>();
    for (const e of events) if (e.entityId) last.set(e.entityId, e);
    return [...last.entries()].map(([entityId, e]) => {
      const entity = this.store.entities.get(entityId);
      return {
        entityId,
        entityType: entity?.type ?? null,
        version: entity?.version ?? null,
        lifecycleStatus: entity?.lifecycleStatus ?? null,
        lastEventType: e.notification.eventType,
        updated: e.notification.when,
      };
    });
  }

  private journeyRows(events: LoggedEvent[]) {
    const last = new Map<string, LoggedEvent>();
    for (const e of events) if (e.journeyId) last.set(e.journeyId, e);
    return [...last.entries()].map(([journeyId, e]) => {
      const j = this.store.journeys.get(journeyId);
      return {
        journeyId,
        entityId: j?.entityId ?? null,
        journeyType: j?.type ?? null,
        status: j?.status ?? null,
        version: j?.version ?? null,
        lastEventType: e.notification.eventType,
        updated: e.notification.when,
      };
    });
  }
}
