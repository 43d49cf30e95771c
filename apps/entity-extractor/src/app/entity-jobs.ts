import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  EXTRACTION_OPTIONS,
  ExtractionMetrics,
  ExtractionModuleOptions,
  runWindowedSync,
  StateStore,
  SyntheticEventWriter,
  WindowedSyncResult,
} from '@fenx/extraction';
import { FenxClient } from '@fenx/fenx-client';
import { Progress } from '@fenx/cli';
import { BackfillProgress, BackfillResult, runBackfill } from './jobs/backfill';
import { idsFromReports, readIdFile } from './jobs/entity-ids';
import { entityReportCollector } from './jobs/reconciliation';
import type { ReconcileSettings } from './config';

export const RECONCILE_SETTINGS = Symbol('RECONCILE_SETTINGS');

/** The state-store key of the reconciliation cursor. */
export const RECONCILE_CURSOR_KEY = 'entity-extractor.reconciliation';

export interface BackfillCommand {
  idsFile?: string;
  fromApi?: boolean;
  /** With `fromApi`: the reports are read from here to now. */
  since?: Date;
  runId: string;
  restart?: boolean;
  chunkSize?: number;
  /** Draw a progress bar on stderr (only when it is a terminal). */
  progressBar?: boolean;
}

/** A progress bar on stderr when it is a terminal (counts, rate, ETA), log lines otherwise. */
function progressReporter(logger: Logger, bar: boolean): BackfillProgress {
  if (bar && process.stderr.isTTY) {
    let progress: Progress | undefined;
    return {
      start: (total, done) => {
        progress = new Progress({ label: 'backfill', unit: 'entities', total });
        progress.update(done);
      },
      update: (done) => progress?.update(done),
      stop: () => progress?.stop(),
    };
  }
  let last = 0;
  return {
    start: (total, done) => logger.log({ total, done }, 'backfill started'),
    update: (done) => {
      if (Date.now() - last < 5000) return;
      last = Date.now();
      logger.log({ done }, 'backfill progress');
    },
    stop: () => undefined,
  };
}

/** The entity extractor's jobs: the reconciliation poll and the backfill. */
@Injectable()
export class EntityJobs {
  private readonly logger = new Logger(EntityJobs.name);
  private reconciling?: Promise<WindowedSyncResult>;

  constructor(
    private readonly client: FenxClient,
    private readonly store: StateStore,
    private readonly writer: SyntheticEventWriter,
    @Inject(RECONCILE_SETTINGS) private readonly settings: ReconcileSettings,
    @Inject(EXTRACTION_OPTIONS) private readonly extraction: ExtractionModuleOptions,
    private readonly metrics: ExtractionMetrics,
  ) {}

  /**
   * One reconciliation run: FenX's entity-updated report for each window since the cursor (with an
   * overlap), one `reconciliation` event per entity into topic 1; the cursor in the state topic moves
   * only after a window's events were acknowledged. Concurrent calls share one run.
   */
  reconcile(signal?: AbortSignal): Promise<WindowedSyncResult> {
    this.reconciling ??= runWindowedSync({
      store: this.store,
      cursorKey: RECONCILE_CURSOR_KEY,
      initialLookbackMs: this.settings.initialLookbackMs,
      maxWindowMs: this.settings.maxWindowMs,
      overlapMs: this.settings.overlapMs,
      settleMs: this.settings.settleMs,
      origin: 'reconciliation',
      writer: this.writer,
      collect: entityReportCollector(this.client, this.client.settings.tenantId, this.metrics),
      signal,
    })
      .then((result) => {
        this.logger.log(
          { cursor: result.cursor, events: result.events, windows: result.windows.length },
          'reconciled',
        );
        return result;
      })
      .finally(() => (this.reconciling = undefined));
    return this.reconciling;
  }

  async backfill(command: BackfillCommand, signal?: AbortSignal): Promise<BackfillResult> {
    if (!command.idsFile === !command.fromApi)
      throw new Error('backfill needs exactly one of --ids-file and --from-api');
    let ids: string[];
    if (command.idsFile) ids = await readIdFile(command.idsFile);
    else {
      const listing = await idsFromReports(
        this.client,
        command.since ?? new Date('2000-01-01T00:00:00Z'),
        new Date(),
      );
      this.logger.log({ ...listing, ids: listing.ids.length }, 'entities listed from FenX reports');
      if (listing.rowsWithoutId > 0)
        this.logger.warn({ rowsWithoutId: listing.rowsWithoutId }, 'report rows without an entity id');
      ids = listing.ids;
    }
    const result = await runBackfill({
      ids,
      tenantId: this.client.settings.tenantId,
      runId: command.runId,
      store: this.store,
      writer: this.writer,
      chunkSize: command.chunkSize,
      ratePerSecond: this.extraction.settings.syntheticRatePerSecond,
      restart: command.restart,
      progress: progressReporter(this.logger, command.progressBar ?? true),
      signal,
    });
    this.logger.log({ ...result }, 'backfill finished');
    return result;
  }
}
