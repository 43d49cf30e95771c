import { Injectable, Provider } from '@nestjs/common';
import type { ProgressSnapshot } from '@fenx/kafka';
import { LATENCY_BUCKETS_SECONDS } from '@fenx/metrics';
import {
  InjectMetric,
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
} from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';

const M = {
  records: 'lake_sink_records_written_total',
  rejected: 'lake_sink_records_rejected_total',
  files: 'lake_sink_files_committed_total',
  duration: 'lake_sink_file_commit_duration_seconds',
  lag: 'lake_sink_consumer_lag_records',
  last: 'lake_sink_last_commit_timestamp_seconds',
  progress: 'lake_sink_consumer_last_progress_timestamp_seconds',
} as const;

export const LAKE_METRIC_PROVIDERS: Provider[] = [
  makeCounterProvider({ name: M.records, help: 'Records in committed files', labelNames: ['topic'] }),
  makeCounterProvider({
    name: M.rejected,
    help: 'Records written to _rejected/ instead: a value not JSON, or of another schema',
    labelNames: ['topic', 'reason'],
  }),
  makeCounterProvider({ name: M.files, help: 'Files put in place', labelNames: ['topic'] }),
  makeHistogramProvider({
    name: M.duration,
    help: 'Write, flush, rename and offset commit of a chunk',
    buckets: LATENCY_BUCKETS_SECONDS,
  }),
  makeGaugeProvider({ name: M.lag, help: 'Records behind the high watermarks' }),
  makeGaugeProvider({ name: M.last, help: 'Time of the last committed file' }),
  makeGaugeProvider({
    name: M.progress,
    help: 'Per topic, the last time the sink moved on: the oldest last commit of a partition with records to write, or now when none has',
    labelNames: ['topic'],
  }),
];

@Injectable()
export class LakeMetrics {
  private readonly lags = new Map<string, number>();

  constructor(
    @InjectMetric(M.records) readonly records: Counter<'topic'>,
    @InjectMetric(M.rejected) readonly rejected: Counter<'topic' | 'reason'>,
    @InjectMetric(M.files) readonly files: Counter<'topic'>,
    @InjectMetric(M.duration) readonly duration: Histogram,
    @InjectMetric(M.lag) private readonly lag: Gauge,
    @InjectMetric(M.last) readonly last: Gauge,
    @InjectMetric(M.progress) private readonly progress: Gauge<'topic'>,
  ) {}

  /** A topic's lag and last progress as its consumer's progress shows them. */
  observed(snapshot: ProgressSnapshot): void {
    this.progress.set({ topic: snapshot.topic }, snapshot.lastProgressAt / 1000);
    this.lags.set(snapshot.topic, snapshot.lag);
    this.lag.set([...this.lags.values()].reduce((a, b) => a + b, 0));
  }
}
