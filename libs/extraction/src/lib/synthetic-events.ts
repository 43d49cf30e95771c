import { createHash } from 'node:crypto';
import type { FenxNotification } from '@fenx/fenx-events';
import { KafkaProducer } from '@fenx/kafka';
import { EventOrigin, syntheticWebhookEvent, TopicName, TOPICS } from '@fenx/kafka-contracts';
import { sleep } from './concurrency';
import type { ExtractionMetrics } from './extraction-metrics';
import type { StateStore } from './state-store';

export type SyntheticOrigin = Exclude<EventOrigin, 'webhook'>;

/**
 * A deterministic notification id (UUID layout, from a SHA-256 of the parts), so that producing the
 * same synthetic event twice (a job re-run) yields the same dedup key downstream.
 */
export function syntheticNotificationId(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface SyntheticEventWriterOptions {
  producer: KafkaProducer;
  /** Events per second at most (bulk backfills must not flood topic 1 or the FenX budget behind it). */
  ratePerSecond: number;
  /** Events per produce call (each acknowledged before the next). */
  batchSize?: number;
  /** Topic 1 by default. */
  topic?: TopicName;
  metrics?: ExtractionMetrics;
}

/**
 * Writes events the pipeline makes itself (safety net, reconciliation, backfill) into topic 1 as
 * `syntheticWebhookEvent` records, at a bounded rate; resolves once Kafka acknowledged all of them.
 */
export class SyntheticEventWriter {
  private readonly batchSize: number;

  constructor(private readonly options: SyntheticEventWriterOptions) {
    if (!(options.ratePerSecond > 0))
      throw new RangeError(`ratePerSecond must be > 0 (got ${options.ratePerSecond})`);
    this.batchSize = Math.max(1, Math.min(options.batchSize ?? 500, Math.ceil(options.ratePerSecond)));
  }

  /**
   * Writes the events in order; `onWritten` hears the running count after each acknowledged produce
   * call (for a progress display).
   */
  async write(
    notifications: readonly FenxNotification[],
    origin: SyntheticOrigin,
    signal?: AbortSignal,
    onWritten?: (written: number) => void,
  ): Promise<number> {
    const topic = this.options.topic ?? TOPICS.webhookEvents.name;
    const started = Date.now();
    let written = 0;
    for (let i = 0; i < notifications.length; i += this.batchSize) {
      if (signal?.aborted) break;
      const slice = notifications.slice(i, i + this.batchSize);
      // Pacing: the n-th event is not written before n / rate seconds after the start.
      await sleep(started + (written / this.options.ratePerSecond) * 1000 - Date.now(), signal);
      await this.options.producer.emit(
        topic,
        slice.map((n) => syntheticWebhookEvent(n, origin).record),
      );
      written += slice.length;
      this.options.metrics?.syntheticEvents.inc({ origin }, slice.length);
      onWritten?.(written);
    }
    return written;
  }
}

/** The value of a window cursor in the state store. */
export interface WindowCursor {
  /** End of the last window whose events were all acknowledged (ISO-8601, UTC). */
  end: string;
}

export interface WindowedSyncOptions {
  store: StateStore;
  /** The cursor's key in the state store, e.g. `journey-extractor.safety-net`. */
  cursorKey: string;
  /** Without a cursor, the first window starts this long before now. */
  initialLookbackMs: number;
  /** The longest window of one call to `collect` (a long outage catches up in several). */
  maxWindowMs: number;
  /** Windows end this long before now (late rows of FenX's reports). */
  settleMs?: number;
  /** Each window starts this long before the cursor, so rows at a boundary are read twice, never missed. */
  overlapMs?: number;
  origin: SyntheticOrigin;
  writer: SyntheticEventWriter;
  /** The events of a window (e.g. one per journey of FenX's journey-updated report). */
  collect(start: Date, end: Date): Promise<FenxNotification[]>;
  now?: () => Date;
  signal?: AbortSignal;
}

export interface WindowedSyncResult {
  windows: { start: string; end: string; events: number }[];
  events: number;
  /** The cursor after the run. */
  cursor: string;
}

/**
 * One run of a windowed job (safety net, reconciliation): from the cursor in the state store to
 * now - settle, window by window, collect the events and write them to topic 1; the cursor moves
 * only after a window's events were acknowledged, so a crash repeats a window, never skips one.
 */
export async function runWindowedSync(options: WindowedSyncOptions): Promise<WindowedSyncResult> {
  const now = (options.now ?? (() => new Date()))();
  const until = now.getTime() - (options.settleMs ?? 0);
  const stored = await options.store.get<WindowCursor>(options.cursorKey);
  const storedEnd = stored ? Date.parse(stored.value.end) : NaN;
  let cursor = Number.isNaN(storedEnd) ? until - options.initialLookbackMs : storedEnd;
  const result: WindowedSyncResult = { windows: [], events: 0, cursor: new Date(cursor).toISOString() };
  while (cursor < until && !options.signal?.aborted) {
    const start = new Date(cursor - (options.overlapMs ?? 0));
    const end = new Date(Math.min(until, cursor + options.maxWindowMs));
    const notifications = await options.collect(start, end);
    const written = await options.writer.write(notifications, options.origin, options.signal);
    if (written < notifications.length) break;
    await options.store.put<WindowCursor>(options.cursorKey, { end: end.toISOString() });
    cursor = end.getTime();
    result.windows.push({ start: start.toISOString(), end: end.toISOString(), events: written });
    result.events += written;
    result.cursor = end.toISOString();
  }
  return result;
}
