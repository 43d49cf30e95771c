import {
  BatchContext,
  ConsumedRecord,
  HandlerResult,
  RecordFailure,
  StopConsumerError,
  TopicRecords,
} from '@fenx/kafka';
import {
  decodeWebhookEvent,
  OutgoingRecord,
  TopicName,
  TOPICS,
  WebhookEvent,
  EXTRACTION_HEADER,
} from '@fenx/kafka-contracts';
import { mapConcurrent, sleep } from './concurrency';
import type { ExtractionMetrics } from './extraction-metrics';
import { RecentIds } from './recent-ids';
import { notBeforeOf, requeueDelayMs, requeueRecord, retryAttemptOf } from './requeue';

/** One topic-1 event the pipeline fetches for. */
export interface SourceEvent {
  event: WebhookEvent;
  record: ConsumedRecord;
  /** How many times the event was re-queued before (0 for a first delivery). */
  attempt: number;
}

/** The events of one aggregate (a journey, an entity) in one batch: they cost one fetch. */
export interface AggregateGroup {
  /** The aggregate id (`ExtractionSpec.keyOf`). */
  key: string;
  /** Ordered by FenX's `When`, then partition and offset. */
  events: SourceEvent[];
}

export interface FetchContext {
  batchId: string;
  /** 0 on the first attempt of a chunk; grows as failed events are divided and retried. */
  depth: number;
  /** Sent to FenX as `X-CORRELATION-ID` and written in log lines. */
  correlationId: string;
}

/** A record the fetch made, with the `kind` label of `<app>_records_produced_total`. */
export interface ExtractedRecord {
  record: OutgoingRecord;
  kind: string;
  /** Defaults to the pipeline's output topic. */
  topic?: TopicName;
}

/**
 * What a fetch made of a group. Events named in neither `retryLater` nor `failed` are done (whether
 * or not records were made: a 304 makes none).
 */
export interface FetchResult {
  records?: ExtractedRecord[];
  /** Runs once the records were acknowledged by Kafka and the offsets committed (e.g. remember an ETag). */
  onWritten?: () => void;
  /** Not retrievable yet: these events (default: all of the group) go back into topic 1 for later. */
  retryLater?: { reason: string; events?: SourceEvent[] };
  /** These events (default: all of the group) failed: divided and retried, then dead-lettered. */
  failed?: { reason: string; events?: SourceEvent[]; retryable?: boolean };
}

/** What an app tells the pipeline: which events it wants, how they group, and how to fetch a group. */
export interface ExtractionSpec {
  /** True for the events this app fetches for; others are skipped (`other_domain`). */
  select(event: WebhookEvent): boolean;
  /** The aggregate id of a selected event; undefined sends the event to the dead-letter topic. */
  keyOf(event: WebhookEvent): string | undefined;
  /**
   * Fetches one group. Throwing fails the whole group (divided and retried, then dead-lettered);
   * throwing `StopConsumerError` stops the consumer without committing (e.g. credentials refused).
   */
  fetch(group: AggregateGroup, context: FetchContext): Promise<FetchResult>;
}

/** Structured log sink (Nest's `Logger` fits; with nestjs-pino the object becomes JSON fields). */
export interface ExtractionLogger {
  log(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface RequeuePolicy {
  /** Delay of the first re-queue; doubles with every attempt. */
  baseMs: number;
  /** Cap of the delay, and of how long a chunk waits for a re-queued event that is not due yet. */
  maxMs: number;
  /** Re-queues of one event before it is dead-lettered (`retry_exhausted`). */
  maxAttempts: number;
}

export interface ExtractionPipelineOptions {
  spec: ExtractionSpec;
  outputTopic: TopicName;
  /** Where not-yet-retrievable events go back to; topic 1 by default. */
  requeueTopic?: TopicName;
  /** Groups fetched at once (the FenX client also caps calls in flight and calls per second). */
  concurrency: number;
  /** Notification ids remembered across batches to drop duplicate deliveries. */
  recentIdsCapacity: number;
  requeue: RequeuePolicy;
  metrics: ExtractionMetrics;
  logger?: ExtractionLogger;
  now?: () => number;
}

/** Dead-letter reasons start with one of these codes (the `reason` label of `<app>_dead_letters_total`). */
export const FAILURE_CODE = {
  undecodable: 'undecodable',
  noKey: 'no_aggregate_key',
  fetchFailed: 'fetch_failed',
  retryExhausted: 'retry_exhausted',
} as const;

/** The `reason` label for a dead letter's free-text reason. */
export function deadLetterReasonLabel(reason: string): string {
  const code = /^([a-z_]+):/.exec(reason)?.[1];
  return code && (Object.values(FAILURE_CODE) as string[]).includes(code) ? code : 'other';
}

interface Pending {
  ids: string[];
  callbacks: (() => void)[];
  produced: Map<string, number>;
  receivedAt: number[];
  requeued: number;
}

const MAX_PENDING = 256;

const silent: ExtractionLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

function whenOf(e: SourceEvent): number {
  const t = Date.parse(e.event.when);
  return Number.isNaN(t) ? Number.MAX_SAFE_INTEGER : t;
}

function compareEvents(a: SourceEvent, b: SourceEvent): number {
  return (
    whenOf(a) - whenOf(b) ||
    a.record.partition - b.record.partition ||
    Number(BigInt(a.record.offset) - BigInt(b.record.offset))
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** What the fetch of one group came to: its result, or what it threw. */
interface FetchOutcome {
  result?: FetchResult;
  error?: unknown;
}

/** What a batch's fetch outcomes are assembled into: records to produce, failures, and the chunk's pending effects. */
interface Assembly {
  batchId: string;
  depth: number;
  outputs: Map<TopicName, OutgoingRecord[]>;
  failures: RecordFailure[];
  pending: Pending;
}

function addOutput(
  outputs: Map<TopicName, OutgoingRecord[]>,
  topic: TopicName,
  record: OutgoingRecord,
): void {
  const list = outputs.get(topic);
  if (list) list.push(record);
  else outputs.set(topic, [record]);
}

/** The dead-letter failures of records that never made it into a group. */
function ungroupedFailures(undecodable: ConsumedRecord[], noKey: ConsumedRecord[]): RecordFailure[] {
  const failures: RecordFailure[] = [];
  if (undecodable.length > 0)
    failures.push({
      records: undecodable,
      reason: `${FAILURE_CODE.undecodable}: not a topic-1 event envelope`,
      retryable: false,
    });
  if (noKey.length > 0)
    failures.push({
      records: noKey,
      reason: `${FAILURE_CODE.noKey}: the event names no aggregate id`,
      retryable: false,
    });
  return failures;
}

/**
 * The batch handler shared by the extractors: decode each topic-1 record, keep what the app
 * selects, drop duplicate notifications, group by aggregate, fetch each group once with bounded
 * concurrency, and hand the records, re-queues and failures to `BatchConsumer` (which produces,
 * commits, divides and retries, and dead-letters). Effects that must wait for Kafka's
 * acknowledgement (remembering ids and ETags, counting records) run in `chunkCompleted`.
 */
export class ExtractionPipeline {
  private readonly recent: RecentIds;
  private readonly pending = new Map<string, Pending>();
  private readonly logger: ExtractionLogger;
  private readonly now: () => number;
  private readonly requeueTopic: TopicName;

  constructor(private readonly options: ExtractionPipelineOptions) {
    this.recent = new RecentIds(options.recentIdsCapacity);
    this.logger = options.logger ?? silent;
    this.now = options.now ?? Date.now;
    this.requeueTopic = options.requeueTopic ?? TOPICS.webhookEvents.name;
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
      throw new RangeError(`concurrency must be a positive integer (got ${options.concurrency})`);
  }

  /** The `BatchHandler` for `BatchConsumer`. */
  readonly handle = async (records: ConsumedRecord[], context: BatchContext): Promise<HandlerResult> => {
    const { metrics } = this.options;
    if (context.depth === 0) metrics.eventsConsumed.inc(records.length);
    const { groups, failures } = this.groupByAggregate(records, context);
    metrics.distinctIds.inc(groups.length);
    const results = await this.fetchAll(groups, context);
    return this.assemble(groups, results, failures, context);
  };

  /**
   * The pending-set key of a topic-1 record for backlog-wide coalescing: the aggregate id of an
   * event the app selects; a key of its own for a record the handler will dead-letter (undecodable,
   * no aggregate id); undefined for another domain's event (counted as consumed and skipped here).
   */
  readonly coalescingKeyOf = (record: ConsumedRecord): string | undefined => {
    const decoded = decodeWebhookEvent(record.value);
    const own = `record:${record.topic}/${record.partition}/${record.offset}`;
    if (!decoded.ok) return own;
    if (!this.options.spec.select(decoded.value)) {
      this.options.metrics.eventsConsumed.inc();
      this.options.metrics.eventsSkipped.inc({ reason: 'other_domain' });
      return undefined;
    }
    const key = this.options.spec.keyOf(decoded.value);
    return key === undefined || key === '' ? own : `key:${key}`;
  };

  /**
   * Call from `BatchListener.chunkCompleted`: the chunk's records were acknowledged and its offsets
   * committed, so its notification ids count as processed and the fetches' `onWritten` hooks run.
   */
  chunkCompleted(batchId: string): void {
    const pending = this.pending.get(batchId);
    if (!pending) return;
    this.pending.delete(batchId);
    const { metrics } = this.options;
    for (const id of pending.ids) this.recent.add(id);
    for (const [kind, n] of pending.produced) metrics.recordsProduced.inc({ kind }, n);
    if (pending.requeued > 0) metrics.eventsRequeued.inc(pending.requeued);
    const now = this.now();
    for (const t of pending.receivedAt) metrics.eventToDetail.observe(Math.max(0, now - t) / 1000);
    for (const callback of pending.callbacks) {
      try {
        callback();
      } catch (error) {
        this.logger.warn({ batchId, err: error }, 'onWritten hook failed');
      }
    }
  }

  /** Notification ids remembered across batches (bounded). */
  get recentIds(): number {
    return this.recent.size;
  }

  /**
   * Decodes each record, keeps the events the app selects, drops duplicate notifications and groups
   * the rest by aggregate, each group ordered; undecodable records and events naming no aggregate id
   * become failures.
   */
  private groupByAggregate(
    records: ConsumedRecord[],
    context: BatchContext,
  ): { groups: AggregateGroup[]; failures: RecordFailure[] } {
    const { metrics, spec } = this.options;
    const undecodable: ConsumedRecord[] = [];
    const noKey: ConsumedRecord[] = [];
    const seen = new Set<string>();
    const byKey = new Map<string, SourceEvent[]>();
    for (const record of records) {
      const decoded = decodeWebhookEvent(record.value);
      if (!decoded.ok) {
        metrics.eventsSkipped.inc({ reason: 'undecodable' });
        undecodable.push(record);
        this.logger.warn(
          {
            batchId: context.batchId,
            source: `${record.topic}/${record.partition}/${record.offset}`,
            reason: decoded.reason,
          },
          'undecodable topic-1 record goes to the dead-letter topic',
        );
        continue;
      }
      const event = decoded.value;
      if (!spec.select(event)) {
        metrics.eventsSkipped.inc({ reason: 'other_domain' });
        continue;
      }
      const id = event.notificationId;
      if (id !== '' && (seen.has(id) || this.recent.has(id))) {
        metrics.eventsSkipped.inc({ reason: 'duplicate_notification' });
        continue;
      }
      if (id !== '') seen.add(id);
      const key = spec.keyOf(event);
      if (key === undefined || key === '') {
        noKey.push(record);
        continue;
      }
      const group = byKey.get(key);
      const source: SourceEvent = { event, record, attempt: retryAttemptOf(record) };
      if (group) group.push(source);
      else byKey.set(key, [source]);
    }
    return {
      groups: [...byKey].map(([key, events]) => ({ key, events: events.sort(compareEvents) })),
      failures: ungroupedFailures(undecodable, noKey),
    };
  }

  /** Fetches every group, `concurrency` at once; a `StopConsumerError` from any of them stops the consumer. */
  private async fetchAll(groups: AggregateGroup[], context: BatchContext): Promise<FetchOutcome[]> {
    const results = await mapConcurrent(groups, this.options.concurrency, (group) =>
      this.fetchGroup(group, context),
    );
    const stop = results.find((r) => r.error instanceof StopConsumerError)?.error;
    if (stop) throw stop;
    return results;
  }

  /**
   * The handler's result from the groups' fetch outcomes (after `failures` already found); what must
   * wait for Kafka's acknowledgement goes into the chunk's pending state.
   */
  private assemble(
    groups: AggregateGroup[],
    results: FetchOutcome[],
    failures: RecordFailure[],
    context: BatchContext,
  ): HandlerResult {
    const into: Assembly = {
      batchId: context.batchId,
      depth: context.depth,
      outputs: new Map(),
      failures,
      pending: this.pendingOf(context.batchId),
    };
    groups.forEach((group, i) => this.applyResult(group, results[i], into));
    return {
      outputs: [...into.outputs].map(([topic, recs]): TopicRecords => ({ topic, records: recs })),
      failures,
    };
  }

  /** One group's outcome: its records, failures and re-queues, and the events that are done. */
  private applyResult(group: AggregateGroup, { result, error }: FetchOutcome, into: Assembly): void {
    if (error !== undefined || !result) {
      this.fetchThrew(group, error, into);
      return;
    }
    const notDone = new Set<SourceEvent>();
    this.addRecords(result.records ?? [], into);
    if (result.failed) this.addFailed(group, result.failed, notDone, into);
    if (result.retryLater) this.addRequeues(group, result.retryLater, notDone, into);
    this.markDone(group, notDone, (result.records?.length ?? 0) > 0, into.pending);
    if (result.onWritten) into.pending.callbacks.push(result.onWritten);
  }

  /** The fetch threw (or made nothing): the whole group fails. */
  private fetchThrew(group: AggregateGroup, error: unknown, into: Assembly): void {
    const reason = `${FAILURE_CODE.fetchFailed}: ${describe(error)}`;
    this.logger.warn(
      {
        batchId: into.batchId,
        depth: into.depth,
        key: group.key,
        events: group.events.length,
        reason,
        err: error,
      },
      'fetch failed',
    );
    into.failures.push({ records: group.events.map((e) => e.record), reason });
  }

  /** The fetch's records, stamped with the batch id, to their topics; counted once written. */
  private addRecords(records: ExtractedRecord[], into: Assembly): void {
    for (const extracted of records) {
      addOutput(into.outputs, extracted.topic ?? this.options.outputTopic, {
        ...extracted.record,
        headers: { ...extracted.record.headers, [EXTRACTION_HEADER.batchId]: into.batchId },
      });
      into.pending.produced.set(extracted.kind, (into.pending.produced.get(extracted.kind) ?? 0) + 1);
    }
  }

  /** The events the fetch failed (default: the whole group) become a failure. */
  private addFailed(
    group: AggregateGroup,
    failed: NonNullable<FetchResult['failed']>,
    notDone: Set<SourceEvent>,
    into: Assembly,
  ): void {
    const events = failed.events ?? group.events;
    events.forEach((e) => notDone.add(e));
    const reason = `${FAILURE_CODE.fetchFailed}: ${failed.reason}`;
    this.logger.warn(
      { batchId: into.batchId, depth: into.depth, key: group.key, events: events.length, reason },
      'fetch failed',
    );
    into.failures.push({ records: events.map((e) => e.record), reason, retryable: failed.retryable });
  }

  /**
   * The events not retrievable yet (default: the whole group, less those failed) go back to the
   * re-queue topic with a later not-before; those re-queued too often become a failure.
   */
  private addRequeues(
    group: AggregateGroup,
    retryLater: NonNullable<FetchResult['retryLater']>,
    notDone: Set<SourceEvent>,
    into: Assembly,
  ): void {
    const { reason } = retryLater;
    const { maxAttempts, baseMs, maxMs } = this.options.requeue;
    const exhausted: ConsumedRecord[] = [];
    for (const e of retryLater.events ?? group.events) {
      if (notDone.has(e)) continue;
      notDone.add(e);
      if (e.attempt >= maxAttempts) {
        exhausted.push(e.record);
        continue;
      }
      const delay = requeueDelayMs(e.attempt, baseMs, maxMs);
      addOutput(
        into.outputs,
        this.requeueTopic,
        requeueRecord(e.record, e.attempt + 1, new Date(this.now() + delay), reason),
      );
      into.pending.requeued += 1;
    }
    if (exhausted.length > 0)
      into.failures.push({
        records: exhausted,
        reason: `${FAILURE_CODE.retryExhausted}: still not retrievable after ${maxAttempts} re-queues: ${reason}`,
        retryable: false,
      });
    this.logger.log({ batchId: into.batchId, key: group.key, reason }, 'not retrievable yet: re-queued');
  }

  /**
   * The group's events that are done: their notification ids count as processed once the chunk is
   * written, and, when the fetch made records, their receipt times give the event-to-detail latency.
   */
  private markDone(
    group: AggregateGroup,
    notDone: Set<SourceEvent>,
    wroteRecords: boolean,
    pending: Pending,
  ): void {
    for (const e of group.events) {
      if (notDone.has(e)) continue;
      if (e.event.notificationId !== '') pending.ids.push(e.event.notificationId);
      if (wroteRecords) {
        const received = Date.parse(e.event.receivedAt);
        if (!Number.isNaN(received)) pending.receivedAt.push(received);
      }
    }
  }

  private pendingOf(batchId: string): Pending {
    let pending = this.pending.get(batchId);
    if (!pending) {
      pending = { ids: [], callbacks: [], produced: new Map(), receivedAt: [], requeued: 0 };
      this.pending.set(batchId, pending);
      // A chunk whose produce failed never completes; it is consumed again under a new batch id.
      while (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value as string);
    }
    return pending;
  }

  private async fetchGroup(
    group: AggregateGroup,
    context: BatchContext,
  ): Promise<{ result?: FetchResult; error?: unknown }> {
    const notBefore = Math.max(0, ...group.events.map((e) => notBeforeOf(e.record) ?? 0));
    const wait = Math.min(notBefore - this.now(), this.options.requeue.maxMs);
    if (wait > 0) await sleep(wait);
    try {
      const result = await this.options.spec.fetch(group, {
        batchId: context.batchId,
        depth: context.depth,
        correlationId: context.batchId,
      });
      return { result };
    } catch (error) {
      return { error };
    }
  }
}
