import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess, freePort } from './app-process';
import { waitFor } from './wait-for';

/** A workspace with one "built app": an HTTP server answering /ready, or exiting at once. */
function fakeWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'app-process-'));
  mkdirSync(join(root, 'dist', 'apps', 'echo'), { recursive: true });
  writeFileSync(
    join(root, 'dist', 'apps', 'echo', 'main.js'),
    `if (process.env.FAIL) { console.error('bad config: ' + process.env.FAIL); process.exit(3); }
     require('node:http').createServer((q, s) => { s.statusCode = q.url === '/ready' ? 200 : 404; s.end(); })
       .listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening ' + process.env.PORT));
     process.on('SIGTERM', () => { console.log('terminating'); process.exit(0); });`,
  );
  return root;
}

const bindable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

describe('freePort', () => {
  it('picks ports below the ephemeral range that nothing listens on', async () => {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10000);
      expect(port).toBeLessThan(low);
    }
    expect(await Promise.all(ports.map((p) => bindable(p)))).toEqual(ports.map(() => true));
  });
});

describe('AppProcess', () => {
  let root: string;
  beforeAll(() => (root = fakeWorkspace()));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('starts a built app, waits until ready, keeps its output and stops it', async () => {
    const port = await freePort();
    const app = await AppProcess.start({
      name: 'echo',
      root,
      env: { PORT: String(port) },
      readyUrl: `http://127.0.0.1:${port}/ready`,
    });
    expect(app.running).toBe(true);
    expect(app.pid).toEqual(expect.any(Number));
    await app.stop();
    expect(app.running).toBe(false);
    expect(app.output()).toEqual([`listening ${port}`, 'terminating']);
    expect(await app.exited()).toEqual({ code: 0, signal: null });
  });

  it('appends the output to its log file as it comes, not only at the exit', async () => {
    const port = await freePort();
    const logFile = join(root, 'echo.log');
    writeFileSync(logFile, 'an earlier instance\n');
    const app = await AppProcess.start({
      name: 'echo',
      root,
      env: { PORT: String(port) },
      readyUrl: `http://127.0.0.1:${port}/ready`,
      logFile,
    });
    try {
      const whileRunning = await waitFor(
        () =>
          readFileSync(logFile, 'utf8').includes('listening') ? readFileSync(logFile, 'utf8') : undefined,
        { timeoutMs: 10000, what: 'the first line in the log file' },
      );
      expect(whileRunning).toBe(`an earlier instance\nlistening ${port}\n`);
    } finally {
      await app.stop();
    }
    await app.logWritten();
    expect(readFileSync(logFile, 'utf8')).toBe(`an earlier instance\nlistening ${port}\nterminating\n`);
  });

  it('reports a SIGKILL', async () => {
    const port = await freePort();
    const app = await AppProcess.start({ name: 'echo', root, env: { PORT: String(port) } });
    await new Promise((r) => setTimeout(r, 100));
    app.kill('SIGKILL');
    expect(await app.exited()).toEqual({ code: null, signal: 'SIGKILL' });
    await app.stop();
  });

  it('fails with the app’s own output when it exits before it is ready', async () => {
    const port = await freePort();
    await expect(
      AppProcess.start({
        name: 'echo',
        root,
        env: { FAIL: 'X_MISSING', PORT: String(port) },
        readyUrl: `http://127.0.0.1:${port}/ready`,
      }),
    ).rejects.toThrow(/echo exited \(code 3, signal null\)[\s\S]*bad config: X_MISSING/);
  });

  it('gives up when the app never becomes ready, and kills it', async () => {
    const port = await freePort();
    const app = new AppProcess({
      name: 'echo',
      root,
      env: { PORT: String(port) },
      readyUrl: `http://127.0.0.1:${port}/not-ready`,
      readyTimeoutMs: 500,
    });
    await expect(app.start()).rejects.toThrow(
      /Timed out after 500 ms waiting for echo ready[\s\S]*listening/,
    );
    expect(await app.exited()).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('refuses a second start and ignores signals once stopped', async () => {
    const port = await freePort();
    const app = new AppProcess({ name: 'echo', root, env: { PORT: String(port) } });
    expect(await app.exited()).toEqual({ code: null, signal: null });
    await app.start();
    await expect(app.start()).rejects.toThrow('echo is already running');
    await app.stop();
    app.kill('SIGKILL');
    await app.stop();
    expect(app.running).toBe(false);
  });

  it('says which build is missing', async () => {
    await expect(AppProcess.start({ name: 'nothing', root })).rejects.toThrow(/run `nx build nothing` first/);
  });
});
