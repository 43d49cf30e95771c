import type { ReportRow } from './fenx-types';

/**
 * Field names that may carry ids in the reporting API's rows. FenX documents no row fields, so these are
 * guesses ordered from most to least specific, matched case-insensitively; a bare `id` comes last.
 * Confirm against a real report and trim the lists when one is captured.
 */
export const ENTITY_ID_FIELDS = ['entityId', 'legalEntityId', 'entity_id', 'sourceEntityId', 'id'] as const;

export const JOURNEY_ID_FIELDS = [
  'journeyId',
  'journeyInstanceId',
  'journey_id',
  'instanceId',
  'id',
] as const;

function idFrom(row: ReportRow, fields: readonly string[]): string | undefined {
  const byLowerName = new Map<string, unknown>();
  for (const [key, value] of Object.entries(row))
    if (!byLowerName.has(key.toLowerCase())) byLowerName.set(key.toLowerCase(), value);
  for (const field of fields) {
    const value = byLowerName.get(field.toLowerCase());
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return undefined;
}

/** The entity id of a row of an entity (or journey) report, from the likely field names. */
export function entityIdOfRow(row: ReportRow): string | undefined {
  return idFrom(row, ENTITY_ID_FIELDS);
}

/** The journey id of a row of a journey report, from the likely field names. */
export function journeyIdOfRow(row: ReportRow): string | undefined {
  return idFrom(row, JOURNEY_ID_FIELDS);
}

/** Distinct ids of some rows, in first-seen order; rows without one are counted, not dropped silently. */
export function distinctIds(
  rows: readonly ReportRow[],
  idOf: (row: ReportRow) => string | undefined,
): { ids: string[]; rowsWithoutId: number } {
  const ids = new Set<string>();
  let rowsWithoutId = 0;
  for (const row of rows) {
    const id = idOf(row);
    if (id === undefined) rowsWithoutId++;
    else ids.add(id);
  }
  return { ids: [...ids], rowsWithoutId };
}
