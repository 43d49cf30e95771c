import type { ReportRow } from './fenx-types';

function text(row: ReportRow, field: string): string | undefined {
  const value = row[field];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The entity id of a row of an entity (or journey) report: its `legalEntityId`. */
export function entityIdOfRow(row: ReportRow): string | undefined {
  return text(row, 'legalEntityId');
}

/** The journey id of a row of a journey report: its `journeyId`. */
export function journeyIdOfRow(row: ReportRow): string | undefined {
  return text(row, 'journeyId');
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
