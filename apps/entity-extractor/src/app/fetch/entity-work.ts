import { classifyEventType } from '@fenx/fenx-events';
import type { SourceEventRef, WebhookEvent } from '@fenx/kafka-contracts';

/** Entity-data events after which the verified record has (or may have) a new version. */
const VERIFIED_EVENTS = new Set([
  'entitydata:created',
  'entitydata:draftverified',
  'entitydata:datapublished',
  'entitydata:migrated',
  'entitydata:migrationupdated',
]);

/** Events whose draft is the record to fetch (besides a draft RelativeUrl). */
const DRAFT_EVENTS = new Set([
  'entitydata:draftcreated',
  'entitydata:draftcreated_enriched',
  'entitydata:draftupdated',
  'entitydata:draftrejected',
]);

/** Origins that mean "look at everything this entity has": the pipeline's own catch-up events. */
const FULL_REFRESH_ORIGINS = new Set<WebhookEvent['origin']>(['reconciliation', 'backfill', 'replay']);

/** What one event asks for. */
export interface EventNeeds {
  entityId: string;
  /** The verified record. */
  entity: boolean;
  /** The verified record moved: open drafts of the entity may now be behind it. */
  scanOpenDrafts: boolean;
  /** Every draft of the entity (found through its journeys), with conflict checks of the open ones. */
  allDrafts: boolean;
  draftIds: string[];
  associationIds: string[];
  /** Every association of the entity (an association event that names the entity, not the association). */
  allAssociations: boolean;
}

export type EventPlan =
  | { kind: 'fetch'; needs: EventNeeds }
  | { kind: 'skip'; reason: 'other_domain' | 'no_entity_id' };

/**
 * Which FenX calls one topic-1 event needs. Verified-record events fetch the verified record; draft
 * events the draft (`getDraft`); association events the association; the pipeline's own catch-up
 * events (reconciliation, backfill, replay) refresh the entity with all its drafts. Unknown event types
 * of the two domains fall back on what their RelativeUrl points at.
 */
export function planEvent(event: WebhookEvent): EventPlan {
  const domain = event.domain ?? classifyEventType(event.eventType).domain;
  if (domain !== 'entitydata' && domain !== 'association') return { kind: 'skip', reason: 'other_domain' };
  const entityId = event.ids?.entityId;
  if (!entityId) return { kind: 'skip', reason: 'no_entity_id' };
  const type = event.eventType.trim().toLowerCase();
  const needs: EventNeeds = {
    entityId,
    entity: false,
    scanOpenDrafts: false,
    allDrafts: false,
    draftIds: [],
    associationIds: [],
    allAssociations: false,
  };
  if (FULL_REFRESH_ORIGINS.has(event.origin) && domain === 'entitydata') {
    needs.entity = true;
    needs.allDrafts = true;
    if (event.ids.draftId) needs.draftIds.push(event.ids.draftId);
    return { kind: 'fetch', needs };
  }
  if (domain === 'association') {
    // FenX does not say what an association event's RelativeUrl holds: the association's own GET
    // names it; an entity-shaped URL (or `root/{entityId}`) names its entity, whose associations are read.
    if (event.ids.associationId) needs.associationIds.push(event.ids.associationId);
    else needs.allAssociations = true;
    return { kind: 'fetch', needs };
  }
  if (VERIFIED_EVENTS.has(type)) {
    needs.entity = true;
    // A new entity has no drafts yet; any other new version may leave open drafts behind.
    needs.scanOpenDrafts = type !== 'entitydata:created';
    if (event.ids.draftId) needs.draftIds.push(event.ids.draftId);
    return { kind: 'fetch', needs };
  }
  if (DRAFT_EVENTS.has(type) || event.urlKind === 'draft') {
    if (event.ids.draftId) needs.draftIds.push(event.ids.draftId);
    else needs.entity = true;
    return { kind: 'fetch', needs };
  }
  needs.entity = true;
  if (event.ids.draftId) needs.draftIds.push(event.ids.draftId);
  return { kind: 'fetch', needs };
}

/** The work for one entity in a batch: the union of what its events need, and the events themselves. */
export interface EntityWork {
  entityId: string;
  tenantId: string;
  entity: boolean;
  scanOpenDrafts: boolean;
  allDrafts: boolean;
  draftIds: string[];
  associationIds: string[];
  allAssociations: boolean;
  /** Latest FenX `When` of its events (ISO-8601). */
  eventTime: string;
  sourceEvents: SourceEventRef[];
}

export interface PlannedEvent {
  event: WebhookEvent;
  ref: SourceEventRef;
}

/** Source events kept on each detail record (lineage); the headers carry at most 1 KiB of ids anyway. */
export const MAX_SOURCE_EVENTS = 50;

/** Merges the needs of a batch's events per entity id, in first-seen order: one fetch per entity. */
export function mergeByEntity(planned: { event: PlannedEvent; needs: EventNeeds }[]): EntityWork[] {
  const byId = new Map<string, EntityWork>();
  for (const { event, needs } of planned) {
    let work = byId.get(needs.entityId);
    if (!work) {
      work = {
        entityId: needs.entityId,
        tenantId: event.event.tenantId,
        entity: false,
        scanOpenDrafts: false,
        allDrafts: false,
        draftIds: [],
        associationIds: [],
        allAssociations: false,
        eventTime: event.event.when,
        sourceEvents: [],
      };
      byId.set(needs.entityId, work);
    }
    work.entity ||= needs.entity;
    work.scanOpenDrafts ||= needs.scanOpenDrafts;
    work.allDrafts ||= needs.allDrafts;
    work.allAssociations ||= needs.allAssociations;
    for (const id of needs.draftIds) if (!work.draftIds.includes(id)) work.draftIds.push(id);
    for (const id of needs.associationIds)
      if (!work.associationIds.includes(id)) work.associationIds.push(id);
    if (laterThan(event.event.when, work.eventTime)) work.eventTime = event.event.when;
    if (work.sourceEvents.length < MAX_SOURCE_EVENTS) work.sourceEvents.push(event.ref);
  }
  return [...byId.values()];
}

function laterThan(a: string, b: string): boolean {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isNaN(ta)) return false;
  return Number.isNaN(tb) || ta > tb;
}
