import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface AlertRule {
  file: string;
  group: string;
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface RuleFile {
  groups: { name: string; rules: (Partial<AlertRule> & { record?: string })[] }[];
}

export interface AlertTestCase {
  file: string;
  name?: string;
  alertname: string;
  evalTime: string;
  expectsAlerts: boolean;
}

interface TestFile {
  rule_files: string[];
  tests: {
    name?: string;
    alert_rule_test?: { alertname: string; eval_time: string; exp_alerts?: unknown[] }[];
  }[];
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort();
}

/** Every alerting rule of every file in `dir` (recording rules are skipped). */
export function loadAlertRules(dir: string): AlertRule[] {
  return yamlFiles(dir).flatMap((file) => {
    const doc = parse(readFileSync(join(dir, file), 'utf8')) as RuleFile;
    return doc.groups.flatMap((g) =>
      g.rules.filter((r) => r.alert !== undefined).map((r) => ({ ...r, file, group: g.name }) as AlertRule),
    );
  });
}

/** Every `alert_rule_test` of every promtool test file in `dir`. */
export function loadAlertTests(dir: string): AlertTestCase[] {
  return yamlFiles(dir).flatMap((file) => {
    const doc = parse(readFileSync(join(dir, file), 'utf8')) as TestFile;
    return doc.tests.flatMap((t) =>
      (t.alert_rule_test ?? []).map((a) => ({
        file,
        name: t.name,
        alertname: a.alertname,
        evalTime: a.eval_time,
        expectsAlerts: (a.exp_alerts ?? []).length > 0,
      })),
    );
  });
}

/** `RadarKafkaWriteLatencyHigh` → `radar-kafka-write-latency-high` (the runbook's file name). */
export function kebabCase(alert: string): string {
  return alert
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}
