import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { freePort, waitFor } from '@fenx/testing';

/**
 * `npm start` as a newcomer meets it (the README's promise): one banner once every app is ready, rows
 * in the suggested report within 90 seconds, and Ctrl-C stopping the apps first and the broker last.
 */
describe('npm start', () => {
  let stack: ChildProcess | undefined;
  const lines: string[] = [];
  let exited: Promise<number | null>;

  const report = () =>
    spawnSync(
      process.execPath,
      [
        join(workspaceRoot, 'dist/apps/lake-sink/main.js'),
        'report',
        'onboarding-weekly',
        '--lake',
        '.dev/lake',
      ],
      { cwd: workspaceRoot, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'warn' } },
    );

  beforeAll(async () => {
    stack = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(workspaceRoot, 'tools/local/run.ts'), '--duration', '6'],
      {
        cwd: workspaceRoot,
        env: {
          ...process.env,
          SWC_NODE_PROJECT: 'tools/tsconfig.tools.json',
          KAFKA_LOCAL_PORT: String(await freePort()),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const keep = (chunk: Buffer) =>
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== ''),
      );
    stack.stdout?.on('data', keep);
    stack.stderr?.on('data', keep);
    exited = new Promise((resolve) => stack?.once('exit', (code) => resolve(code)));
  });

  afterAll(async () => {
    if (stack && stack.exitCode === null) {
      stack.kill('SIGINT');
      stack.kill('SIGINT');
      await exited;
    }
  });

  it('shows one banner, then rows in the suggested report within 90 s, and stops the apps before the broker on Ctrl-C', async () => {
    await waitFor(() => lines.some((l) => l.includes('fenx-pipeline is running')) || undefined, {
      timeoutMs: 300000,
      intervalMs: 500,
      what: `the banner (output so far:\n${lines.join('\n')})`,
    });
    expect(lines.filter((l) => l.includes('fenx-pipeline is running'))).toHaveLength(1);
    // No route mappings or other INFO lines of the apps on the terminal.
    expect(lines.filter((l) => /Mapped \{|RouterExplorer|RoutesResolver/.test(l))).toEqual([]);
    const suggested = lines.find((l) => l.trim().startsWith('report'));
    expect(suggested).toContain('report onboarding-weekly --lake .dev/lake');

    const rows = await waitFor(
      () => {
        const r = report();
        return r.status === 0 && !r.stdout.includes('(no rows)') && r.stdout.trim() !== ''
          ? r.stdout
          : undefined;
      },
      { timeoutMs: 90000, intervalMs: 5000, what: 'rows in the suggested report' },
    );
    expect(rows.split('\n').length).toBeGreaterThan(2);

    const before = lines.length;
    stack?.kill('SIGINT');
    expect(await exited).toBe(0);
    const after = lines.slice(before);
    const stopped = after.filter((l) => / stopped( \(|$)/.test(l)).map((l) => l.trim().split(/\s+/)[0]);
    expect([...stopped].sort()).toEqual(
      ['Apache', 'entity-extractor', 'fenx-simulator', 'journey-extractor', 'lake-sink', 'radar'].sort(),
    );
    expect(stopped[stopped.length - 1]).toBe('Apache');
    // Stopping in order leaves nothing to complain about: no app error on the way out.
    expect(after.filter((l) => / (ERROR|FATAL) /.test(l))).toEqual([]);
  });
});
