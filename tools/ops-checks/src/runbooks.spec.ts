import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { loadAlertRules } from './lib/rules';

const RUNBOOKS = join(workspaceRoot, 'docs', 'runbooks');
const rules = loadAlertRules(join(workspaceRoot, 'docker', 'prometheus', 'rules'));

describe('runbooks (docs/runbooks)', () => {
  it.each(rules.map((r) => [r.alert, r.annotations?.['runbook_url'] ?? ''] as const))(
    '%s: its runbook exists and says what it means, how to look and how to fix',
    (alert, url) => {
      const file = join(workspaceRoot, url);
      expect(existsSync(file)).toBe(true);
      const text = readFileSync(file, 'utf8');
      expect(text.startsWith(`# ${alert}\n`)).toBe(true);
      for (const part of ['**What it means.**', '**How to look.**', '**How to fix.**'])
        expect(text).toContain(part);
    },
  );

  it('every relative link between runbooks and docs resolves', () => {
    const broken: string[] = [];
    for (const page of readdirSync(RUNBOOKS).filter((f) => f.endsWith('.md'))) {
      const text = readFileSync(join(RUNBOOKS, page), 'utf8');
      for (const m of text.matchAll(/\]\(([^)#\s]+\.md)(#[^)]*)?\)/g)) {
        if (/^https?:/.test(m[1])) continue;
        if (!existsSync(join(dirname(join(RUNBOOKS, page)), m[1]))) broken.push(`${page} → ${m[1]}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the index lists every alert', () => {
    const index = readFileSync(join(RUNBOOKS, 'README.md'), 'utf8');
    expect(rules.filter((r) => !index.includes(`| ${r.alert} `)).map((r) => r.alert)).toEqual([]);
  });
});
