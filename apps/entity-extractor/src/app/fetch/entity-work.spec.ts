import { relativeUrls } from '@fenx/fenx-events';
import { syntheticWebhookEvent, WebhookEvent } from '@fenx/kafka-contracts';
import { MAX_SOURCE_EVENTS, mergeByEntity, planEvent, PlannedEvent } from './entity-work';

const TENANT = 'tenant-1';

function event(
  eventType: string,
  relativeUrl: string,
  payload: Record<string, unknown> = {},
  origin: Parameters<typeof syntheticWebhookEvent>[1] = 'polling',
  id = `n-${Math.random()}`,
  when = '2024-01-01T00:00:00Z',
): WebhookEvent {
  return syntheticWebhookEvent(
    { id, tenantId: TENANT, eventType, relativeUrl, payload, when, correlationId: null, causationId: null },
    origin,
  ).event;
}

function planned(e: WebhookEvent, offset = 0) {
  const plan = planEvent(e);
  if (plan.kind !== 'fetch') throw new Error(`not fetched: ${plan.reason}`);
  const ref = {
    notificationId: e.notificationId,
    eventType: e.eventType,
    origin: e.origin,
    when: e.when,
    partition: 0,
    offset: String(offset),
  };
  return { event: { event: e, ref } as PlannedEvent, needs: plan.needs };
}

describe('planEvent', () => {
  it('fetches the verified record on verified-record events and scans open drafts unless new', () => {
    for (const type of [
      'entitydata:draftverified',
      'entitydata:dataPublished',
      'entitydata:migrated',
      'entitydata:migrationupdated',
    ]) {
      const plan = planEvent(event(type, relativeUrls.entity('e1')));
      expect(plan).toEqual({
        kind: 'fetch',
        needs: expect.objectContaining({
          entityId: 'e1',
          entity: true,
          scanOpenDrafts: true,
          allDrafts: false,
        }),
      });
    }
    const created = planEvent(event('entitydata:created', relativeUrls.entity('e1')));
    expect(created).toEqual({
      kind: 'fetch',
      needs: expect.objectContaining({ entity: true, scanOpenDrafts: false }),
    });
  });

  it('also refreshes the draft a draftverified event names in its payload', () => {
    const plan = planEvent(event('entitydata:draftverified', relativeUrls.entity('e1'), { draftId: 'd1' }));
    expect(plan).toEqual({
      kind: 'fetch',
      needs: expect.objectContaining({ entity: true, draftIds: ['d1'] }),
    });
  });

  it('fetches the draft (only) on draft events, matching the event type in any case', () => {
    for (const type of ['entitydata:draftcreated', 'ENTITYDATA:DRAFTUPDATED', 'entitydata:draftrejected']) {
      const plan = planEvent(event(type, relativeUrls.draft('e1', 'd1')));
      expect(plan).toEqual({
        kind: 'fetch',
        needs: expect.objectContaining({
          entityId: 'e1',
          entity: false,
          draftIds: ['d1'],
          scanOpenDrafts: false,
        }),
      });
    }
  });

  it("routes FenX's documented entitydata:draftcreated_enriched like the draft its RelativeUrl names", () => {
    expect(planEvent(event('entitydata:draftcreated_enriched', relativeUrls.draft('e1', 'd1')))).toEqual({
      kind: 'fetch',
      needs: expect.objectContaining({ entityId: 'e1', entity: false, draftIds: ['d1'] }),
    });
  });

  it('fetches the association an association event names, else the associations of the entity it names', () => {
    expect(
      planEvent(event('association:associationremoved', relativeUrls.association('a1'), { entityId: 'e1' })),
    ).toEqual({
      kind: 'fetch',
      needs: expect.objectContaining({ entityId: 'e1', entity: false, associationIds: ['a1'] }),
    });
    // Both plausible forms of an association event's RelativeUrl: the association's GET, or its entity.
    for (const url of [relativeUrls.entity('e1'), 'associationquery/api/association/root/e1'])
      expect(planEvent(event('association:associationcreated', url))).toEqual({
        kind: 'fetch',
        needs: expect.objectContaining({
          entityId: 'e1',
          entity: false,
          associationIds: [],
          allAssociations: true,
        }),
      });
  });

  it('refreshes everything of the entity for reconciliation, backfill and replay events', () => {
    for (const origin of ['reconciliation', 'backfill', 'replay'] as const) {
      const plan = planEvent(event('entitydata:dataPublished', relativeUrls.entity('e1'), {}, origin));
      expect(plan).toEqual({
        kind: 'fetch',
        needs: expect.objectContaining({ entity: true, allDrafts: true }),
      });
    }
  });

  it('falls back on the RelativeUrl for unknown event types of the entity domains', () => {
    expect(planEvent(event('entitydata:somethingnew', relativeUrls.draft('e1', 'd9')))).toEqual({
      kind: 'fetch',
      needs: expect.objectContaining({ draftIds: ['d9'], entity: false }),
    });
    expect(planEvent(event('entitydata:somethingnew', relativeUrls.entityV2('e1')))).toEqual({
      kind: 'fetch',
      needs: expect.objectContaining({ entity: true }),
    });
  });

  it('skips other domains and events that name no entity', () => {
    expect(planEvent(event('journey:taskcompleted', relativeUrls.journey('j1')))).toEqual({
      kind: 'skip',
      reason: 'other_domain',
    });
    expect(planEvent(event('document:uploaded', 'documentquery/api/document/x'))).toEqual({
      kind: 'skip',
      reason: 'other_domain',
    });
    expect(planEvent(event('entitydata:created', 'somewhere/else'))).toEqual({
      kind: 'skip',
      reason: 'no_entity_id',
    });
  });
});

describe('mergeByEntity', () => {
  it('merges the needs of one entity, keeps first-seen order and the latest event time', () => {
    const work = mergeByEntity([
      planned(
        event(
          'entitydata:draftupdated',
          relativeUrls.draft('e1', 'd1'),
          {},
          'polling',
          'a',
          '2024-01-01T00:00:01Z',
        ),
      ),
      planned(event('entitydata:created', relativeUrls.entity('e2'), {}, 'polling', 'b')),
      planned(
        event(
          'entitydata:draftupdated',
          relativeUrls.draft('e1', 'd1'),
          {},
          'polling',
          'c',
          '2024-01-01T00:00:03Z',
        ),
      ),
      planned(
        event(
          'entitydata:draftverified',
          relativeUrls.entity('e1'),
          {},
          'polling',
          'd',
          '2024-01-01T00:00:02Z',
        ),
      ),
      planned(event('association:associationupdated', relativeUrls.association('a1'), { entityId: 'e1' })),
    ]);
    expect(work.map((w) => w.entityId)).toEqual(['e1', 'e2']);
    expect(work[0]).toMatchObject({
      tenantId: TENANT,
      entity: true,
      scanOpenDrafts: true,
      draftIds: ['d1'],
      associationIds: ['a1'],
      eventTime: '2024-01-01T00:00:03Z',
    });
    expect(work[0].sourceEvents.map((s) => s.notificationId)).toEqual(['a', 'c', 'd', expect.any(String)]);
  });

  it('keeps a bounded number of source events per entity', () => {
    const many = Array.from({ length: MAX_SOURCE_EVENTS + 10 }, (_, i) =>
      planned(event('entitydata:migrationupdated', relativeUrls.entity('e1'), {}, 'polling', `n${i}`), i),
    );
    expect(mergeByEntity(many)[0].sourceEvents).toHaveLength(MAX_SOURCE_EVENTS);
  });
});
