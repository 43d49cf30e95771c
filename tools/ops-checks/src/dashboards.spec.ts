import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { stringify, parse } from 'yaml';
import {
  allPanels,
  dashboardQueries,
  expandVariables,
  GrafanaDashboard,
  loadDashboards,
} from './lib/dashboards';
import { runPromtool } from './lib/promtool';

const GRAFANA = join(workspaceRoot, 'docker', 'grafana');
const dashboards = loadDashboards(join(GRAFANA, 'dashboards'));
const byUid = (uid: string): GrafanaDashboard => {
  const found = dashboards.find((d) => d.dashboard.uid === uid);
  if (!found) throw new Error(`no dashboard with uid ${uid}`);
  return found.dashboard;
};
const titles = (d: GrafanaDashboard): string[] => allPanels(d.panels).map((p) => p.title ?? '');
const exprs = (d: GrafanaDashboard): string =>
  dashboardQueries(d)
    .map((q) => q.expr)
    .join('\n');

describe('Grafana provisioning (docker/grafana)', () => {
  const datasources = parse(
    readFileSync(join(GRAFANA, 'provisioning', 'datasources', 'prometheus.yml'), 'utf8'),
  ) as { datasources: { uid: string; type: string; url: string }[] };
  const providers = parse(
    readFileSync(join(GRAFANA, 'provisioning', 'dashboards', 'fenx-pipeline.yml'), 'utf8'),
  ) as { providers: { type: string; options: { path: string } }[] };

  it('provisions the Prometheus datasource and a file provider for the dashboards', () => {
    expect(datasources.datasources).toEqual([
      expect.objectContaining({ uid: 'prometheus', type: 'prometheus', url: 'http://prometheus:9090' }),
    ]);
    expect(providers.providers[0]).toEqual(
      expect.objectContaining({
        type: 'file',
        options: expect.objectContaining({ path: '/var/lib/grafana/dashboards' }),
      }),
    );
  });

  it('has the radar, extractors, lake-sink and end-to-end dashboards, each with a unique uid', () => {
    const uids = dashboards.map((d) => d.dashboard.uid);
    expect(new Set(uids).size).toBe(uids.length);
    expect(uids.sort()).toEqual(['fenx-extractors', 'fenx-lake-sink', 'fenx-pipeline', 'fenx-radar']);
  });

  it.each(dashboards.map((d) => [d.file, d.dashboard] as const))(
    '%s: every query panel uses the provisioned datasource, panel ids are unique, panels are placed',
    (_file, d) => {
      const panels = allPanels(d.panels);
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const p of panels) {
        expect(p).toEqual(
          expect.objectContaining({ gridPos: expect.any(Object), title: expect.any(String) }),
        );
        if (p.targets?.length) {
          expect(p.datasource).toEqual({ type: 'prometheus', uid: 'prometheus' });
          for (const t of p.targets) expect(t.expr).toEqual(expect.any(String));
        }
      }
    },
  );

  it('every panel query is valid PromQL (promtool, once per value of each variable)', () => {
    const rules = dashboards.flatMap(({ file, dashboard }) =>
      dashboardQueries(dashboard).flatMap((q, i) =>
        expandVariables(q.expr, dashboard).map((expr, j) => ({
          record: `dashboard:${file.replace(/\W/g, '_')}:${i}_${j}`,
          expr,
        })),
      ),
    );
    expect(rules.length).toBeGreaterThan(30);
    const dir = mkdtempSync(join(tmpdir(), 'dashboards-promql-'));
    try {
      writeFileSync(join(dir, 'queries.yml'), stringify({ groups: [{ name: 'dashboards', rules }] }));
      const result = runPromtool(['check', 'rules', 'queries.yml'], dir);
      if (result.status !== 0) throw new Error(`a dashboard query is not valid PromQL:\n${result.output}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a variable that has no values to expand', () => {
    const d = { uid: 'x', title: 'x', panels: [], templating: { list: [] } };
    expect(() => expandVariables('rate(${other}_total[5m])', d)).toThrow(/\$other is not a custom variable/);
    expect(expandVariables('rate(x_total[$__rate_interval])', d)).toEqual(['rate(x_total[5m])']);
  });

  it('radar: rate by outcome, signature failures, validation flags, write latency p50/p99, in-flight', () => {
    const d = byUid('fenx-radar');
    expect(titles(d)).toEqual(
      expect.arrayContaining([
        'Requests by outcome',
        'Signature failures by reason',
        'Validation flags by reason',
        'Kafka write latency',
        'In-flight requests',
      ]),
    );
    expect(exprs(d)).toMatch(/histogram_quantile\(0\.5, .*radar_kafka_write_duration_seconds_bucket/);
    expect(exprs(d)).toMatch(/histogram_quantile\(0\.99, .*radar_kafka_write_duration_seconds_bucket/);
  });

  it('extractors: one dashboard for both apps, events, ids, FenX calls and latency, splits, dead letters, lag, last success', () => {
    const d = byUid('fenx-extractors');
    const queries = dashboardQueries(d)
      .flatMap((q) => expandVariables(q.expr, d))
      .join('\n');
    for (const app of ['journey_extractor', 'entity_extractor']) {
      for (const what of [
        'events_consumed_total',
        'distinct_ids_total',
        'fenx_requests_total',
        'fenx_request_duration_seconds_bucket',
        'batch_splits_total',
        'dead_letters_total',
        'consumer_lag_records',
        'last_success_timestamp_seconds',
      ])
        expect(queries).toContain(`${app}_${what}`);
    }
  });

  it('pipeline end-to-end: event-to-detail delay of both extractors, lags and last successes', () => {
    const e = exprs(byUid('fenx-pipeline'));
    expect(e).toContain('journey_extractor_event_to_detail_seconds_bucket');
    expect(e).toContain('entity_extractor_event_to_detail_seconds_bucket');
    expect(e).toContain('lake_sink_consumer_lag_records');
    expect(e).toContain('journey_extractor_last_success_timestamp_seconds');
  });
});
