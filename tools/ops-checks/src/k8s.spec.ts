import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { parse, parseAllDocuments } from 'yaml';
import { appEnvContract, appLoader, DEPLOYED_APPS, DeployedApp } from './lib/app-env';
import {
  containerEnv,
  K8S_OVERLAYS,
  K8sObject,
  podLabelsOf,
  podSpecOf,
  renderKustomization,
} from './lib/kustomize';
import { prometheusRuleFrom } from './lib/prometheus-rule';

const rendered = Object.fromEntries(
  K8S_OVERLAYS.map((o) => [o, renderKustomization(workspaceRoot, o)]),
) as Record<(typeof K8S_OVERLAYS)[number], K8sObject[]>;
const base = rendered['base'];
const scheduled = rendered['overlays/scheduled'];

const find = (objects: K8sObject[], kind: string, name: string): K8sObject => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name} in the rendered output`);
  return o;
};
const workloadsOf = (objects: K8sObject[]): K8sObject[] =>
  objects.filter((o) => ['Deployment', 'Job', 'CronJob'].includes(o.kind));
const appOf = (o: K8sObject): string => podLabelsOf(o)['app.kubernetes.io/name'];
const isDeployedApp = (name: string): name is DeployedApp =>
  (DEPLOYED_APPS as readonly string[]).includes(name);

/** Every container of every overlay with the app it runs and its environment, Secret keys as placeholders. */
const containers = K8S_OVERLAYS.flatMap((overlay) =>
  workloadsOf(rendered[overlay]).flatMap((w) =>
    podSpecOf(w)!.containers.map((c) => {
      const env = containerEnv(rendered[overlay], c);
      const full = {
        ...env.values,
        ...Object.fromEntries(Object.keys(env.secretKeys).map((k) => [k, 'replace-me'])),
      };
      return {
        overlay,
        workload: w,
        id: `${overlay}: ${w.kind} ${w.metadata.name}`,
        app: appOf(w),
        c,
        env,
        full,
      };
    }),
  ),
);
const appContainers = containers.filter((x) => isDeployedApp(x.app));

describe('deploy/k8s: every overlay renders with kubectl kustomize', () => {
  it.each(K8S_OVERLAYS)('%s renders, in the fenx-pipeline namespace, with every pipeline app', (overlay) => {
    const objects = rendered[overlay];
    expect(objects.length).toBeGreaterThan(10);
    expect(
      objects.filter((o) => o.metadata.namespace !== 'fenx-pipeline').map((o) => o.metadata.name),
    ).toEqual([]);
    const apps = new Set(workloadsOf(objects).map(appOf));
    for (const app of ['radar', 'journey-extractor', 'entity-extractor']) expect(apps).toContain(app);
  });

  it.each(containers.map((x) => [x.id, x] as const))('%s: a pinned image, never latest', (_id, { c }) => {
    expect(c.image).toMatch(/^ghcr\.io\/fenx-pipeline\/[a-z-]+(:[\w.-]+|@sha256:[0-9a-f]{64})$/);
    expect(c.image).not.toMatch(/:latest$/);
  });

  it.each(containers.map((x) => [x.id, x] as const))(
    '%s: non-root, read-only root, no privilege escalation, resources, no API token',
    (_id, { workload, c }) => {
      const pod = podSpecOf(workload)!;
      expect(pod.securityContext).toEqual(expect.objectContaining({ runAsNonRoot: true }));
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(c.securityContext).toEqual(
        expect.objectContaining({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
        }),
      );
      expect(c.resources?.requests).toEqual(
        expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }),
      );
      expect(c.resources?.limits).toEqual(expect.objectContaining({ memory: expect.anything() }));
    },
  );
});

describe('the configuration contract: what deploy/k8s sets is what the apps read (their Env classes)', () => {
  const contracts = Object.fromEntries(
    DEPLOYED_APPS.map((app) => {
      const sample = appContainers.find((x) => x.app === app)?.full ?? {};
      return [app, appEnvContract(workspaceRoot, app, sample)];
    }),
  ) as Record<DeployedApp, ReturnType<typeof appEnvContract>>;

  it('the contract is read from the apps: each requires something and reads its Kafka settings', () => {
    expect([...contracts.radar.required]).toEqual(['RADAR_WEBHOOK_SECRETS']);
    expect([...contracts['journey-extractor'].required].sort()).toEqual(
      ['FENX_BASE_URL', 'FENX_CLIENT_ID', 'FENX_CLIENT_SECRET', 'FENX_TENANT_ID'].sort(),
    );
    for (const app of DEPLOYED_APPS) expect(contracts[app].reads).toContain('KAFKA_BROKERS');
  });

  it.each(appContainers.map((x) => [x.id, x] as const))(
    '%s: every variable set is read by the app, every required one is set, and the app accepts them',
    (_id, { app, full }) => {
      const contract = contracts[app as DeployedApp];
      expect(Object.keys(full).filter((k) => !contract.reads.has(k))).toEqual([]);
      expect([...contract.required].filter((k) => !(k in full))).toEqual([]);
      expect(() => appLoader(workspaceRoot, app as DeployedApp)(full)).not.toThrow();
    },
  );

  it.each(appContainers.map((x) => [x.id, x] as const))(
    '%s: secrets come one key at a time from the app’s own Secret',
    (_id, { app, env, c }) => {
      for (const [name, ref] of Object.entries(env.secretKeys)) {
        expect(ref).toEqual({ secret: `${app}-secrets`, key: name });
      }
      expect(c.envFrom?.some((f) => f.secretRef)).toBeFalsy();
      for (const name of Object.keys(env.values)) expect(name).not.toMatch(/SECRET|PASSWORD/);
    },
  );

  it('the Secret example holds, per workload, exactly the keys it takes', () => {
    const examples = parseAllDocuments(
      readFileSync(join(workspaceRoot, 'deploy', 'k8s', 'base', 'secret.example.yaml'), 'utf8'),
    ).map((d) => d.toJSON() as K8sObject & { stringData: Record<string, string> });
    const used = new Map<string, Set<string>>();
    for (const x of containers)
      for (const ref of Object.values(x.env.secretKeys)) {
        if (!used.has(ref.secret)) used.set(ref.secret, new Set());
        used.get(ref.secret)!.add(ref.key);
      }
    expect(
      Object.fromEntries(examples.map((s) => [s.metadata.name, Object.keys(s.stringData).sort()])),
    ).toEqual(Object.fromEntries([...used].map(([name, keys]) => [name, [...keys].sort()])));
  });
});

/** The port the app listens on for each port name, from its own loaded configuration. */
function listeningPorts(app: DeployedApp, env: Record<string, string>): Record<string, number> {
  const config = appLoader(workspaceRoot, app)(env) as {
    port?: number;
    internalPort?: number;
    extractor?: { port: number };
  };
  if (app === 'radar') return { http: config.port!, internal: config.internalPort! };
  if (app === 'lake-sink') return { http: config.port! };
  return { http: config.extractor!.port };
}

describe('deploy/k8s: probes and ports match the apps', () => {
  const HEALTH = { live: '/health/live', ready: '/health/ready' };
  const served = appContainers.filter((x) => x.workload.kind === 'Deployment');

  it.each(served.map((x) => [x.id, x] as const))(
    '%s: container ports are the ports the app listens on; probes on its health paths and named ports',
    (_id, { app, c, full }) => {
      const ports = listeningPorts(app as DeployedApp, full);
      expect(Object.fromEntries((c.ports ?? []).map((p) => [p.name, p.containerPort]))).toEqual(ports);
      const healthPort = app === 'radar' ? 'internal' : 'http';
      expect(c.livenessProbe?.httpGet).toEqual({ path: HEALTH.live, port: healthPort });
      expect(c.startupProbe?.httpGet).toEqual({ path: HEALTH.live, port: healthPort });
      expect(c.readinessProbe?.httpGet).toEqual({ path: HEALTH.ready, port: healthPort });
    },
  );

  it('the health paths are the ones the apps serve', () => {
    for (const file of ['apps/radar/src/app/health.controller.ts']) {
      const source = readFileSync(join(workspaceRoot, file), 'utf8');
      expect(source).toMatch(/@Controller\('health'\)/);
      expect(source).toMatch(/@Get\('live'\)/);
      expect(source).toMatch(/@Get\('ready'\)/);
    }
  });

  it.each(K8S_OVERLAYS)('%s: Services select their pods and target a named port of them', (overlay) => {
    const objects = rendered[overlay];
    for (const service of objects.filter((o) => o.kind === 'Service')) {
      const selector = service.spec!['selector'] as Record<string, string>;
      const pods = workloadsOf(objects).filter((w) =>
        Object.entries(selector).every(([k, v]) => podLabelsOf(w)[k] === v),
      );
      expect(pods.length).toBeGreaterThan(0);
      for (const port of service.spec!['ports'] as { targetPort: string }[])
        for (const w of pods)
          expect(podSpecOf(w)!.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name))).toContain(
            port.targetPort,
          );
    }
  });
});

describe('deploy/k8s: radar behind Kong', () => {
  const radar = appContainers.find((x) => x.overlay === 'base' && x.app === 'radar')!;
  const config = appLoader(workspaceRoot, 'radar')(radar.full) as {
    webhookPath: string;
    maxBodyBytes: number;
  };
  const deck = parse(readFileSync(join(workspaceRoot, 'deploy', 'kong', 'radar.deck.yaml'), 'utf8')) as {
    services: {
      url: string;
      routes: { paths: string[]; methods: string[] }[];
      plugins: { name: string; config: Record<string, unknown> }[];
    }[];
  };
  const plugins = base.filter((o) => o.kind === 'KongPlugin') as (K8sObject & {
    plugin: string;
    config: Record<string, unknown>;
  })[];

  it('the Ingress routes only the webhook path, to the public port; no Service exposes the internal port', () => {
    const ingress = find(base, 'Ingress', 'radar');
    expect(ingress.spec!['ingressClassName']).toBe('kong');
    const paths = (
      ingress.spec!['rules'] as { http: { paths: { path: string; pathType: string; backend: unknown }[] } }[]
    ).flatMap((r) => r.http.paths);
    expect(paths).toEqual([
      {
        path: config.webhookPath,
        pathType: 'Exact',
        backend: { service: { name: 'radar', port: { name: 'http' } } },
      },
    ]);
    expect(find(base, 'Service', 'radar').spec!['ports']).toEqual([
      { name: 'http', port: 80, targetPort: 'http' },
    ]);
    const attached = ingress.metadata.annotations!['konghq.com/plugins'].split(',');
    expect(attached.sort()).toEqual(plugins.map((p) => p.metadata.name).sort());
  });

  it('Kong refuses bodies over radar’s own limit, rate-limits, and allows FenX’s addresses only', () => {
    const byName = Object.fromEntries(plugins.map((p) => [p.plugin, p.config]));
    expect(byName['request-size-limiting']).toEqual(
      expect.objectContaining({ allowed_payload_size: config.maxBodyBytes, size_unit: 'bytes' }),
    );
    expect(byName['rate-limiting']).toEqual(expect.objectContaining({ second: expect.any(Number) }));
    expect((byName['ip-restriction']['allow'] as string[]).length).toBeGreaterThan(0);
  });

  it('the decK configuration has the same route and the same plugins as the Ingress', () => {
    const [service] = deck.services;
    expect(service.url).toBe('http://radar.fenx-pipeline.svc.cluster.local:80');
    expect(service.routes).toHaveLength(1);
    expect(service.routes[0].paths).toEqual([`~${config.webhookPath}$`]);
    expect(service.routes[0].methods).toEqual(['POST']);
    expect(Object.fromEntries(service.plugins.map((p) => [p.name, p.config]))).toEqual(
      Object.fromEntries(plugins.map((p) => [p.plugin, p.config])),
    );
  });
});

interface Policy {
  podSelector: {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; values: string[] }[];
  };
  policyTypes: string[];
  ingress?: { from: Record<string, unknown>[]; ports?: { port: string | number }[] }[];
  egress?: { to: Record<string, unknown>[]; ports?: { port: string | number }[] }[];
}
const NS = (name: string) => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } },
});

describe('deploy/k8s: NetworkPolicies', () => {
  const policies = base
    .filter((o) => o.kind === 'NetworkPolicy')
    .map((o) => ({ name: o.metadata.name, ...(o.spec as unknown as Policy) }));
  const selects = (p: Policy, app: string): boolean =>
    Object.keys(p.podSelector).length === 0 ||
    p.podSelector.matchLabels?.['app.kubernetes.io/name'] === app ||
    !!p.podSelector.matchExpressions?.some(
      (e) => e.key === 'app.kubernetes.io/name' && e.values.includes(app),
    );
  const of = (app: string) =>
    policies.filter((p) => Object.keys(p.podSelector).length > 0 && selects(p, app));
  const peers = (rules: { to?: Record<string, unknown>[]; from?: Record<string, unknown>[] }[] | undefined) =>
    (rules ?? []).flatMap((r) => r.to ?? r.from ?? []);

  it('everything is denied by default, but name resolution', () => {
    const deny = policies.find((p) => p.name === 'default-deny')!;
    expect(deny.podSelector).toEqual({});
    expect(deny.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
    expect(deny.ingress).toBeUndefined();
    expect(deny.egress!.flatMap((r) => r.ports!.map((p) => p.port))).toEqual([53, 53]);
  });

  it.each(workloadsOf(base).map((w) => [appOf(w)] as const))('%s has a policy of its own', (app) => {
    expect(of(app).length).toBe(1);
  });

  it('radar: ingress from the gateway namespace (webhook port) and monitoring (internal port) only; egress to Kafka only', () => {
    const [radar] = of('radar');
    expect(radar.ingress).toEqual([
      { from: [NS('kong')], ports: [{ protocol: 'TCP', port: 'http' }] },
      { from: [NS('monitoring')], ports: [{ protocol: 'TCP', port: 'internal' }] },
    ]);
    expect(peers(radar.egress)).toEqual([NS('kafka')]);
  });

  it('the extractors: egress to FenX (by CIDR), Kafka and the Pushgateway only', () => {
    const [p] = of('journey-extractor');
    expect(of('entity-extractor')).toEqual([p]);
    expect(peers(p.egress)).toEqual([
      { ipBlock: { cidr: expect.any(String) } },
      NS('kafka'),
      { ...NS('monitoring'), podSelector: { matchLabels: { 'app.kubernetes.io/name': 'pushgateway' } } },
    ]);
    expect(p.egress![0].ports).toEqual([{ protocol: 'TCP', port: 443 }]);
  });

  it('lake-sink: egress to Kafka and S3 (by CIDR, HTTPS) only', () => {
    const [p] = of('lake-sink');
    expect(peers(p.egress)).toEqual([NS('kafka'), { ipBlock: { cidr: expect.any(String) } }]);
    expect(p.egress![1].ports).toEqual([{ protocol: 'TCP', port: 443 }]);
  });

  it('ingress to the apps but radar comes from monitoring only (scrapes)', () => {
    for (const app of ['journey-extractor', 'lake-sink'])
      expect(peers(of(app)[0].ingress)).toEqual([NS('monitoring')]);
  });
});

describe('deploy/k8s: lake-sink writes to S3 with an IAM role', () => {
  it('its target is an s3:// bucket and prefix with a region, and its ServiceAccount carries the role', () => {
    const sink = appContainers.find((x) => x.overlay === 'base' && x.app === 'lake-sink')!;
    expect(sink.full['LAKE_SINK_TARGET']).toMatch(/^s3:\/\/[a-z0-9.-]+\/[\w./-]+$/);
    expect(sink.full['S3_REGION']).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
    const pod = podSpecOf(sink.workload)!;
    const account = find(base, 'ServiceAccount', pod.serviceAccountName!);
    expect(account.metadata.annotations!['eks.amazonaws.com/role-arn']).toMatch(
      /^arn:aws:iam::\d{12}:role\//,
    );
  });
});

describe('deploy/k8s: topics and ACLs', () => {
  it('a Job creates them with fenx-admin’s `kafka setup`; the apps only check them', () => {
    const job = find(base, 'Job', 'kafka-setup');
    const [c] = podSpecOf(job)!.containers;
    expect(c.image).toMatch(/\/fenx-admin[:@]/);
    expect(c.args).toEqual(['kafka', 'setup', '--acls']);
    for (const x of appContainers) expect(x.full['KAFKA_CREATE_TOPICS']).toBe('false');
    // The command itself is tested against Apache Kafka in fenx-admin's integration tests.
    const command = readFileSync(join(workspaceRoot, 'apps/fenx-admin/src/cli/kafka.command.ts'), 'utf8');
    expect(command).toMatch(/new Command\('kafka'\)/);
    expect(command).toMatch(/\.command\('setup'\)/);
    expect(command).toMatch(/\.option\('--acls'/);
    expect(readFileSync(join(workspaceRoot, 'apps/fenx-admin/src/cli/cli.ts'), 'utf8')).toContain(
      'program.addCommand(kafkaCommand(io))',
    );
  });
});

describe('deploy/k8s: alerts and scraping', () => {
  it('the PrometheusRule holds exactly the groups of docker/prometheus/rules', () => {
    const rule = find(base, 'PrometheusRule', 'fenx-pipeline');
    expect(rule.spec).toEqual(
      prometheusRuleFrom(join(workspaceRoot, 'docker', 'prometheus', 'rules'))['spec'],
    );
  });

  it('the PodMonitor scrapes every app’s metrics port, with the job label the rules use', () => {
    const monitor = find(base, 'PodMonitor', 'fenx-pipeline');
    expect(monitor.spec!['jobLabel']).toBe('app.kubernetes.io/name');
    const selected = ((monitor.spec!['selector'] as Policy['podSelector']).matchExpressions ?? [])[0].values;
    expect(selected.sort()).toEqual([...DEPLOYED_APPS].sort());
    const endpoints = (monitor.spec!['podMetricsEndpoints'] as { port: string; path: string }[]).map(
      (e) => e.port,
    );
    expect(endpoints).toEqual(['internal', 'http']);
    const rules = JSON.stringify(find(base, 'PrometheusRule', 'fenx-pipeline').spec);
    for (const [, job] of rules.matchAll(/job=\\"([\w-]+)\\"/g)) expect(selected).toContain(job);
  });
});

describe('deploy/k8s/overlays/scheduled', () => {
  const cronJobs = scheduled.filter((o) => o.kind === 'CronJob');
  const modeOf = (o: K8sObject) =>
    podSpecOf(o)!.containers[0].env?.find((e) => e.name === 'EXTRACTOR_MODE')?.value;

  it('runs every job the continuous Deployments ran, as CronJobs; no extractor Deployment is left', () => {
    expect(
      cronJobs
        .filter((c) => appOf(c) !== 'webhook-status')
        .map((c) => `${appOf(c)} ${modeOf(c)}`)
        .sort(),
    ).toEqual([
      'entity-extractor once',
      'entity-extractor reconciliation',
      'journey-extractor once',
      'journey-extractor safety-net',
    ]);
    expect(
      scheduled
        .filter((o) => o.kind === 'Deployment')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['lake-sink', 'radar']);
  });

  it('watches the FenX webhook every 2 minutes with fenx-admin, in every overlay', () => {
    for (const objects of Object.values(rendered)) {
      const watch = find(objects, 'CronJob', 'webhook-status');
      expect(watch.spec!['schedule']).toBe('*/2 * * * *');
      const c = podSpecOf(watch)!.containers[0];
      expect(c.image).toMatch(/\/fenx-admin[:@]/);
      expect(c.args).toEqual(['webhooks', 'watch']);
      expect(containerEnv(objects, c).values['PUSHGATEWAY_URL']).toMatch(/^http/);
    }
  });

  it.each(cronJobs.map((c) => [c.metadata.name, c] as const))(
    '%s: on, never two at once, with history limits',
    (_n, c) => {
      expect(c.spec!['suspend']).toBeUndefined();
      expect(c.spec!['concurrencyPolicy']).toBe('Forbid');
      expect(c.spec!['successfulJobsHistoryLimit']).toBeGreaterThan(0);
      expect(c.spec!['failedJobsHistoryLimit']).toBeGreaterThan(0);
      expect(c.spec!['schedule']).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
    },
  );

  it('in continuous mode, the Deployments keep the safety net and the reconciliation on', () => {
    const get = (app: string) =>
      appContainers.find((x) => x.overlay === 'base' && x.app === app && x.workload.kind === 'Deployment')!;
    const journey = appLoader(workspaceRoot, 'journey-extractor')(get('journey-extractor').full) as {
      journey: { JOURNEY_SAFETY_NET_INTERVAL_MS: number };
    };
    const entity = appLoader(workspaceRoot, 'entity-extractor')(get('entity-extractor').full) as {
      reconcile: { intervalMs: number };
    };
    expect(journey.journey.JOURNEY_SAFETY_NET_INTERVAL_MS).toBeGreaterThan(0);
    expect(entity.reconcile.intervalMs).toBeGreaterThan(0);
  });
});

describe('deploy/k8s/overlays/lake-connect (Kafka Connect S3 sink on Strimzi)', () => {
  const objects = rendered['overlays/lake-connect'];
  const local = JSON.parse(
    readFileSync(join(workspaceRoot, 'docker', 'connect', 'fenx-lake-s3-sink.json'), 'utf8'),
  ) as {
    config: Record<string, string>;
  };
  /** What only the local MinIO needs, and what a deployment sets for itself. */
  const LOCAL_ONLY = [
    'store.url',
    'aws.access.key.id',
    'aws.secret.access.key',
    's3.path.style.access.enabled',
  ];
  const PER_DEPLOYMENT = ['s3.bucket.name', 's3.region'];

  it('replaces lake-sink with a KafkaConnect cluster and the connector of docker/connect', () => {
    expect(objects.some((o) => o.kind === 'Deployment' && o.metadata.name === 'lake-sink')).toBe(false);
    const connector = find(objects, 'KafkaConnector', 'fenx-lake-s3-sink');
    const spec = connector.spec as { class: string; tasksMax: number; config: Record<string, string> };
    expect(connector.metadata.labels!['strimzi.io/cluster']).toBe(
      find(objects, 'KafkaConnect', 'fenx-lake').metadata.name,
    );
    const expected = Object.fromEntries(
      Object.entries(local.config).filter(
        ([k]) => ![...LOCAL_ONLY, ...PER_DEPLOYMENT, 'connector.class', 'tasks.max'].includes(k),
      ),
    );
    const actual = Object.fromEntries(
      Object.entries(spec.config).filter(([k]) => !PER_DEPLOYMENT.includes(k)),
    );
    expect(actual).toEqual(expected);
    expect(spec.class).toBe(local.config['connector.class']);
    expect(String(spec.tasksMax)).toBe(local.config['tasks.max']);
    for (const k of PER_DEPLOYMENT) expect(spec.config[k]).toBeTruthy();
  });
});

/** The effective FENX_* budget settings of an extractor container (the Env class's defaults when unset). */
function fenxBudgetOf(x: (typeof appContainers)[number]): { rate: number; concurrency: number } {
  const config = appLoader(workspaceRoot, x.app as DeployedApp)(x.full) as {
    fenx: { rateLimitPerSecond: number; maxConcurrency: number };
  };
  const replicas = x.workload.kind === 'Deployment' ? Number(x.workload.spec!['replicas'] ?? 1) : 1;
  return {
    rate: config.fenx.rateLimitPerSecond * replicas,
    concurrency: config.fenx.maxConcurrency * replicas,
  };
}

describe('one FenX budget: the extractors that may run at once stay within the pipeline’s share', () => {
  it.each(K8S_OVERLAYS)('%s', (overlay) => {
    const budget = find(rendered[overlay], 'ConfigMap', 'fenx-api-budget').data!;
    const tenantRate = Number(budget['tenantRateLimitPerSecond']);
    const shareRate = Number(budget['pipelineRateSharePerSecond']);
    const tenantConcurrency = Number(budget['tenantMaxConcurrency']);
    const shareConcurrency = Number(budget['pipelineConcurrencyShare']);
    // Headroom for the tenant's other integrations: the pipeline never takes more than 60 %.
    expect(shareRate).toBeLessThanOrEqual(tenantRate * 0.6);
    expect(shareConcurrency).toBeLessThanOrEqual(tenantConcurrency);
    const extractors = appContainers.filter((x) => x.overlay === overlay && x.app.endsWith('-extractor'));
    expect(extractors.length).toBeGreaterThanOrEqual(2);
    const total = extractors
      .map(fenxBudgetOf)
      .reduce((a, b) => ({ rate: a.rate + b.rate, concurrency: a.concurrency + b.concurrency }));
    expect(total.rate).toBeLessThanOrEqual(shareRate);
    expect(total.concurrency).toBeLessThanOrEqual(shareConcurrency);
  });
});
