import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import {
  runWindowedSync,
  StateStore,
  SyntheticEventWriter,
  syntheticNotificationId,
  WindowedSyncResult,
} from '@fenx/extraction';
import { classifyEventType, FenxNotification, relativeUrls } from '@fenx/fenx-events';
import { distinctIds, FenxClient, journeyIdOfRow, ReportRow } from '@fenx/fenx-client';
import type { JourneyConfig } from './journey-config';
import { JOURNEY_CONFIG } from './tokens';

export const SAFETY_NET_CURSOR = 'journey-extractor.safety-net';
const ORIGIN = 'safety-net';

function eventTypeOf(row: ReportRow): string {
  const last = row['lastEventType'];
  if (typeof last === 'string') {
    const type = classifyEventType(last);
    if (type.known && type.domain === 'journey') return type.canonical;
  }
  // A journey event type the extractor selects; the lake rebuilds history from the snapshot itself.
  return 'journey:instancestarted';
}

/**
 * The safety net: FenX's "journeys updated between" report for the windows since the cursor (in
 * the state store) becomes one synthetic event per journey in topic 1, so a webhook that was
 * disabled or lost events leaves no hole. Ids are deterministic per (journey, window end): a
 * repeated window yields the same notification ids.
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
      collect: async (start, end) => {
        const { rows } = await this.fenx.journeyUpdatedReport(start, end, {
          correlationId: `safety-net:${end.toISOString()}`,
        });
        const byId = new Map<string, ReportRow>();
        for (const row of rows) {
          const id = journeyIdOfRow(row);
          if (id !== undefined) byId.set(id, row);
        }
        const { rowsWithoutId } = distinctIds(rows, journeyIdOfRow);
        if (rowsWithoutId > 0)
          this.logger.warn({ rowsWithoutId, start, end }, 'journey-updated report rows without a journey id');
        const windowEnd = end.toISOString();
        return [...byId].map(([journeyId, row]): FenxNotification => {
          const updated = row['updated'];
          return {
            id: syntheticNotificationId(ORIGIN, journeyId, windowEnd),
            tenantId,
            eventType: eventTypeOf(row),
            relativeUrl: relativeUrls.journey(journeyId),
            payload: { journeyId },
            when: typeof updated === 'string' && !Number.isNaN(Date.parse(updated)) ? updated : windowEnd,
            correlationId: `safety-net:${windowEnd}`,
            causationId: null,
          };
        });
      },
    });
    this.logger.log(
      { windows: result.windows.length, events: result.events, cursor: result.cursor },
      'safety-net run done',
    );
    return result;
  }
}
