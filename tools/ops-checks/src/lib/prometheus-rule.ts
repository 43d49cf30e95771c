import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

export const PROMETHEUS_RULE_FILE = 'deploy/k8s/base/monitoring/prometheus-rule.yaml';

/**
 * The Prometheus Operator's `PrometheusRule` holding every group of docker/prometheus/rules, in file
 * order: one source for the alerts, in compose and on Kubernetes.
 */
export function prometheusRuleFrom(rulesDir: string): Record<string, unknown> {
  const groups = readdirSync(rulesDir)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => (parse(readFileSync(join(rulesDir, f), 'utf8')) as { groups: unknown[] }).groups);
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'fenx-pipeline', labels: { 'app.kubernetes.io/name': 'fenx-pipeline' } },
    spec: { groups },
  };
}

export function prometheusRuleYaml(root: string): string {
  return (
    '# GENERATED from docker/prometheus/rules by `npx nx run ops-checks:generate-k8s-rules`: edit the rules there.\n' +
    stringify(prometheusRuleFrom(join(root, 'docker', 'prometheus', 'rules')), { lineWidth: 0 })
  );
}
