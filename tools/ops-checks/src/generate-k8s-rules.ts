import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { PROMETHEUS_RULE_FILE, prometheusRuleYaml } from './lib/prometheus-rule';

/** Writes the Kubernetes PrometheusRule from docker/prometheus/rules (the one source of the alerts). */
writeFileSync(join(workspaceRoot, PROMETHEUS_RULE_FILE), prometheusRuleYaml(workspaceRoot));
process.stdout.write(`wrote ${PROMETHEUS_RULE_FILE}\n`);
