import { catchUpNotification, sleep } from '@fenx/extraction';
import type { FenxNotification } from '@fenx/fenx-events';
import type { EventOrigin } from '@fenx/kafka-contracts';

/** The backfill event of one entity: the run's catch-up event (a full refresh of the entity). */
export function backfillNotification(
  entityId: string,
  tenantId: string,
  runId: string,
  when: Date,
): FenxNotification {
  return catchUpNotification({
    domain: 'entity',
    id: entityId,
    tenantId,
    idParts: ['backfill', runId],
    when: when.toISOString(),
    correlationId: `backfill:${runId}`,
  });
}

/** The resumable position of a backfill run, kept in the state topic. */
export interface BackfillPosition {
  runId: string;
  /** Ids are written in sorted order: every id up to this one is acknowledged by Kafka. */
  lastId: string | null;
  written: number;
  total: number;
  done: boolean;
  startedAt: string;
}

/** The subset of the state store a backfill needs (`StateStore` of @fenx/extraction fits). */
export interface PositionStore {
  get<T>(key: string): Promise<{ value: T } | undefined>;
  put<T>(key: string, value: T): Promise<unknown>;
}

/** The subset of the synthetic-event writer a backfill needs (`SyntheticEventWriter` fits). */
export interface EventWriter {
  write(
    notifications: readonly FenxNotification[],
    origin: Exclude<EventOrigin, 'webhook'>,
    signal?: AbortSignal,
  ): Promise<number>;
}

export interface BackfillProgress {
  start(total: number, done: number): void;
  update(done: number): void;
  stop(): void;
}

export interface BackfillOptions {
  ids: readonly string[];
  tenantId: string;
  runId: string;
  store: PositionStore;
  writer: EventWriter;
  /** Ids per acknowledged write and position update. */
  chunkSize?: number;
  /** Events per second at most over the whole run (the writer paces only within one call). */
  ratePerSecond?: number;
  /** Forget the stored position and start again. */
  restart?: boolean;
  progress?: BackfillProgress;
  signal?: AbortSignal;
  now?: () => Date;
}

export interface BackfillResult {
  runId: string;
  total: number;
  /** Written by this invocation. */
  written: number;
  /** Skipped because an earlier invocation of the run wrote them. */
  resumedFrom: number;
  done: boolean;
}

export const backfillStateKey = (runId: string) => `entity-extractor.backfill.${runId}`;

/**
 * Writes one `backfill` event per entity into topic 1, in sorted id order and chunk by chunk; after
 * each acknowledged chunk the position (the last id written) goes to the state store, so a killed run
 * resumes after it. A chunk written but not yet recorded is written again with the same notification
 * ids, which the extractor drops as duplicates.
 */
export async function runBackfill(options: BackfillOptions): Promise<BackfillResult> {
  const ids = [...new Set(options.ids)].sort();
  const key = backfillStateKey(options.runId);
  const now = options.now ?? (() => new Date());
  const chunkSize = options.chunkSize ?? 200;
  const stored = options.restart ? undefined : (await options.store.get<BackfillPosition>(key))?.value;
  const position: BackfillPosition =
    stored && stored.runId === options.runId
      ? { ...stored, total: ids.length }
      : {
          runId: options.runId,
          lastId: null,
          written: 0,
          total: ids.length,
          done: false,
          startedAt: now().toISOString(),
        };
  const lastId = position.lastId;
  const todo = lastId === null ? ids : ids.filter((id) => id > lastId);
  const resumedFrom = ids.length - todo.length;
  const when = new Date(position.startedAt);
  const result: BackfillResult = {
    runId: options.runId,
    total: ids.length,
    written: 0,
    resumedFrom,
    done: false,
  };
  options.progress?.start(ids.length, resumedFrom);
  const started = Date.now();
  try {
    for (let i = 0; i < todo.length; i += chunkSize) {
      if (options.ratePerSecond)
        await sleep(started + (i / options.ratePerSecond) * 1000 - Date.now(), options.signal);
      if (options.signal?.aborted) return result;
      const chunk = todo.slice(i, i + chunkSize);
      const notifications = chunk.map((id) =>
        backfillNotification(id, options.tenantId, options.runId, when),
      );
      const written = await options.writer.write(notifications, 'backfill', options.signal);
      if (written < chunk.length) return result;
      position.lastId = chunk[chunk.length - 1];
      position.written = resumedFrom + i + chunk.length;
      await options.store.put<BackfillPosition>(key, position);
      result.written += chunk.length;
      options.progress?.update(position.written);
    }
    position.done = true;
    position.written = ids.length;
    await options.store.put<BackfillPosition>(key, position);
    result.done = true;
    return result;
  } finally {
    options.progress?.stop();
  }
}
