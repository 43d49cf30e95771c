import { entityIdOfRow, FenxCallOptions, FenxClient, ReportRow } from '@fenx/fenx-client';
import type { FenxNotification } from '@fenx/fenx-events';
import { refreshNotification } from './backfill';

function text(row: ReportRow, field: string): string | undefined {
  const v = row[field];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The reconciliation events of one window: one `reconciliation` event per entity that FenX's
 * "entities updated" report names. The notification id is derived from the entity and the row's last
 * update, so overlapping windows name the same change with the same id (dropped as a duplicate).
 */
export function reconciliationEvents(
  rows: readonly ReportRow[],
  tenantId: string,
  windowEnd: Date,
): FenxNotification[] {
  const byId = new Map<string, FenxNotification>();
  for (const row of rows) {
    const entityId = entityIdOfRow(row);
    if (entityId === undefined) continue;
    const updated = text(row, 'updated');
    const when = updated && !Number.isNaN(Date.parse(updated)) ? new Date(updated) : windowEnd;
    const payload: Record<string, unknown> = {};
    if (typeof row['version'] === 'number') payload['version'] = row['version'];
    const last = text(row, 'lastEventType');
    if (last) payload['lastEventType'] = last;
    byId.set(
      entityId,
      refreshNotification(entityId, tenantId, 'reconciliation', [when.toISOString()], when, payload),
    );
  }
  return [...byId.values()];
}

/** `collect` of a windowed reconciliation run: FenX's entity-updated report for the window. */
export function reportCollector(client: FenxClient, tenantId: string, options: FenxCallOptions = {}) {
  return async (start: Date, end: Date): Promise<FenxNotification[]> => {
    const { rows } = await client.entityUpdatedReport(start, end, options);
    return reconciliationEvents(rows, tenantId, end);
  };
}
