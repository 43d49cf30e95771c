import { Inject, Injectable } from '@nestjs/common';
import { AggregateGroup, ExtractionSpec, FetchContext, FetchResult } from '@fenx/extraction';
import { FenxClient, isCredentialRefusal } from '@fenx/fenx-client';
import { StopConsumerError } from '@fenx/kafka';
import { entityDetailRecord, WebhookEvent } from '@fenx/kafka-contracts';
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

/** The group key of an association event that names its association but not its entity. */
const ASSOCIATION_KEY = 'association:';

/**
 * What the entity extractor asks of the shared extraction pipeline: `entitydata:*` and
 * `association:*` events, grouped by entity id, each group fetched once (`EntityFetcher`) into
 * entity-detail records keyed per kind and partitioned by entity id. An association event whose
 * payload names no entity (FenX's example payload is `{}`) is grouped by its association and the
 * entity is read from the association itself (`sourceId`).
 */
@Injectable()
export class EntitySpec implements ExtractionSpec {
  private readonly fetcher: EntityFetcher;
  private readonly now: () => number;

  constructor(
    private readonly client: FenxClient,
    @Inject(ENTITY_SPEC_OPTIONS) private readonly options: EntitySpecOptions,
  ) {
    this.fetcher = new EntityFetcher(client);
    this.now = options.now ?? Date.now;
  }

  select(event: WebhookEvent): boolean {
    return event.domain === 'entitydata' || event.domain === 'association';
  }

  keyOf(event: WebhookEvent): string | undefined {
    if (event.ids?.entityId) return event.ids.entityId;
    if (event.domain === 'association' && event.ids?.associationId)
      return `${ASSOCIATION_KEY}${event.ids.associationId}`;
    return undefined;
  }

  async fetch(group: AggregateGroup, context: FetchContext): Promise<FetchResult> {
    let entityId: string | undefined;
    if (group.key.startsWith(ASSOCIATION_KEY)) {
      const resolved = await this.entityOfAssociation(group, context);
      if ('result' in resolved) return resolved.result;
      entityId = resolved.entityId;
    }
    const planned: { event: PlannedEvent; needs: EventNeeds }[] = [];
    for (const source of group.events) {
      const { record } = source;
      const event = entityId ? { ...source.event, ids: { ...source.event.ids, entityId } } : source.event;
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
      if (isCredentialRefusal(error))
        throw new StopConsumerError(
          `FenX refused the credentials or tenant: ${(error as Error).message}`,
          error,
        );
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

  /**
   * The entity of an association named without it: the association's `sourceId`. A 404 within the
   * grace period is re-queued; after it the association is gone and its entity cannot be known, so
   * the events fail (dead-lettered with the reason) rather than vanish.
   */
  private async entityOfAssociation(
    group: AggregateGroup,
    context: FetchContext,
  ): Promise<{ entityId: string } | { result: FetchResult }> {
    const associationId = group.key.slice(ASSOCIATION_KEY.length);
    let res;
    try {
      res = await this.client.getAssociation(associationId, { correlationId: context.correlationId });
    } catch (error) {
      if (isCredentialRefusal(error))
        throw new StopConsumerError(
          `FenX refused the credentials or tenant: ${(error as Error).message}`,
          error,
        );
      throw error;
    }
    if (
      res.status === 'ok' &&
      typeof res.association.sourceId === 'string' &&
      res.association.sourceId !== ''
    )
      return { entityId: res.association.sourceId };
    if (res.status === 'not-found' && this.young(group))
      return { result: { retryLater: { reason: 'not_found: may not be retrievable yet' } } };
    throw new Error(
      res.status === 'not-found'
        ? `association ${associationId} is gone and its event names no entity: no record can be keyed`
        : `association ${associationId} names no sourceId: its entity is unknown`,
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
