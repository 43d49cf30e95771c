import { Injectable, Provider } from '@nestjs/common';
import { PROBLEM_CODES, type ProblemCode } from '@fenx/fenx-events';
import { LATENCY_BUCKETS_SECONDS, SIZE_BUCKETS } from '@fenx/metrics';
import {
  InjectMetric,
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
} from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { QUARANTINE_OUTCOMES, type QuarantineOutcome } from './quarantine';

/** `radar_http_requests_total{outcome}` values (docs/metrics.md). */
export const REQUEST_OUTCOMES = [
  'accepted',
  'flagged',
  'unauthorized',
  'too_large',
  'unavailable',
  'bad_request',
] as const;
export type RequestOutcome = (typeof REQUEST_OUTCOMES)[number];

/** A series of a labelled counter, its labels bound once. */
export interface BoundCounter {
  inc(value?: number): void;
}

function bind<K extends string>(counter: Counter<string>, label: string, values: readonly K[]) {
  return Object.fromEntries(values.map((v) => [v, counter.labels({ [label]: v })])) as Record<
    K,
    BoundCounter
  >;
}

const M = {
  requests: 'radar_http_requests_total',
  signatureFailures: 'radar_signature_failures_total',
  flags: 'radar_validation_flags_total',
  writeDuration: 'radar_kafka_write_duration_seconds',
  batchSize: 'radar_kafka_batch_size_records',
  writeFailures: 'radar_kafka_write_failures_total',
  inFlight: 'radar_http_in_flight_requests',
  quarantine: 'radar_quarantine_total',
} as const;

/** The radar metric set, registered through @willsoto/nestjs-prometheus. */
export const RADAR_METRIC_PROVIDERS: Provider[] = [
  makeCounterProvider({ name: M.requests, help: 'Webhook requests by answer', labelNames: ['outcome'] }),
  makeCounterProvider({
    name: M.signatureFailures,
    help: 'Webhook requests refused with 401, by reason',
    labelNames: ['reason'],
  }),
  makeCounterProvider({
    name: M.flags,
    help: 'Genuine events written with valid=false, by reason',
    labelNames: ['reason'],
  }),
  makeHistogramProvider({
    name: M.writeDuration,
    help: 'Grouped produce call until the broker acknowledged',
    buckets: LATENCY_BUCKETS_SECONDS,
  }),
  makeHistogramProvider({
    name: M.batchSize,
    help: 'Records per grouped produce call',
    buckets: SIZE_BUCKETS,
  }),
  makeCounterProvider({
    name: M.writeFailures,
    help: 'Produce calls that failed or exceeded the bound',
    labelNames: ['reason'],
  }),
  makeGaugeProvider({ name: M.inFlight, help: 'Webhook requests being handled' }),
  makeCounterProvider({
    name: M.quarantine,
    help: 'Refused deliveries offered to the quarantine topic, by outcome',
    labelNames: ['outcome'],
  }),
];

@Injectable()
export class RadarMetrics {
  /** `radar_http_requests_total` by outcome, bound at start (no label lookup per request). */
  readonly answered: Record<RequestOutcome, BoundCounter>;
  /** `radar_validation_flags_total` by problem code, bound at start. */
  readonly flagged: Record<ProblemCode, BoundCounter>;
  /** `radar_quarantine_total` by outcome, bound at start. */
  readonly quarantined: Record<QuarantineOutcome, BoundCounter>;

  constructor(
    @InjectMetric(M.requests) readonly requests: Counter<'outcome'>,
    @InjectMetric(M.signatureFailures) readonly signatureFailures: Counter<'reason'>,
    /** By the codes of @fenx/fenx-events' problems (`ProblemCode`). */
    @InjectMetric(M.flags) readonly flags: Counter<'reason'>,
    @InjectMetric(M.writeDuration) readonly writeDuration: Histogram,
    @InjectMetric(M.batchSize) readonly batchSize: Histogram,
    @InjectMetric(M.writeFailures) readonly writeFailures: Counter<'reason'>,
    @InjectMetric(M.inFlight) readonly inFlight: Gauge,
    @InjectMetric(M.quarantine) quarantine: Counter<'outcome'>,
  ) {
    this.quarantined = bind(quarantine, 'outcome', QUARANTINE_OUTCOMES);
    this.answered = bind(requests, 'outcome', REQUEST_OUTCOMES);
    this.flagged = bind(flags, 'reason', PROBLEM_CODES);
  }
}
