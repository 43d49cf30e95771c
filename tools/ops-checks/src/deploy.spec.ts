import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { parse, parseAllDocuments } from 'yaml';

const K8S_BASE = join(workspaceRoot, 'deploy', 'k8s', 'base');
const PIPELINE_APPS = ['radar', 'journey-extractor', 'entity-extractor', 'lake-sink'];

interface Manifest {
  file: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec: Record<string, unknown> & {
    selector?: { matchLabels?: Record<string, string> } | Record<string, string>;
  };
}

interface Container {
  name: string;
  image?: string;
  livenessProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: { name: string; value?: string }[];
}

interface PodSpec {
  securityContext?: Record<string, unknown>;
  containers: Container[];
}

function loadManifests(dir: string): Manifest[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => {
        if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
        return { file, ...(doc.toJSON() as Omit<Manifest, 'file'>) };
      }),
    );
}

const manifests = loadManifests(K8S_BASE);
const kustomization = parse(readFileSync(join(K8S_BASE, 'kustomization.yaml'), 'utf8')) as {
  resources: string[];
};
const applied = manifests.filter((m) => kustomization.resources.includes(m.file));
const find = (kind: string, name: string): Manifest => {
  const m = applied.find((x) => x.kind === kind && x.metadata.name === name);
  if (!m) throw new Error(`no ${kind} ${name} in deploy/k8s/base`);
  return m;
};
const podOf = (m: Manifest): PodSpec => {
  if (m.kind === 'CronJob')
    return (m.spec['jobTemplate'] as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
  return (m.spec['template'] as { spec: PodSpec }).spec;
};
const podLabelsOf = (m: Manifest): Record<string, string> =>
  (m.spec['template'] as { metadata: { labels: Record<string, string> } }).metadata.labels;
const workloads = applied.filter((m) => ['Deployment', 'CronJob'].includes(m.kind));

describe('Kubernetes manifests (deploy/k8s/base)', () => {
  it('the kustomization applies every manifest but the Secret example', () => {
    const files = readdirSync(K8S_BASE).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect(files.filter((f) => !kustomization.resources.includes(f))).toEqual(['secret.example.yaml']);
    expect(applied.some((m) => m.kind === 'Secret')).toBe(false);
  });

  it.each(workloads.map((m) => [`${m.kind} ${m.metadata.name}`, m] as const))(
    '%s: non-root, no privilege escalation, read-only root, resources, config and secret references',
    (_name, m) => {
      const pod = podOf(m);
      expect(pod.securityContext).toEqual(expect.objectContaining({ runAsNonRoot: true }));
      for (const c of pod.containers) {
        expect(c.image).toMatch(/^fenx-pipeline\//);
        expect(c.securityContext).toEqual(
          expect.objectContaining({
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
          }),
        );
        expect(c.securityContext?.['runAsUser']).not.toBe(0);
        expect(c.resources?.requests).toEqual(
          expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }),
        );
        expect(c.resources?.limits).toEqual(expect.objectContaining({ memory: expect.anything() }));
        expect(c.envFrom).toEqual([
          { configMapRef: { name: 'fenx-pipeline-config' } },
          { secretRef: { name: 'fenx-pipeline-secrets' } },
        ]);
      }
    },
  );

  it.each(applied.filter((m) => m.kind === 'Deployment').map((m) => [m.metadata.name, m] as const))(
    'Deployment %s: liveness and readiness probes on the health endpoints; selector matches its pods',
    (_name, m) => {
      for (const c of podOf(m).containers) {
        expect(c.livenessProbe?.httpGet?.path).toBe('/health/live');
        expect(c.readinessProbe?.httpGet?.path).toBe('/health/ready');
      }
      const selector = (m.spec.selector as { matchLabels: Record<string, string> }).matchLabels;
      expect(podLabelsOf(m)).toEqual(expect.objectContaining(selector));
    },
  );

  it('the ConfigMap the workloads reference exists', () => {
    expect(find('ConfigMap', 'fenx-pipeline-config')).toBeDefined();
  });

  it('radar: Deployment, Service, HPA and PodDisruptionBudget that all select it', () => {
    const deployment = find('Deployment', 'radar');
    const labels = podLabelsOf(deployment);
    const service = find('Service', 'radar');
    expect(labels).toEqual(expect.objectContaining(service.spec.selector as Record<string, string>));
    const hpa = find('HorizontalPodAutoscaler', 'radar');
    expect(hpa.spec['scaleTargetRef']).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'radar' });
    expect(hpa.spec['minReplicas']).toBeGreaterThanOrEqual(2);
    expect(deployment.spec['replicas']).toBeUndefined();
    const pdb = find('PodDisruptionBudget', 'radar');
    expect(labels).toEqual(
      expect.objectContaining((pdb.spec.selector as { matchLabels: Record<string, string> }).matchLabels),
    );
  });

  it.each(['journey-extractor', 'entity-extractor'])(
    '%s: a CronJob in once mode (no overlapping runs) and a continuous Deployment',
    (name) => {
      const cron = find('CronJob', name);
      expect(cron.spec['concurrencyPolicy']).toBe('Forbid');
      expect(podOf(cron).containers[0].env).toContainEqual({ name: 'EXTRACTOR_MODE', value: 'once' });
      expect(podOf(find('Deployment', name)).containers[0].env).toContainEqual({
        name: 'EXTRACTOR_MODE',
        value: 'continuous',
      });
    },
  );

  it('lake-sink runs as a Deployment', () => {
    expect(find('Deployment', 'lake-sink')).toBeDefined();
  });

  it('the scheduled overlay builds on the base', () => {
    const overlay = parse(
      readFileSync(
        join(workspaceRoot, 'deploy', 'k8s', 'overlays', 'scheduled', 'kustomization.yaml'),
        'utf8',
      ),
    ) as { resources: string[]; patches: { target: { kind: string; name: string } }[] };
    expect(overlay.resources).toEqual(['../../base']);
    expect(overlay.patches.map((p) => `${p.target.kind} ${p.target.name}`).sort()).toEqual([
      'CronJob entity-extractor',
      'CronJob journey-extractor',
      'Deployment entity-extractor',
      'Deployment journey-extractor',
    ]);
  });
});

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
}

describe('docker/compose.yml: the whole pipeline with monitoring', () => {
  const compose = parse(readFileSync(join(workspaceRoot, 'docker', 'compose.yml'), 'utf8')) as {
    services: Record<string, ComposeService>;
  };
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
