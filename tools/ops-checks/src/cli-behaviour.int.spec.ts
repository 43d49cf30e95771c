import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';

/** A built app's command line (dist/apps/<app>/main.js), with only PATH and `env` set. */
function run(app: string, args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; out: string; err: string }>((resolve) => {
    execFile(
      process.execPath,
      [join(workspaceRoot, 'dist', 'apps', app, 'main.js'), ...args],
      { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 60000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout, err: stderr }),
    );
  });
}

/** Every app entry, a command of it, and a setting whose bad value it must name. */
const APPS: { app: string; command?: string; badEnv?: Record<string, string>; named?: string }[] = [
  { app: 'radar', command: 'calibrate', badEnv: {}, named: 'RADAR_WEBHOOK_SECRETS' },
  {
    app: 'journey-extractor',
    command: 'once',
    badEnv: { EXTRACTOR_MODE: 'sometimes' },
    named: 'EXTRACTOR_MODE',
  },
  {
    app: 'entity-extractor',
    command: 'backfill',
    badEnv: { EXTRACTOR_MODE: 'sometimes' },
    named: 'EXTRACTOR_MODE',
  },
  {
    app: 'lake-sink',
    command: 'replay',
    badEnv: { LAKE_SINK_FLUSH_RECORDS: 'many' },
    named: 'LAKE_SINK_FLUSH_RECORDS',
  },
  { app: 'fenx-simulator', command: undefined, badEnv: { SIM_PORT: 'abc' }, named: 'SIM_PORT' },
  { app: 'fenx-admin', command: 'status', badEnv: undefined, named: undefined },
];

describe('every app entry behaves on its command line', () => {
  it.each(APPS)(
    '$app answers --help (and a command --help) with exit 0, without starting',
    async ({ app, command }) => {
      const help = await run(app, ['--help']);
      expect(help).toMatchObject({ code: 0, err: '' });
      expect(help.out).toContain(`Usage: ${app}`);
      if (command) {
        const sub = await run(app, [command, '--help']);
        expect(sub.code).toBe(0);
        expect(sub.out).toContain(`Usage: ${app} ${command}`);
      }
    },
  );

  it.each(APPS)('$app refuses an unknown option with exit 2 and says so', async ({ app }) => {
    const bad = await run(app, ['--no-such-option']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("error: unknown option '--no-such-option'");
  });

  it.each(APPS.filter((a) => a.badEnv))(
    '$app exits 2 naming a bad setting',
    async ({ app, badEnv, named }) => {
      const bad = await run(app, [], badEnv);
      expect(bad.code).toBe(2);
      expect(bad.err).toContain(`${app}: Invalid configuration`);
      expect(bad.err).toContain(`${named}:`);
    },
  );

  it('reports a start-up failure on one line and exits 1 (the simulator on a port already taken)', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const failed = await run('fenx-simulator', [], { SIM_PORT: String(port) });
      expect(failed.code).toBe(1);
      expect(failed.err).toMatch(
        new RegExp(`^fenx-simulator: listen EADDRINUSE: address already in use .*${port}$`, 'm'),
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
