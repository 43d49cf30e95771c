import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The promtool binary on PATH (Debian package `prometheus`), or a clear error saying how to get it. */
export function promtoolPath(): string {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'promtool');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(
    'promtool is not installed: it comes with the Debian package `prometheus` ' +
      '(`sudo apt-get install prometheus`, or run `bash tools/setup.sh` as root).',
  );
}

export interface PromtoolResult {
  status: number | null;
  output: string;
}

/** Runs promtool with `args` in `cwd`; stdout and stderr together, for failure messages. */
export function runPromtool(args: string[], cwd: string): PromtoolResult {
  const result = spawnSync(promtoolPath(), args, { cwd, encoding: 'utf8', timeout: 60000 });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
