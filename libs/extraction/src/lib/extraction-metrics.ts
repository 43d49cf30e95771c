import type { FenxInvalidResponseEvent, FenxRequestEvent } from '@fenx/fenx-client';
import { DURATION_BUCKETS_SECONDS, LATENCY_BUCKETS_SECONDS, metricName } from '@fenx/metrics';
import { Counter, Gauge, Histogram, register, Registry } from 'prom-client';

/** `<app>_events_skipped_total{reason}` values. */
export type SkipReason = 'other_domain' | 'duplicate_notification' | 'undecodable';

/** `<app>_fenx_requests_total{outcome}` values (docs/metrics.md). */
export type FenxOutcomeLabel =
  | 'ok'
  | 'not_modified'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'server_error'
  | 'client_error'
  | 'timeout'
  | 'network_error';

const OUTCOMES: Record<FenxRequestEvent['outcome'], FenxOutcomeLabel> = {
  ok: 'ok',
  'not-modified': 'not_modified',
  'not-found': 'not_found',
  conflict: 'conflict',
  unauthorized: 'client_error',
  'rate-limited': 'rate_limited',
  'client-error': 'client_error',
  'server-error': 'server_error',
  timeout: 'timeout',
  'network-error': 'network_error',
  aborted: 'network_error',
};

/** Route templates of the FenX client → the `operation` label (small, fixed set). */
const OPERATIONS: [RegExp, string][] = [
  [/^\/journeyquery\/api\/journey-instance\/search$/, 'journey_search'],
  [/^\/journeyquery\/api\/journey-instance\/\{id\}$/, 'journey'],
  [/\/proposedchanges\//, 'proposed_changes'],
  [/\/draft\/\{draftId\}\/conflicts$/, 'conflicts'],
  [/\/drafts-ids$/, 'draft_ids'],
  [/\/entity\/\{entityId\}\/draft\/\{draftId\}$/, 'draft'],
  [/\/association\//, 'association'],
  [/^\/entitydataquery\/api(\/v2)?\/entity\/\{id\}$/, 'entity'],
  [/^\/reportingquery\/.*\/([a-z-]+)-report$/, 'report'],
  [/^\/eventnotifications\//, 'polling'],
  [/^\/webhooks\//, 'webhooks'],
];

/** The `operation` label of a FenX call from its route template; `token` for the identity server. */
export function fenxOperationOf(event: Pick<FenxRequestEvent, 'kind' | 'route'>): string {
  if (event.kind === 'token') return 'token';
  for (const [re, name] of OPERATIONS) {
    const m = re.exec(event.route);
    if (m) return name === 'report' ? `report_${m[1].replace(/-/g, '_')}` : name;
  }
  return 'other';
}

export function fenxOutcomeOf(outcome: FenxRequestEvent['outcome']): FenxOutcomeLabel {
  return OUTCOMES[outcome] ?? 'client_error';
}

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[] = []) {
  const existing = registry.getSingleMetric(name);
  return (
    (existing as Counter<L> | undefined) ?? new Counter<L>({ name, help, labelNames, registers: [registry] })
  );
}

function gauge<L extends string>(registry: Registry, name: string, help: string, labelNames: L[] = []) {
  const existing = registry.getSingleMetric(name);
  return (
    (existing as Gauge<L> | undefined) ?? new Gauge<L>({ name, help, labelNames, registers: [registry] })
  );
}

function histogram<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  buckets: number[],
  labelNames: L[] = [],
) {
  const existing = registry.getSingleMetric(name);
  return (
    (existing as Histogram<L> | undefined) ??
    new Histogram<L>({ name, help, buckets, labelNames, registers: [registry] })
  );
}

/**
 * The extractors' metric set (docs/metrics.md), named `<app>_…` with `metricName`. Created once per
 * app in a registry (the default one, which `MetricsModule` serves at /metrics and `pushMetrics`
 * pushes); constructing it twice on one registry returns the same series.
 */
export class ExtractionMetrics {
  readonly eventsConsumed: Counter;
  readonly eventsSkipped: Counter<'reason'>;
  readonly distinctIds: Counter;
  readonly fenxRequests: Counter<'operation' | 'outcome'>;
  readonly fenxRequestDuration: Histogram<'operation'>;
  /** 2xx answers that broke the documented contract, by operation and offending field. */
  readonly fenxInvalidResponses: Counter<'operation' | 'field'>;
  readonly recordsProduced: Counter<'kind'>;
  readonly deadLetters: Counter<'reason'>;
  readonly batchDuration: Histogram;
  readonly batchSplits: Counter;
  readonly consumerLag: Gauge;
  /** Per topic: the oldest last commit of a partition with events to process, or now when none has. */
  readonly lastProgress: Gauge<'topic'>;
  readonly eventToDetail: Histogram;
  readonly lastSuccess: Gauge;
  readonly syntheticEvents: Counter<'origin'>;
  /** Report windows halved because FenX answered `datasetSizeAccepted: false`. */
  readonly reportWindowSplits: Counter<'report'>;
  /** Report rows that named no record (not turned into events). */
  readonly reportRowsWithoutId: Counter<'report'>;
  /** Not-yet-retrievable events put back into topic 1 (not in the shared contract's first list). */
  readonly eventsRequeued: Counter;

  constructor(
    readonly app: string,
    readonly registry: Registry = register,
  ) {
    const n = (component: string, what: string, unit: string) => metricName(app, component, what, unit);
    this.eventsConsumed = counter(registry, n('events', 'consumed', 'total'), 'Topic-1 records read');
    this.eventsSkipped = counter(registry, n('events', 'skipped', 'total'), 'Records not fetched for', [
      'reason',
    ]);
    this.distinctIds = counter(
      registry,
      n('distinct', 'ids', 'total'),
      'Distinct aggregates (journeys, entities) fetched for, summed over batches',
    );
    this.fenxRequests = counter(registry, n('fenx', 'requests', 'total'), 'FenX API calls (HTTP attempts)', [
      'operation',
      'outcome',
    ]);
    this.fenxRequestDuration = histogram(
      registry,
      n('fenx', 'request_duration', 'seconds'),
      'FenX API call latency',
      LATENCY_BUCKETS_SECONDS,
      ['operation'],
    );
    this.fenxInvalidResponses = counter(
      registry,
      n('fenx', 'invalid_responses', 'total'),
      'FenX answers that do not follow the documented contract (the call failed with invalid-response)',
      ['operation', 'field'],
    );
    this.recordsProduced = counter(
      registry,
      n('records', 'produced', 'total'),
      'Detail records acknowledged by Kafka',
      ['kind'],
    );
    this.deadLetters = counter(
      registry,
      n('dead', 'letters', 'total'),
      'Events written to the dead-letter topic',
      ['reason'],
    );
    this.batchDuration = histogram(
      registry,
      n('batch', 'duration', 'seconds'),
      'One batch from fetch to commit',
      DURATION_BUCKETS_SECONDS,
    );
    this.batchSplits = counter(registry, n('batch', 'splits', 'total'), 'Divide-and-retry splits');
    this.consumerLag = gauge(
      registry,
      n('consumer', 'lag', 'records'),
      'Records behind the high watermarks (sum over partitions)',
    );
    this.lastProgress = gauge(
      registry,
      n('consumer', 'last_progress', 'timestamp_seconds'),
      'Per topic, the last time the consumer moved on: the oldest last commit of a partition with events to process, or now when none has',
      ['topic'],
    );
    this.eventToDetail = histogram(
      registry,
      n('event', 'to_detail', 'seconds'),
      'Event received by radar until its detail record was acknowledged',
      DURATION_BUCKETS_SECONDS,
    );
    this.lastSuccess = gauge(
      registry,
      n('last', 'success_timestamp', 'seconds'),
      'End of the last successful batch or once run',
    );
    this.syntheticEvents = counter(
      registry,
      n('synthetic', 'events', 'total'),
      'Events the app put back into topic 1',
      ['origin'],
    );
    this.reportWindowSplits = counter(
      registry,
      n('report', 'window_splits', 'total'),
      'Report windows split in halves because they held more rows than FenX answers',
      ['report'],
    );
    this.reportRowsWithoutId = counter(
      registry,
      n('report', 'rows_without_id', 'total'),
      'Report rows that named no entity or journey (not turned into events)',
      ['report'],
    );
    this.eventsRequeued = counter(
      registry,
      n('events', 'requeued', 'total'),
      'Events put back into topic 1 because their data was not yet retrievable',
    );
  }

  /** A FenX client listener that records every HTTP attempt. */
  fenxListener(): {
    onRequest(event: FenxRequestEvent): void;
    onInvalidResponse(event: FenxInvalidResponseEvent): void;
  } {
    return {
      onRequest: (event) => {
        const operation = fenxOperationOf(event);
        this.fenxRequests.inc({ operation, outcome: fenxOutcomeOf(event.outcome) });
        this.fenxRequestDuration.observe({ operation }, event.durationMs / 1000);
      },
      onInvalidResponse: (event) => {
        const operation = fenxOperationOf({ kind: 'api', route: event.route });
        this.fenxInvalidResponses.inc({ operation, field: event.field });
      },
    };
  }
}
