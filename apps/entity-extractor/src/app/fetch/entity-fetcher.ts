import {
  Association,
  ConflictsResult,
  EntityDraft,
  FenxApiError,
  FenxCallOptions,
  FenxClient,
  JourneyInstance,
} from '@fenx/fenx-client';
import type { EntityDetail } from '@fenx/kafka-contracts';
import { conflictDecision, conflictOf, DetailFactory, isOpenDraft, isOpenJourney } from './entity-details';
import type { EntityWork } from './entity-work';

export interface EntityFetcherOptions {
  /** Drafts and associations of one entity fetched at once (the client's own cap still applies). */
  concurrency?: number;
  now?: () => Date;
}

/** Runs `fn` over `items` with at most `limit` in flight, results in input order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Turns one entity's work into entity-detail records with the fewest FenX calls: the verified record,
 * the drafts (named by events; every draft from `drafts-ids`; the open ones through the entity's
 * open journeys), associations (named by events, or all of the entity's from `root/{entityId}`),
 * a conflicts check
 * (`pushChanges:false`) for each open draft the verified record moved past, and associations.
 * A 404 becomes a `deleted` record (delete on miss). Other failures throw (`FenxApiError`): the caller
 * retries the entity's events.
 */
export class EntityFetcher {
  private readonly concurrency: number;
  private readonly now: () => Date;

  constructor(
    private readonly client: FenxClient,
    options: EntityFetcherOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 4;
    this.now = options.now ?? (() => new Date());
  }

  async fetch(work: EntityWork, options: FenxCallOptions = {}): Promise<EntityDetail[]> {
    const details = new DetailFactory(work, this.now().toISOString());
    const out: EntityDetail[] = [];
    let verifiedVersion: number | null | undefined;
    let entityGone = false;

    const loadEntity = async () => {
      const res = await this.client.getEntity(work.entityId, options);
      if (res.status === 'not-found') {
        entityGone = true;
        verifiedVersion = null;
        out.push(details.entity(null));
      } else {
        verifiedVersion = typeof res.entity.version === 'number' ? res.entity.version : null;
        out.push(details.entity(res.entity));
      }
    };

    if (work.entity || work.scanOpenDrafts || work.allDrafts) await loadEntity();

    const draftIds = [...work.draftIds];
    const addDrafts = (ids: string[]) => {
      for (const id of ids) if (!draftIds.includes(id)) draftIds.push(id);
    };
    if (!entityGone && work.allDrafts) {
      const res = await this.client.getDraftIds(work.entityId, options);
      if (res.status === 'ok') addDrafts(res.draftIds);
    } else if (!entityGone && work.scanOpenDrafts) {
      // Only the open drafts can fall behind: the entity's open journeys name them in one call.
      addDrafts(draftIdsOf(await this.client.searchJourneysByEntity(work.entityId, options), false));
    }

    const drafts = await mapLimited(draftIds, this.concurrency, async (draftId) => {
      const res = await this.client.getDraft(work.entityId, draftId, options);
      return { draftId, draft: res.status === 'ok' ? res.draft : null };
    });
    for (const { draftId, draft } of drafts) out.push(details.draft(draftId, draft));

    const live = drafts.filter((d): d is { draftId: string; draft: EntityDraft } => d.draft !== null);
    if (verifiedVersion === undefined && live.some((d) => isOpenDraft(d.draft))) await loadEntity();
    const conflicts = await mapLimited(live, this.concurrency, ({ draftId, draft }) =>
      this.conflictRecord(details, work.entityId, draftId, draft, verifiedVersion ?? null, options),
    );
    for (const c of conflicts) if (c) out.push(c);

    const associationIds = [...work.associationIds];
    const listed = new Map<string, Association>();
    if (work.allAssociations && !entityGone) {
      const res = await this.client.getAssociationsOfRoot(work.entityId, options);
      if (res.status === 'ok')
        for (const a of res.associations) if (!associationIds.includes(a.id)) listed.set(a.id, a);
    }
    const associations = await mapLimited(associationIds, this.concurrency, (id) =>
      this.association(id, options),
    );
    associationIds.forEach((id, i) => out.push(details.association(id, associations[i])));
    for (const [id, a] of listed) out.push(details.association(id, a));
    return out;
  }

  private async conflictRecord(
    details: DetailFactory,
    entityId: string,
    draftId: string,
    draft: EntityDraft,
    verifiedVersion: number | null,
    options: FenxCallOptions,
  ): Promise<EntityDetail | undefined> {
    const decision = conflictDecision(draft, verifiedVersion);
    if (decision.action === 'none') return undefined;
    if (decision.action === 'clear')
      return details.conflict(conflictOf(draft, draftId, verifiedVersion, undefined), null);
    let result: ConflictsResult;
    try {
      result = await this.client.checkConflicts(entityId, draftId, { pushChanges: false }, options);
    } catch (error) {
      // The draft was closed (or removed) between the two calls: nothing can be behind any more.
      if (error instanceof FenxApiError && (error.status === 400 || error.status === 404))
        return details.conflict(conflictOf(draft, draftId, verifiedVersion, undefined), null);
      throw error;
    }
    const conflict = conflictOf(draft, draftId, verifiedVersion, result);
    const data =
      result.status === 'conflict'
        ? {
            entityVersion: result.entityVersion ?? null,
            dataConflicts: result.conflicts,
            messages: result.messages,
          }
        : null;
    return details.conflict(conflict, data);
  }

  /** An association from the Association Query API; null when FenX says it is gone (404). */
  private async association(associationId: string, options: FenxCallOptions): Promise<Association | null> {
    const res = await this.client.getAssociation(associationId, options);
    return res.status === 'ok' ? res.association : null;
  }
}

/** The draft ids of an entity's journeys: every one, or those of journeys still open. */
export function draftIdsOf(journeys: readonly JourneyInstance[], all: boolean): string[] {
  const ids: string[] = [];
  for (const j of journeys) {
    const id = j.entityDraftId;
    if (typeof id !== 'string' || id === '' || ids.includes(id)) continue;
    if (all || isOpenJourney(j)) ids.push(id);
  }
  return ids;
}
