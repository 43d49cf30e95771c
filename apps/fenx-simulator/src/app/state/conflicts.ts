import type { EntityDraft, LegalEntity, Properties, SingleProperty } from './models';

export interface DataConflict {
  /** The verified value. */
  existingValue: SingleProperty | null;
  /** The draft's value. */
  newValue: SingleProperty;
}

function same(a: SingleProperty | undefined, b: SingleProperty | undefined): boolean {
  return (a?.value ?? null) === (b?.value ?? null);
}

/**
 * The fields a draft changed that the verified record also changed since the draft's source
 * version, to a different value: what FenX reports as `dataConflicts`.
 */
export function findConflicts(
  entity: LegalEntity,
  draft: EntityDraft,
  base: Properties,
): Record<string, DataConflict> {
  const conflicts: Record<string, DataConflict> = {};
  if (entity.version === draft.sourceEntityVersion) return conflicts;
  for (const [key, newValue] of Object.entries(draft.draftProperties)) {
    const verified = entity.properties[key];
    if (!same(verified, base[key]) && !same(verified, newValue)) {
      conflicts[key] = { existingValue: verified ?? null, newValue };
    }
  }
  return conflicts;
}

/**
 * Moves a draft onto the current verified version: the draft keeps its own changes except where
 * `resolutions` says otherwise (or, with `useSource`, takes the verified value on conflicts).
 */
export function rebaseDraft(
  entity: LegalEntity,
  draft: EntityDraft,
  conflicts: Record<string, DataConflict>,
  resolutions: Record<string, SingleProperty>,
  useSource: boolean,
  now: string,
): Properties {
  const changes: Properties = { ...draft.draftProperties };
  for (const key of Object.keys(conflicts)) {
    const resolved = resolutions[key];
    if (resolved) changes[key] = resolved;
    else if (useSource) delete changes[key];
  }
  draft.draftProperties = changes;
  draft.properties = { ...entity.properties, ...changes };
  draft.sourceEntityVersion = entity.version;
  draft.conflictsResolvedSourceEntityVersion = entity.version;
  draft.version += 1;
  draft.updated = now;
  return { ...entity.properties };
}
