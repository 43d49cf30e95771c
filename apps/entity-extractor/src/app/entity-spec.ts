import { Inject, Injectable } from '@nestjs/common';
import { AggregateGroup, ExtractionSpec, FetchContext, FetchResult } from '@fenx/extraction';
import { FenxApiError, FenxClient } from '@fenx/fenx-client';
import { entityDetailRecord, StopConsumerError, WebhookEvent } from '@fenx/kafka';
import { EntityFetcher } from './fetch/entity-fetcher';
import { EventNeeds, mergeByEntity, planEvent, PlannedEvent } from './fetch/entity-work';

export const ENTITY_SPEC_OPTIONS = Symbol('ENTITY_SPEC_OPTIONS');

export interface EntitySpecOptions {
  /** A 404 for an event younger than this is "not retrievable yet" (re-queued) instead of a deletion. */
  notFoundGraceMs: number;
  /** Look up open drafts on a new verified version (default true). */
  scanOpenDrafts?: boolean;
  now?: () => number;
}

/**
 * What the entity extractor asks of the shared extraction pipeline: `entitydata:*` and
 * `association:*` events, grouped by entity id, each group fetched once (`EntityFetcher`) into
 * entity-detail records keyed per kind and partitioned by entity id.
 */
@Injectable()
export class EntitySpec implements ExtractionSpec {
  private readonly fetcher: EntityFetcher;
  private readonly now: () => number;

  private readonly tokenPath: string;

  constructor(
    client: FenxClient,
    @Inject(ENTITY_SPEC_OPTIONS) private readonly options: EntitySpecOptions,
  ) {
    this.fetcher = new EntityFetcher(client);
    this.tokenPath = new URL(client.settings.tokenUrl).pathname;
    this.now = options.now ?? Date.now;
  }

  select(event: WebhookEvent): boolean {
    return event.domain === 'entitydata' || event.domain === 'association';
  }

  keyOf(event: WebhookEvent): string | undefined {
    return event.ids?.entityId || undefined;
  }

  async fetch(group: AggregateGroup, context: FetchContext): Promise<FetchResult> {
    const planned: { event: PlannedEvent; needs: EventNeeds }[] = [];
    for (const { event, record } of group.events) {
      const plan = planEvent(event);
      if (plan.kind !== 'fetch') continue;
      const ref = {
        notificationId: event.notificationId,
        eventType: event.eventType,
        origin: event.origin,
        when: event.when,
        partition: record.partition,
        offset: record.offset,
      };
      planned.push({ event: { event, ref }, needs: plan.needs });
    }
    const [work] = mergeByEntity(planned);
    if (!work) return {};
    if (this.options.scanOpenDrafts === false) work.scanOpenDrafts = false;
    let details;
    try {
      details = await this.fetcher.fetch(work, { correlationId: context.correlationId });
    } catch (error) {
      // Refused credentials are nobody's event: stop without committing instead of dead-lettering.
      if (error instanceof FenxApiError && this.refusedCredentials(error))
        throw new StopConsumerError(`FenX refused the credentials (${error.status} on ${error.path})`, error);
      throw error;
    }
    if (details.some((d) => d.state === 'deleted') && this.young(group)) {
      return { retryLater: { reason: 'not_found: may not be retrievable yet' } };
    }
    return {
      records: details.map((d) => ({
        record: entityDetailRecord(d),
        kind: d.state === 'deleted' ? 'deleted' : d.kind,
      })),
    };
  }

  private refusedCredentials(error: FenxApiError): boolean {
    if (error.status === 401 || error.status === 403) return true;
    return (
      error.path === this.tokenPath && error.status !== undefined && error.status >= 400 && error.status < 500
    );
  }

  /** Whether the group's newest webhook event is within the not-found grace period. */
  private young(group: AggregateGroup): boolean {
    if (this.options.notFoundGraceMs <= 0) return false;
    const newest = Math.max(
      ...group.events
        .filter((e) => e.event.origin === 'webhook')
        .map((e) => Date.parse(e.event.receivedAt) || 0),
      0,
    );
    return newest > 0 && this.now() - newest < this.options.notFoundGraceMs;
  }
}
