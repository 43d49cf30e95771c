import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { workspaceRoot } from '@nx/devkit';
import { sharedKafka, TestKafka } from '@fenx/kafka/test';
import { MetricsModule } from '@fenx/metrics';
import { AppProcess, freePort, SIMULATOR_DEFAULTS, SimulatorProcess, startSimulator } from '@fenx/testing';
import { makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import { register } from 'prom-client';
import { dashboardQueries, expandVariables, loadDashboards } from './lib/dashboards';
import { exportProblems, scrape } from './lib/exposition';
import { ContractMetric, isDefaultProcessMetric, loadMetricsContract } from './lib/metrics-contract';
import { metricNamesIn } from './lib/promql-names';
import { loadAlertRules } from './lib/rules';

/** What an app needs to start: a free port, Apache Kafka's and the simulator's settings. */
interface StartContext {
  port: number;
  kafka: Record<string, string>;
  fenx: Record<string, string>;
}

interface ExportedApp {
  /** Nx project name: `dist/apps/<name>/main.js` is started (built beforehand). */
  name: string;
  /** The app's environment: its port variable, Kafka and FenX settings, its mode. */
  env: (ctx: StartContext) => Record<string, string>;
  args?: string[];
  /** Answers 2xx once the app serves /metrics. */
  readyPath?: string;
}

/**
 * The pipeline apps whose /metrics must expose every name docs/metrics.md lists for them (HELP/TYPE
 * lines count: a labelled counter has no sample before its first increment).
 *
 * ADDING AN APP is one line here once it is in the workspace, e.g.
 *   { name: 'radar', env: ({ port, kafka }) => ({ PORT: String(port), ...kafka }) },
 *   { name: 'journey-extractor', env: ({ port, kafka, fenx }) => ({ PORT: String(port), MODE: 'continuous', ...kafka, ...fenx }) },
 * with the app's own names for its port and mode variables. The test "lists every pipeline app of the
 * workspace" fails until each existing pipeline app has its line.
 */
const APPS: ExportedApp[] = [
  {
    name: 'lake-sink',
    env: ({ port, kafka }) => ({
      PORT: String(port),
      LAKE_SINK_TARGET: mkdtempSync(join(tmpdir(), 'lake-metrics-')),
      ...kafka,
    }),
    readyPath: '/health/ready',
  },
  {
    name: 'radar',
    env: ({ port, kafka, fenx }) => ({
      PORT: String(port),
      RADAR_WEBHOOK_SECRETS: SIMULATOR_DEFAULTS.webhookSecret,
      FENX_TENANT_ID: fenx['FENX_TENANT_ID'],
      ...kafka,
    }),
  },
  {
    name: 'journey-extractor',
    env: ({ port, kafka, fenx }) => ({
      EXTRACTOR_PORT: String(port),
      EXTRACTOR_MODE: 'continuous',
      ...kafka,
      ...fenx,
    }),
  },
  {
    name: 'entity-extractor',
    env: ({ port, kafka, fenx }) => ({
      EXTRACTOR_PORT: String(port),
      EXTRACTOR_MODE: 'continuous',
      ...kafka,
      ...fenx,
    }),
  },
];

const PIPELINE_APPS = ['radar', 'journey-extractor', 'entity-extractor', 'lake-sink'];

const contract = loadMetricsContract(workspaceRoot);
const metricsOf = (app: string): ContractMetric[] => contract.filter((m) => m.app === app);

/** process_* / nodejs_* names that rules and dashboards use: prom-client defaults, exported by every app. */
function defaultMetricsInUse(): string[] {
  const exprs = loadAlertRules(join(workspaceRoot, 'docker', 'prometheus', 'rules')).map((r) => r.expr);
  for (const { dashboard } of loadDashboards(join(workspaceRoot, 'docker', 'grafana', 'dashboards')))
    for (const q of dashboardQueries(dashboard)) exprs.push(...expandVariables(q.expr, dashboard));
  return [...new Set(exprs.flatMap(metricNamesIn).filter(isDefaultProcessMetric))].sort();
}

describe('metric exports: every docs/metrics.md name is served at /metrics', () => {
  let simulator: SimulatorProcess;
  let broker: TestKafka | undefined;

  beforeAll(async () => {
    simulator = await startSimulator();
    if (APPS.length > 0) broker = await sharedKafka();
  }, 60000);

  afterAll(async () => {
    await simulator?.stop();
    await broker?.stop();
  });

  it('lists every pipeline app of the workspace in the table above', () => {
    const present = PIPELINE_APPS.filter((a) => existsSync(join(workspaceRoot, 'apps', a, 'project.json')));
    const listed = APPS.map((a) => a.name);
    expect(present.filter((a) => !listed.includes(a))).toEqual([]);
  });

  it('the default process metrics the rules and dashboards use are exported (fenx-simulator, same MetricsModule)', async () => {
    const used = defaultMetricsInUse();
    expect(used.length).toBeGreaterThan(0);
    const exposed = await scrape(`${simulator.url}/metrics`);
    expect(used.filter((n) => !exposed.has(n))).toEqual([]);
  });

  if (APPS.length > 0) {
    it.each(APPS.map((a) => [a.name, a] as const))(
      '%s exports every metric docs/metrics.md lists for it',
      async (name, app) => {
        const port = await freePort();
        const fenx = {
          FENX_BASE_URL: simulator.url,
          FENX_CLIENT_ID: SIMULATOR_DEFAULTS.clientId,
          FENX_CLIENT_SECRET: SIMULATOR_DEFAULTS.clientSecret,
          FENX_TENANT_ID: SIMULATOR_DEFAULTS.tenantId,
        };
        const proc = await AppProcess.start({
          name,
          args: app.args,
          env: { LOG_LEVEL: 'warn', ...app.env({ port, kafka: broker?.env() ?? {}, fenx }) },
          readyUrl: `http://127.0.0.1:${port}${app.readyPath ?? '/metrics'}`,
          readyTimeoutMs: 60000,
        });
        try {
          const exposed = await scrape(`http://127.0.0.1:${port}/metrics`);
          expect(exportProblems(metricsOf(name), exposed)).toEqual([]);
        } finally {
          await proc.stop();
        }
      },
    );
  }
});

describe('the export check itself, on a Nest app using @fenx/metrics', () => {
  afterEach(() => register.clear());

  async function serve(providers: Parameters<typeof Module>[0]['providers']): Promise<{
    url: string;
    close: () => Promise<void>;
  }> {
    @Module({ imports: [MetricsModule.forRoot({ app: 'lake-sink' })], providers })
    class ExampleModule {}
    const moduleRef = await Test.createTestingModule({ imports: [ExampleModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    return { url: `${await app.getUrl()}/metrics`, close: () => app.close() };
  }

  it('passes when every name is declared, with no sample yet for the labelled counters', async () => {
    const lake = metricsOf('lake-sink');
    const app = await serve(
      lake.map((m) =>
        m.type === 'counter'
          ? makeCounterProvider({ name: m.name, help: m.name, labelNames: ['topic'] })
          : m.type === 'gauge'
            ? makeGaugeProvider({ name: m.name, help: m.name })
            : makeHistogramProvider({ name: m.name, help: m.name }),
      ),
    );
    try {
      const exposed = await scrape(app.url);
      expect(exportProblems(lake, exposed)).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('names a missing metric and one of the wrong type', async () => {
    const app = await serve([
      makeCounterProvider({ name: 'lake_sink_records_written_total', help: 'x', labelNames: ['topic'] }),
      makeCounterProvider({ name: 'lake_sink_consumer_lag_records', help: 'x' }),
    ]);
    try {
      const exposed = await scrape(app.url);
      const problems = exportProblems(metricsOf('lake-sink'), exposed);
      expect(problems).toContain('lake_sink_files_committed_total (counter) is not exported');
      expect(problems).toContain(
        'lake_sink_consumer_lag_records is exported as a counter, docs/metrics.md says gauge',
      );
      expect(problems).not.toContainEqual(expect.stringContaining('lake_sink_records_written_total'));
    } finally {
      await app.close();
    }
  });
});
