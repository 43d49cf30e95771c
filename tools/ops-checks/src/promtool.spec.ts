import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { promtoolPath, runPromtool } from './lib/promtool';
import { kebabCase, loadAlertRules, loadAlertTests } from './lib/rules';

const PROMETHEUS_DIR = join(workspaceRoot, 'docker', 'prometheus');
const rules = loadAlertRules(join(PROMETHEUS_DIR, 'rules'));
const tests = loadAlertTests(join(PROMETHEUS_DIR, 'tests'));

describe('Prometheus rules (promtool)', () => {
  it('finds promtool, or says how to install it', () => {
    expect(promtoolPath()).toMatch(/promtool$/);
  });

  it('promtool check rules: every rule file is valid', () => {
    const files = readdirSync(join(PROMETHEUS_DIR, 'rules')).map((f) => join('rules', f));
    expect(files.length).toBeGreaterThan(0);
    const result = runPromtool(['check', 'rules', ...files], PROMETHEUS_DIR);
    expect({ status: result.status, output: result.output }).toEqual({
      status: 0,
      output: expect.any(String),
    });
  });

  it('promtool test rules: every unit test passes', () => {
    const files = readdirSync(join(PROMETHEUS_DIR, 'tests')).map((f) => join('tests', f));
    expect(files.length).toBeGreaterThan(0);
    const result = runPromtool(['test', 'rules', ...files], PROMETHEUS_DIR);
    if (result.status !== 0) throw new Error(`promtool test rules failed:\n${result.output}`);
    expect(result.output).not.toMatch(/FAILED/);
  });

  it('promtool check config: prometheus.yml is valid', () => {
    const result = runPromtool(['check', 'config', '--syntax-only', 'prometheus.yml'], PROMETHEUS_DIR);
    if (result.status !== 0) throw new Error(`promtool check config failed:\n${result.output}`);
  });

  it('the rules cover every alert the issue asks for', () => {
    expect(rules.map((r) => r.alert).sort()).toEqual(
      [
        'ConsumerStalled',
        'ExtractorDeadLetters',
        'ExtractorLagGrowing',
        'ExtractorNotSuccessful',
        'FenxRateLimited',
        'FenxServerErrors',
        'FenxWebhookRetrying',
        'FenxWebhookSystemDisabled',
        'FenxWebhookWatchFailing',
        'LakeSinkLagGrowing',
        'LakeSinkNotCommitting',
        'RadarAllSignaturesFailing',
        'RadarDown',
        'RadarKafkaWriteFailures',
        'RadarKafkaWriteLatencyHigh',
        'RadarNoEvents',
        'RadarServerErrors',
        'RadarSignatureFailuresSpike',
      ].sort(),
    );
  });

  it.each(rules.map((r) => [r.alert, r] as const))(
    '%s has a unit test where it fires and one where it stays quiet',
    (alert) => {
      const cases = tests.filter((t) => t.alertname === alert);
      expect({
        fires: cases.some((c) => c.expectsAlerts),
        quiet: cases.some((c) => !c.expectsAlerts),
      }).toEqual({ fires: true, quiet: true });
    },
  );

  it.each(rules.map((r) => [r.alert, r] as const))(
    '%s has a severity, a summary, a description and its runbook',
    (alert, rule) => {
      expect(['critical', 'warning']).toContain(rule.labels?.['severity']);
      expect(rule.annotations?.['summary']).toEqual(expect.any(String));
      expect(rule.annotations?.['description']).toEqual(expect.any(String));
      expect(rule.annotations?.['runbook_url']).toBe(`docs/runbooks/${kebabCase(alert)}.md`);
    },
  );

  it('names runbooks in kebab case', () => {
    expect(kebabCase('RadarKafkaWriteLatencyHigh')).toBe('radar-kafka-write-latency-high');
    expect(kebabCase('FenxRateLimited')).toBe('fenx-rate-limited');
  });
});
