import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { appEnvContract } from './lib/app-env';

/**
 * deploy/terraform/journey-job is written in Terraform's JSON syntax (*.tf.json), so it parses here
 * without an HCL parser: every `${…}` reference must name a declared variable, local or resource, and
 * the task's environment must be the journey extractor's.
 */
const DIR = join(workspaceRoot, 'deploy', 'terraform', 'journey-job');
const main = JSON.parse(readFileSync(join(DIR, 'main.tf.json'), 'utf8')) as {
  locals: { environment: { name: string; value: string }[]; secrets: { name: string; valueFrom: string }[] };
  resource: Record<string, Record<string, Record<string, unknown>>>;
  output: Record<string, { value: string; description?: string }>;
};
const { variable } = JSON.parse(readFileSync(join(DIR, 'variables.tf.json'), 'utf8')) as {
  variable: Record<string, { type: string; default?: unknown; description?: string }>;
};

/** Every string of a JSON value, however deep. */
const strings = (v: unknown): string[] =>
  typeof v === 'string'
    ? [v]
    : Array.isArray(v)
      ? v.flatMap(strings)
      : v && typeof v === 'object'
        ? Object.values(v).flatMap(strings)
        : [];

describe('deploy/terraform/journey-job: the journey job as an ECS Scheduled Task', () => {
  const expressions = strings({ main, variable }).flatMap((s) =>
    [...s.matchAll(/\$\{([^}]*(?:\{[^}]*\}[^}]*)*)\}/g)].map((m) => m[1]),
  );

  it('has the task definition, the hourly schedule, the log group, the IAM roles and the security group', () => {
    expect(Object.keys(main.resource).sort()).toEqual(
      [
        'aws_cloudwatch_log_group',
        'aws_ecs_task_definition',
        'aws_iam_role',
        'aws_iam_role_policy',
        'aws_iam_role_policy_attachment',
        'aws_scheduler_schedule',
        'aws_security_group',
      ].sort(),
    );
    expect(Object.keys(main.resource['aws_iam_role']).sort()).toEqual(['execution', 'scheduler', 'task']);
    expect(variable['schedule_expression'].default).toBe('rate(1 hour)');
    expect(expressions.length).toBeGreaterThan(20);
  });

  it('every reference resolves to a declared variable, local or resource', () => {
    const unresolved: string[] = [];
    for (const e of expressions) {
      for (const [, kind, name] of e.matchAll(/\b(var|local)\.(\w+)/g))
        if (!(kind === 'var' ? name in variable : name in main.locals)) unresolved.push(`${kind}.${name}`);
      for (const [, type, name] of e.matchAll(/\b(aws_[a-z_]+)\.(\w+)\./g))
        if (!main.resource[type]?.[name]) unresolved.push(`${type}.${name}`);
    }
    expect(unresolved).toEqual([]);
  });

  it('every variable is documented; the image has no default (pinned per release)', () => {
    for (const [name, v] of Object.entries(variable))
      expect({ name, description: v.description }).toEqual({
        name,
        description: expect.stringMatching(/\w{3,}/),
      });
    expect(variable['image'].default).toBeUndefined();
    for (const o of Object.values(main.output)) expect(o.description).toBeTruthy();
  });

  it('the environment is one the journey extractor reads, has everything it requires, and secrets come from Secrets Manager', () => {
    const contract = appEnvContract(workspaceRoot, 'journey-extractor', {
      FENX_BASE_URL: 'https://api.fenergox.com',
      FENX_CLIENT_ID: 'x',
      FENX_CLIENT_SECRET: 'x',
      FENX_TENANT_ID: 'x',
    });
    const names = [...main.locals.environment.map((e) => e.name), ...main.locals.secrets.map((s) => s.name)];
    expect(names.filter((n) => !contract.reads.has(n))).toEqual([]);
    expect([...contract.required].filter((n) => !names.includes(n))).toEqual([]);
    for (const s of main.locals.secrets)
      expect(s.valueFrom).toBe(`\${var.fenx_client_secret_arn}:${s.name}::`);
    expect(main.locals.environment).toContainEqual({ name: 'EXTRACTOR_MODE', value: 'once' });
    const definitions = String(main.resource['aws_ecs_task_definition']['job']['container_definitions']);
    expect(definitions).toContain('environment = local.environment');
    expect(definitions).toContain('secrets = local.secrets');
  });

  it('states the pipeline’s share of the FenX limit, within 60 % of it, and the job takes no more', () => {
    const share = Number(variable['fenx_pipeline_share_per_second'].default);
    expect(share).toBeLessThanOrEqual(Number(variable['fenx_tenant_rate_limit_per_second'].default) * 0.6);
    expect(main.locals.environment).toContainEqual({
      name: 'FENX_RATE_LIMIT_PER_SECOND',
      value: '${tostring(var.fenx_pipeline_share_per_second)}',
    });
  });
});
