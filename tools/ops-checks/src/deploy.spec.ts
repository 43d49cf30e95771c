import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { parse } from 'yaml';
import { appLoader } from './lib/app-env';

const PIPELINE_APPS = ['radar', 'journey-extractor', 'entity-extractor', 'lake-sink'];

// deploy/k8s is checked on kubectl kustomize's rendered output: k8s.spec.ts.

/** The instructions of a Dockerfile, continuation lines joined. */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

const DOCKERFILES = ['docker/node-app.Dockerfile', 'apps/fenx-admin/Dockerfile'];

describe('Dockerfiles', () => {
  it.each(DOCKERFILES)(
    '%s: multi-stage on node:22-slim, non-root user, healthcheck, no secret in a layer',
    (file) => {
      const ops = instructions(readFileSync(join(workspaceRoot, file), 'utf8'));
      const froms = ops.filter((i) => i.op === 'FROM');
      expect(froms.length).toBeGreaterThanOrEqual(3);
      expect(ops.find((i) => i.op === 'ARG' && i.args.startsWith('NODE_IMAGE='))?.args).toBe(
        'NODE_IMAGE=node:22-slim',
      );
      const lastFrom = ops.lastIndexOf(froms[froms.length - 1]);
      const runtime = ops.slice(lastFrom);
      expect(runtime.find((i) => i.op === 'USER')?.args).toBe('node');
      expect(runtime.filter((i) => i.op === 'COPY').every((i) => i.args.includes('--chown=node:node'))).toBe(
        true,
      );
      const healthcheck = runtime.find((i) => i.op === 'HEALTHCHECK');
      expect(healthcheck).toBeDefined();
      if (file.includes('fenx-admin')) expect(healthcheck?.args).toBe('NONE');
      else expect(healthcheck?.args).toMatch(/CMD .*fetch\(.*HEALTH_PATH/);
      for (const i of ops.filter((x) => x.op === 'ENV' || x.op === 'ARG'))
        expect(i.args).not.toMatch(/SECRET|PASSWORD|TOKEN/i);
      // production dependencies only: the app's generated package.json with the root lockfile
      expect(ops.some((i) => i.op === 'COPY' && i.args === 'package-lock.json ./')).toBe(true);
      expect(ops.some((i) => i.op === 'RUN' && i.args.includes('npm install --omit=dev'))).toBe(true);
    },
  );

  it('the shared recipe builds the app named by --build-arg APP with nx, and checks its liveness path', () => {
    const ops = instructions(readFileSync(join(workspaceRoot, 'docker/node-app.Dockerfile'), 'utf8'));
    expect(ops.some((i) => i.op === 'RUN' && /npx nx build "\$\{APP\}"/.test(i.args))).toBe(true);
    expect(ops.find((i) => i.op === 'ARG' && i.args.startsWith('HEALTH_PATH='))?.args).toBe(
      'HEALTH_PATH=/health/live',
    );
  });

  it('.dockerignore keeps node_modules, dist and git out of the build context', () => {
    const ignored = readFileSync(join(workspaceRoot, '.dockerignore'), 'utf8').split('\n');
    for (const p of ['node_modules', 'dist', '.git']) expect(ignored).toContain(p);
  });
});

interface ComposeService {
  image?: string;
  profiles?: string[];
  build?: { context: string; dockerfile: string; args: Record<string, string> };
  volumes?: string[];
  env_file?: string;
  environment?: Record<string, string>;
}

describe('docker/compose.yml: the whole pipeline with monitoring', () => {
  const compose = parse(readFileSync(join(workspaceRoot, 'docker', 'compose.yml'), 'utf8')) as {
    services: Record<string, ComposeService>;
    'x-fenx-budget': Record<string, number>;
  };

  it('states the FenX budget, and the extractors add up within the pipeline’s share of it', () => {
    const budget = compose['x-fenx-budget'];
    expect(budget['pipelineRateSharePerSecond']).toBeLessThanOrEqual(
      budget['tenantRateLimitPerSecond'] * 0.6,
    );
    expect(budget['pipelineConcurrencyShare']).toBeLessThanOrEqual(budget['tenantMaxConcurrency']);
    const fileEnv = Object.fromEntries(
      readFileSync(join(workspaceRoot, 'docker', 'pipeline.env'), 'utf8')
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    let rate = 0;
    let concurrency = 0;
    for (const app of ['journey-extractor', 'entity-extractor'] as const) {
      // The app's own loader, so that a default it falls back to is counted as it would run.
      const config = appLoader(workspaceRoot, app)({ ...fileEnv, ...compose.services[app].environment }) as {
        fenx: { rateLimitPerSecond: number; maxConcurrency: number };
      };
      rate += config.fenx.rateLimitPerSecond;
      concurrency += config.fenx.maxConcurrency;
    }
    expect(rate).toBeLessThanOrEqual(budget['pipelineRateSharePerSecond']);
    expect(concurrency).toBeLessThanOrEqual(budget['pipelineConcurrencyShare']);
  });
  const prometheus = parse(
    readFileSync(join(workspaceRoot, 'docker', 'prometheus', 'prometheus.yml'), 'utf8'),
  ) as {
    scrape_configs: { job_name: string; honor_labels?: boolean; static_configs: { targets: string[] }[] }[];
  };

  it('runs Prometheus with the rules, the Pushgateway and Grafana with the provisioning and dashboards', () => {
    const s = compose.services;
    expect(s['prometheus'].volumes).toEqual(
      expect.arrayContaining([
        './prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
        './prometheus/rules:/etc/prometheus/rules:ro',
      ]),
    );
    expect(s['pushgateway'].image).toMatch(/^prom\/pushgateway:/);
    expect(s['grafana'].volumes).toEqual(
      expect.arrayContaining([
        './grafana/provisioning:/etc/grafana/provisioning:ro',
        './grafana/dashboards:/var/lib/grafana/dashboards:ro',
      ]),
    );
  });

  it.each([...PIPELINE_APPS, 'fenx-simulator'])('%s is built from the shared Dockerfile', (app) => {
    const service = compose.services[app];
    expect(service.build).toEqual(
      expect.objectContaining({
        context: '..',
        dockerfile: 'docker/node-app.Dockerfile',
        args: expect.objectContaining({ APP: app }),
      }),
    );
    expect(service.profiles).toEqual(['pipeline']);
    expect(existsSync(join(workspaceRoot, 'docker', service.env_file ?? 'missing'))).toBe(true);
  });

  it('Prometheus scrapes every pipeline app by its compose name, and the Pushgateway with honor_labels', () => {
    const targets = prometheus.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets));
    for (const app of PIPELINE_APPS) {
      expect(targets).toContain(`${app}:3000`);
      expect(compose.services[app]).toBeDefined();
    }
    const push = prometheus.scrape_configs.find((c) => c.job_name === 'pushgateway');
    expect(push?.honor_labels).toBe(true);
    expect(push?.static_configs[0].targets).toEqual(['pushgateway:9091']);
  });
});

describe('.github/workflows/images.yml', () => {
  const workflow = parse(readFileSync(join(workspaceRoot, '.github', 'workflows', 'images.yml'), 'utf8')) as {
    permissions: Record<string, string>;
    env: Record<string, string>;
    jobs: Record<
      string,
      {
        permissions?: Record<string, string>;
        steps: { run?: string; uses?: string; with?: Record<string, string> }[];
      }
    >;
  };

  it('reads the repository only, except the publishing job that writes packages', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(workflow.jobs['image'].permissions).toEqual({ contents: 'read', packages: 'write' });
    expect(workflow.jobs['affected'].permissions).toBeUndefined();
  });

  it('builds images for the affected apps only, every image app has a recipe', () => {
    const run = workflow.jobs['affected'].steps.map((s) => s.run ?? '').join('\n');
    expect(run).toContain('nx show projects --affected --type app');
    const apps = JSON.parse(workflow.env['IMAGE_APPS']) as string[];
    expect(apps.sort()).toEqual([...PIPELINE_APPS, 'fenx-simulator', 'fenx-admin'].sort());
    expect(existsSync(join(workspaceRoot, 'apps', 'fenx-admin', 'Dockerfile'))).toBe(true);
    const build = workflow.jobs['image'].steps.find((s) => s.uses?.startsWith('docker/build-push-action'));
    expect(build?.with?.['build-args']).toContain('APP=${{ matrix.app }}');
  });
});
