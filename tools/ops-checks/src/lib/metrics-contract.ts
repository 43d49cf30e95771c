import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

/** One metric of docs/metrics.md, for one app. */
export interface ContractMetric {
  name: string;
  type: MetricType;
  app: string;
}

/** The apps whose metrics docs/metrics.md lists, by name prefix. */
const APP_BY_PREFIX: Record<string, string> = {
  radar_: 'radar',
  journey_extractor_: 'journey-extractor',
  entity_extractor_: 'entity-extractor',
  lake_sink_: 'lake-sink',
  fenx_admin_: 'fenx-admin',
};

/** `<app>_…` rows stand for both extractors (the shared extraction library). */
const APP_PLACEHOLDER_EXPANSION = ['journey_extractor_', 'entity_extractor_'];

const TYPES: readonly MetricType[] = ['counter', 'gauge', 'histogram', 'summary'];
const ROW = /^\|\s*`([^`]+)`\s*\|\s*([a-z]+)\s*\|/;

function appOf(name: string): string {
  const prefix = Object.keys(APP_BY_PREFIX).find((p) => name.startsWith(p));
  if (!prefix)
    throw new Error(
      `docs/metrics.md: ${name} has no known app prefix (${Object.keys(APP_BY_PREFIX).join(', ')})`,
    );
  return APP_BY_PREFIX[prefix];
}

/** Reads the metric tables of docs/metrics.md (rows whose first cell is a `name` and second a type). */
export function parseMetricsContract(markdown: string): ContractMetric[] {
  const metrics: ContractMetric[] = [];
  for (const line of markdown.split('\n')) {
    const m = ROW.exec(line);
    if (!m) continue;
    const [, raw, type] = m;
    if (!TYPES.includes(type as MetricType))
      throw new Error(`docs/metrics.md: ${raw} has unknown type "${type}"`);
    const names = raw.startsWith('<app>_')
      ? APP_PLACEHOLDER_EXPANSION.map((p) => p + raw.slice('<app>_'.length))
      : [raw];
    for (const name of names) {
      if (!/^[a-z_:][a-z0-9_:]*$/.test(name))
        throw new Error(`docs/metrics.md: "${name}" is not a metric name`);
      metrics.push({ name, type: type as MetricType, app: appOf(name) });
    }
  }
  return metrics;
}

export function loadMetricsContract(root: string): ContractMetric[] {
  return parseMetricsContract(readFileSync(join(root, 'docs', 'metrics.md'), 'utf8'));
}

/** Series names a query may use for a metric: histograms and summaries add their suffixes. */
export function seriesNames(metric: ContractMetric): string[] {
  switch (metric.type) {
    case 'histogram':
      return [`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`];
    case 'summary':
      return [metric.name, `${metric.name}_sum`, `${metric.name}_count`];
    default:
      return [metric.name];
  }
}

/**
 * Series Prometheus makes itself (not exported by any app) that rules and dashboards may use:
 * `up` from every scrape, `push_time_seconds` from the Pushgateway.
 */
export const PROMETHEUS_SERIES: readonly string[] = ['up', 'push_time_seconds', 'push_failure_time_seconds'];

/** prom-client's default process metrics, exported by every app (checked by the metric-exports test). */
export function isDefaultProcessMetric(name: string): boolean {
  return /^(process|nodejs)_[a-z0-9_]+$/.test(name);
}

/** Why `name` is not a series the pipeline exports, or undefined when it is. */
export function unknownSeries(name: string, contract: readonly ContractMetric[]): string | undefined {
  if (PROMETHEUS_SERIES.includes(name) || isDefaultProcessMetric(name)) return undefined;
  if (contract.some((m) => seriesNames(m).includes(name))) return undefined;
  const base = contract.find((m) => m.type === 'histogram' && m.name === name);
  if (base) return `${name} is a histogram: query ${name}_bucket, _sum or _count`;
  return `${name} is not in docs/metrics.md`;
}
