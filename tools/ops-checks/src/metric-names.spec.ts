import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { dashboardQueries, expandVariables, loadDashboards } from './lib/dashboards';
import { loadMetricsContract, parseMetricsContract, unknownSeries } from './lib/metrics-contract';
import { metricNamesIn } from './lib/promql-names';
import { loadAlertRules } from './lib/rules';

const contract = loadMetricsContract(workspaceRoot);
const rules = loadAlertRules(join(workspaceRoot, 'docker', 'prometheus', 'rules'));
const dashboardsDir = join(workspaceRoot, 'docker', 'grafana', 'dashboards');
const dashboards = existsSync(dashboardsDir) ? loadDashboards(dashboardsDir) : [];

describe('docs/metrics.md (the metric-name contract)', () => {
  it('lists every app, with <app>_ rows expanded to both extractors', () => {
    const apps = new Set(contract.map((m) => m.app));
    expect([...apps].sort()).toEqual([
      'entity-extractor',
      'fenx-admin',
      'journey-extractor',
      'lake-sink',
      'radar',
    ]);
    const names = contract.map((m) => m.name);
    expect(names).toContain('journey_extractor_last_success_timestamp_seconds');
    expect(names).toContain('entity_extractor_last_success_timestamp_seconds');
    expect(names).not.toContainEqual(expect.stringContaining('<app>'));
  });

  it('reads a table row and rejects a row with an unknown prefix or type', () => {
    const row = (name: string, type: string) => `| \`${name}\` | ${type} | | meaning |`;
    expect(parseMetricsContract(row('radar_http_in_flight_requests', 'gauge'))).toEqual([
      { name: 'radar_http_in_flight_requests', type: 'gauge', app: 'radar' },
    ]);
    expect(() => parseMetricsContract(row('other_thing_total', 'counter'))).toThrow(/no known app prefix/);
    expect(() => parseMetricsContract(row('radar_x_total', 'meter'))).toThrow(/unknown type/);
  });

  it('accepts histogram series suffixes and Prometheus-made series, refuses the rest', () => {
    expect(unknownSeries('radar_kafka_write_duration_seconds_bucket', contract)).toBeUndefined();
    expect(unknownSeries('lake_sink_file_commit_duration_seconds_count', contract)).toBeUndefined();
    expect(unknownSeries('up', contract)).toBeUndefined();
    expect(unknownSeries('process_resident_memory_bytes', contract)).toBeUndefined();
    expect(unknownSeries('radar_kafka_write_duration_seconds', contract)).toMatch(/is a histogram/);
    expect(unknownSeries('radar_requests_total', contract)).toMatch(/not in docs\/metrics.md/);
    expect(unknownSeries('journey_extractor_dead_letters', contract)).toMatch(/not in docs\/metrics.md/);
  });
});

describe('every metric an alert rule names is in docs/metrics.md', () => {
  it.each(rules.map((r) => [r.alert, r.expr] as const))('%s', (_alert, expr) => {
    const names = metricNamesIn(expr);
    expect(names.length).toBeGreaterThan(0);
    expect(names.map((n) => unknownSeries(n, contract)).filter(Boolean)).toEqual([]);
  });
});

describe('every metric a dashboard panel queries is in docs/metrics.md', () => {
  const queries = dashboards.flatMap(({ file, dashboard }) =>
    dashboardQueries(dashboard).flatMap((q) =>
      expandVariables(q.expr, dashboard).map((expr) => [`${file}: ${q.panel}`, expr] as const),
    ),
  );

  it('the dashboards have queries', () => {
    expect(dashboards.length === 0 || queries.length > 0).toBe(true);
  });

  it.each(queries.length ? queries : [['(no dashboards yet)', 'up'] as const])('%s', (_where, expr) => {
    expect(
      metricNamesIn(expr)
        .map((n) => unknownSeries(n, contract))
        .filter(Boolean),
    ).toEqual([]);
  });
});
