/** Histogram buckets, defined once for the whole project so dashboards compare like with like. */

/** Request and write latencies: 1 ms to 30 s. */
export const LATENCY_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** Batch durations of the extractors: 10 ms to 10 min. */
export const DURATION_BUCKETS_SECONDS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600];

/** Batch and group sizes: 1 to 10,000 items. */
export const SIZE_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
