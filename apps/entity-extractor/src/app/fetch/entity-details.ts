import type { ConflictsResult, EntityDraft } from '@fenx/fenx-client';
import {
  ENTITY_DETAIL_SCHEMA,
  EntityConflict,
  EntityDetail,
  EntityDetailKind,
  FieldConflict,
} from '@fenx/kafka-contracts';
import type { EntityWork } from './entity-work';

/** Draft statuses after which a draft no longer changes (matched ignoring case and spaces). */
const CLOSED_DRAFT_STATUSES = new Set([
  'verified',
  'rejected',
  'cancelled',
  'deleted',
  'discarded',
  'published',
]);

/** Journey statuses after which its draft is closed. */
const CLOSED_JOURNEY_STATUSES = new Set(['done', 'cancelled', 'deleted', 'completed']);

const norm = (s: unknown) => (typeof s === 'string' ? s.replace(/[\s_-]/g, '').toLowerCase() : '');

export function isOpenDraft(draft: Pick<EntityDraft, 'status'>): boolean {
  return !CLOSED_DRAFT_STATUSES.has(norm(draft.status));
}

export function isOpenJourney(journey: { status?: unknown }): boolean {
  return !CLOSED_JOURNEY_STATUSES.has(norm(journey.status));
}

/** The verified version a draft is based on: where it started, or where it last resolved conflicts. */
export function draftBaseVersion(draft: EntityDraft): number | null {
  const versions = [draft.sourceEntityVersion, draft.conflictsResolvedSourceEntityVersion].filter(
    (v): v is number => typeof v === 'number' && Number.isFinite(v),
  );
  return versions.length ? Math.max(...versions) : null;
}

export type ConflictDecision =
  /** Ask FenX (`pushChanges:false`): the verified record moved past the draft (or the base is unknown). */
  | { action: 'check' }
  /** Write `behind:false` without a call: the draft is closed or was moved onto the current version. */
  | { action: 'clear' }
  /** Nothing to say: an open draft that never fell behind. */
  | { action: 'none' };

/** Whether a draft needs a conflicts call, given the verified record's current version. */
export function conflictDecision(draft: EntityDraft, verifiedVersion: number | null): ConflictDecision {
  if (!isOpenDraft(draft)) return { action: 'clear' };
  const base = draftBaseVersion(draft);
  if (base === null || verifiedVersion === null) return { action: 'check' };
  if (verifiedVersion > base) return { action: 'check' };
  return draft.conflictsResolvedSourceEntityVersion !== null &&
    draft.conflictsResolvedSourceEntityVersion !== undefined
    ? { action: 'clear' }
    : { action: 'none' };
}

/** The clashing fields of a conflicts answer, sorted by field name. */
export function fieldConflicts(result: ConflictsResult): FieldConflict[] {
  if (result.status !== 'conflict') return [];
  return Object.entries(result.conflicts)
    .map(([field, c]) => ({
      field,
      verifiedValue: c.existingValue ?? null,
      draftValue: c.newValue ?? null,
    }))
    .sort((a, b) => a.field.localeCompare(b.field));
}

export function conflictOf(
  draft: EntityDraft,
  draftId: string,
  verifiedVersion: number | null,
  result: ConflictsResult | undefined,
): EntityConflict {
  const behind = result?.status === 'conflict';
  return {
    draftId,
    journeyId: typeof draft.journeyId === 'string' ? draft.journeyId : null,
    draftSourceVersion: draftBaseVersion(draft),
    verifiedVersion:
      result?.status === 'conflict' && result.entityVersion !== undefined
        ? result.entityVersion
        : verifiedVersion,
    fields: result ? fieldConflicts(result) : [],
    behind,
  };
}

/** Builds detail records of one entity's work with a fixed fetch time. */
export class DetailFactory {
  constructor(
    private readonly work: EntityWork,
    private readonly fetchedAt: string,
  ) {}

  private base(kind: EntityDetailKind): EntityDetail {
    return {
      schema: ENTITY_DETAIL_SCHEMA,
      kind,
      entityId: this.work.entityId,
      tenantId: this.work.tenantId,
      state: 'present',
      version: null,
      fetchedAt: this.fetchedAt,
      eventTime: this.work.eventTime,
      sourceEvents: this.work.sourceEvents,
      data: null,
    };
  }

  entity(data: { version?: unknown; [key: string]: unknown } | null): EntityDetail {
    return data === null
      ? { ...this.base('entity'), state: 'deleted' }
      : { ...this.base('entity'), version: numberOrNull(data.version), data };
  }

  draft(draftId: string, data: EntityDraft | null): EntityDetail {
    return data === null
      ? { ...this.base('draft'), draftId, state: 'deleted' }
      : { ...this.base('draft'), draftId, version: numberOrNull(data.version), data };
  }

  association(
    associationId: string,
    data: { version?: unknown; [key: string]: unknown } | null,
  ): EntityDetail {
    return data === null
      ? { ...this.base('association'), associationId, state: 'deleted' }
      : { ...this.base('association'), associationId, version: numberOrNull(data.version), data };
  }

  conflict(conflict: EntityConflict, data: unknown, state: EntityDetail['state'] = 'present'): EntityDetail {
    return { ...this.base('conflict'), draftId: conflict.draftId, state, conflict, data };
  }
}

function numberOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
