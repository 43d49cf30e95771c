import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';

interface LintMessage {
  ruleId: string | null;
  message: string;
}

/**
 * Lints `code` as if it were the file at `path`, with the workspace's real ESLint config (run as
 * the CLI: the flat config is an ES module, which jest's module system cannot load), and returns
 * the messages of the named rules.
 */
function lintAs(path: string, code: string, rules: string[]): Promise<string[]> {
  const eslint = join(workspaceRoot, 'node_modules', '.bin', 'eslint');
  return new Promise((resolve, reject) => {
    const child = execFile(
      eslint,
      ['--stdin', '--stdin-filename', join(workspaceRoot, path), '--format', 'json'],
      { cwd: workspaceRoot, env: { ...process.env, NX_DAEMON: 'false' } },
      (error, stdout, stderr) => {
        try {
          const [result] = JSON.parse(stdout) as { messages: LintMessage[] }[];
          resolve(result.messages.filter((m) => m.ruleId && rules.includes(m.ruleId)).map((m) => m.message));
        } catch {
          reject(new Error(`eslint failed: ${error?.message ?? ''} ${stderr}`));
        }
      },
    );
    child.stdin?.end(code);
  });
}

const BOUNDARIES = ['@nx/enforce-module-boundaries'];
const IMPORTS = ['no-restricted-imports'];

describe('module boundaries', () => {
  it('rejects a util lib depending on a data-access lib', async () => {
    const messages = await lintAs(
      'libs/hmac/src/lib/fixture.ts',
      "import { KafkaProducer } from '@fenx/kafka';\nexport const t = KafkaProducer;\n",
      BOUNDARIES,
    );
    expect(messages.join('\n')).toMatch(/type:util.*can only depend on libs tagged with/s);
  });

  it('lets a data-access lib depend on a util lib', async () => {
    const messages = await lintAs(
      'libs/kafka/src/lib/fixture.ts',
      "import { validateEnv } from '@fenx/config';\nexport const v = validateEnv;\n",
      BOUNDARIES,
    );
    expect(messages).toEqual([]);
  });

  it('rejects a lib importing an app', async () => {
    const messages = await lintAs(
      'libs/kafka/src/lib/fixture.ts',
      "import { AppModule } from '../../../../apps/fenx-simulator/src/app/app.module';\nexport const m = AppModule;\n",
      BOUNDARIES,
    );
    expect(messages.join('\n')).toMatch(
      /Imports of apps are forbidden|cannot be imported by a relative or absolute path/,
    );
  });

  it('rejects deep imports into a lib', async () => {
    const messages = await lintAs(
      'libs/logging/src/lib/fixture.ts',
      "import { processEnv } from '@fenx/config/src/lib/validate-env';\nexport const e = processEnv;\n",
      IMPORTS,
    );
    expect(messages.join('\n')).toMatch(/public entry/);
  });

  it('keeps test helpers out of production code but allows them in specs', async () => {
    const code = "import { waitFor } from '@fenx/testing';\nexport const w = waitFor;\n";
    expect((await lintAs('libs/kafka/src/lib/fixture.ts', code, IMPORTS)).join('\n')).toMatch(
      /Test helpers are for/,
    );
    expect(await lintAs('libs/kafka/src/lib/fixture.spec.ts', code, IMPORTS)).toEqual([]);
  });

  it('forbids console output in libraries', async () => {
    const messages = await lintAs('libs/config/src/lib/fixture.ts', "console.log('x');\n", ['no-console']);
    expect(messages).toHaveLength(1);
  });
});
