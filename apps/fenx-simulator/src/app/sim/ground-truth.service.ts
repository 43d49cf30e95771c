import { Injectable } from '@nestjs/common';
import { SimClock } from '../core/clock';
import { NotificationBus } from '../events/notification-bus';
import { journeyEtag } from '../journeys/etag';
import { PollingService } from '../polling/polling.service';
import { SimStore } from '../state/sim-store';
import { WebhookService } from '../webhooks/webhook.service';

/** Everything that exists and everything delivered, for end-to-end tests to prove nothing was missed. */
@Injectable()
export class GroundTruthService {
  constructor(
    private readonly store: SimStore,
    private readonly bus: NotificationBus,
    private readonly webhooks: WebhookService,
    private readonly polling: PollingService,
    private readonly clock: SimClock,
  ) {}

  snapshot(includeDeliveryLog: boolean) {
    return {
      tenantId: this.bus.tenantId,
      now: this.clock.nowIso(),
      events: {
        emitted: this.bus.emitted,
        duplicated: this.bus.duplicated,
        logged: this.bus.logged(),
        logDropped: this.bus.logDropped,
      },
      entities: [...this.store.entities.values()].map((e) => ({
        id: e.id,
        version: e.version,
        lifecycleStatus: e.lifecycleStatus,
        deleted: e.deleted,
        drafts: this.store.draftsOf(e.id).map((d) => ({
          id: d.id,
          journeyId: d.journeyId,
          status: d.status,
          version: d.version,
          sourceEntityVersion: d.sourceEntityVersion,
        })),
      })),
      journeys: [...this.store.journeys.values()].map((j) => ({
        id: j.id,
        entityId: j.entityId,
        status: j.status,
        version: j.version,
        etag: journeyEtag(j.id, j.version),
        tasksDone: j.stats.completed,
        tasksTotal: j.stats.total,
      })),
      associations: [...this.store.associations.values()].map((a) => ({
        id: a.id,
        entityId: a.entityId,
        relatedEntityId: a.relatedEntityId,
        status: a.status,
        version: a.version,
      })),
      webhooks: this.webhooks.list().map((w) => ({
        id: w.id,
        name: w.name,
        url: w.url,
        status: w.status,
        queued: w.queue.length,
        inFlight: w.inFlight,
        retrying: w.retrying.size,
        ...w.counters,
        deadLetter: w.deadLetter,
        deliveryLogDropped: w.logDropped,
        ...(includeDeliveryLog ? { deliveryLog: w.log } : {}),
      })),
      feeds: this.polling.stats(),
    };
  }
}
