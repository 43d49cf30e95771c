import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import {
  ExtractionMetrics,
  reportCollector,
  runWindowedSync,
  StateStore,
  SyntheticEventWriter,
  WindowedSyncResult,
} from '@fenx/extraction';
import { FenxClient } from '@fenx/fenx-client';
import type { JourneyConfig } from './journey-config';
import { JOURNEY_CONFIG } from './tokens';

export const SAFETY_NET_CURSOR = 'journey-extractor.safety-net';
const ORIGIN = 'safety-net';
const REPORT = 'journey-updated';

/**
 * The safety net, the journey side of reconciliation: FenX's "journeys updated between" report for
 * the windows since the cursor (in the state store), split while a window holds more rows than FenX
 * answers, becomes one catch-up event per journey in topic 1 (`reconciliationEvents` of
 * @fenx/extraction, the ids every reconciliation producer shares), so a webhook that was disabled
 * or lost events leaves no hole.
 */
@Injectable()
export class SafetyNetService implements OnApplicationShutdown {
  private readonly logger = new Logger(SafetyNetService.name);
  private running?: Promise<WindowedSyncResult>;
  private readonly abort = new AbortController();

  constructor(
    private readonly fenx: FenxClient,
    private readonly store: StateStore,
    private readonly writer: SyntheticEventWriter,
    private readonly scheduler: SchedulerRegistry,
    @Inject(JOURNEY_CONFIG) private readonly config: JourneyConfig,
    private readonly metrics: ExtractionMetrics,
  ) {}

  /** One run; concurrent calls share the run in progress. */
  run(): Promise<WindowedSyncResult> {
    this.running ??= this.runOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Continuous mode: run now and then every JOURNEY_SAFETY_NET_INTERVAL_MS (0: never). */
  schedule(): void {
    const every = this.config.journey.JOURNEY_SAFETY_NET_INTERVAL_MS;
    if (every === 0) return;
    const tick = (): void => {
      this.run().catch((error: unknown) => this.logger.error({ err: error }, 'safety-net run failed'));
    };
    this.scheduler.addInterval('journey-safety-net', setInterval(tick, every));
    tick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.running?.catch(() => undefined);
  }

  private async runOnce(): Promise<WindowedSyncResult> {
    const j = this.config.journey;
    const tenantId = this.config.fenx.tenantId;
    const result = await runWindowedSync({
      store: this.store,
      cursorKey: SAFETY_NET_CURSOR,
      initialLookbackMs: j.JOURNEY_SAFETY_NET_LOOKBACK_MS,
      maxWindowMs: j.JOURNEY_SAFETY_NET_MAX_WINDOW_MS,
      settleMs: j.JOURNEY_SAFETY_NET_SETTLE_MS,
      overlapMs: j.JOURNEY_SAFETY_NET_OVERLAP_MS,
      origin: ORIGIN,
      writer: this.writer,
      signal: this.abort.signal,
      collect: reportCollector(this.fenx, REPORT, tenantId, {
        onSplit: ({ window, count, depth }) => {
          this.metrics.reportWindowSplits.inc({ report: REPORT });
          this.logger.warn(
            { start: window.start, end: window.end, count, depth },
            'journey-updated report window split',
          );
        },
        onRowsWithoutId: (rows, window) => {
          this.metrics.reportRowsWithoutId.inc({ report: REPORT }, rows);
          this.logger.warn(
            { rows, start: window.start, end: window.end },
            'journey-updated report rows without a journeyId',
          );
        },
      }),
    });
    this.logger.log(
      { windows: result.windows.length, events: result.events, cursor: result.cursor },
      'safety-net run done',
    );
    return result;
  }
}
