import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** One rendered Kubernetes object. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  [key: string]: unknown;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
  };
}

export interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: { name: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: EnvVar[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
}

export interface Probe {
  httpGet?: { path: string; port: string | number };
}

export interface PodSpec {
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
  securityContext?: Record<string, unknown>;
  topologySpreadConstraints?: unknown[];
  containers: Container[];
}

/** The overlays an operator applies (`kubectl apply -k deploy/k8s/<dir>`). */
export const K8S_OVERLAYS = ['base', 'overlays/scheduled', 'overlays/lake-connect'] as const;

/**
 * `kubectl kustomize deploy/k8s/<dir>`, parsed: what `kubectl apply -k` would send (Debian's kubectl
 * renders offline, no cluster needed).
 */
export function renderKustomization(root: string, dir: string): K8sObject[] {
  const path = join(root, 'deploy', 'k8s', dir);
  let result = spawnSync('kubectl', ['kustomize', path], { encoding: 'utf8', timeout: 60000 });
  if (result.error) {
    // No kubectl: kustomize itself, as tools/setup.sh installs it then.
    result = spawnSync(join(homedir(), '.cache', 'fenx-pipeline', 'bin', 'kustomize'), ['build', path], {
      encoding: 'utf8',
      timeout: 60000,
    });
  }
  if (result.error)
    throw new Error(
      `Neither kubectl nor kustomize is installed (${result.error.message}): run \`bash tools/setup.sh\`, ` +
        'which installs kustomize with Go when kubectl is missing.',
    );
  if (result.status !== 0) throw new Error(`kubectl kustomize deploy/k8s/${dir} failed:\n${result.stderr}`);
  return parseAllDocuments(result.stdout).map((doc) => {
    if (doc.errors.length)
      throw new Error(`deploy/k8s/${dir}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJSON() as K8sObject;
  });
}

/** The workloads' pod templates: Deployments, Jobs and CronJobs. */
export function podSpecOf(o: K8sObject): PodSpec | undefined {
  const spec = o.spec as Record<string, any> | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
  if (o.kind === 'Deployment' || o.kind === 'Job') return spec?.['template']?.spec as PodSpec;
  if (o.kind === 'CronJob') return spec?.['jobTemplate']?.spec?.template?.spec as PodSpec;
  return undefined;
}

export function podLabelsOf(o: K8sObject): Record<string, string> {
  const spec = o.spec as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const template = o.kind === 'CronJob' ? spec['jobTemplate'].spec.template : spec['template'];
  return template.metadata.labels as Record<string, string>;
}

/** What a container's environment holds: each variable with its value, or the Secret key it comes from. */
export interface ContainerEnv {
  values: Record<string, string>;
  secretKeys: Record<string, { secret: string; key: string }>;
}

export function containerEnv(objects: readonly K8sObject[], c: Container): ContainerEnv {
  const values: Record<string, string> = {};
  const secretKeys: ContainerEnv['secretKeys'] = {};
  for (const from of c.envFrom ?? []) {
    if (from.secretRef) throw new Error(`${c.name}: envFrom a whole Secret (${from.secretRef.name})`);
    const name = from.configMapRef?.name;
    const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
    if (!map) throw new Error(`${c.name}: ConfigMap ${name} is not in the rendered output`);
    Object.assign(values, map.data ?? {});
  }
  for (const e of c.env ?? []) {
    if (e.value !== undefined) values[e.name] = e.value;
    else if (e.valueFrom?.secretKeyRef)
      secretKeys[e.name] = { secret: e.valueFrom.secretKeyRef.name, key: e.valueFrom.secretKeyRef.key };
    else throw new Error(`${c.name}: ${e.name} has neither a value nor a Secret key`);
  }
  return { values, secretKeys };
}
