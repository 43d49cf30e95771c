import { ExtractionMetrics, reportCollector } from '@fenx/extraction';
import type { FenxClient } from '@fenx/fenx-client';
import { Logger } from '@nestjs/common';

const logger = new Logger('EntityReconciliation');

/**
 * `collect` of a windowed reconciliation run: FenX's entity-updated report for the window (split
 * while it holds more than FenX answers), one `reconciliation` event per entity it names.
 */
export function entityReportCollector(client: FenxClient, tenantId: string, metrics?: ExtractionMetrics) {
  return reportCollector(client, 'entity-updated', tenantId, {
    onSplit: ({ window, count, depth }) => {
      metrics?.reportWindowSplits.inc({ report: 'entity-updated' });
      logger.warn(
        { start: window.start, end: window.end, count, depth },
        'entity-updated report window split',
      );
    },
    onRowsWithoutId: (rows, window) => {
      metrics?.reportRowsWithoutId.inc({ report: 'entity-updated' }, rows);
      logger.warn(
        { rows, start: window.start, end: window.end },
        'entity-updated report rows without legalEntityId',
      );
    },
  });
}
