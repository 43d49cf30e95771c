import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { waitFor } from './wait-for';
import { SimulatorControl } from './simulator-control';

/** The first port of the OS's ephemeral range (what `listen(0)` and outgoing connections take). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 12000 ? low : 32768;
  } catch {
    return 32768;
  }
}

const PORTS_FROM = 10000;

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free TCP port on the loopback interface (tests never hard-code ports), chosen at random below the
 * OS's ephemeral range: a port the OS handed out could be handed out again (to `listen(0)` or to an
 * outgoing connection) after it was released, and a broker restarted on its old port would then meet a
 * stranger there.
 */
export async function freePort(): Promise<number> {
  const span = ephemeralLow() - PORTS_FROM;
  for (let tries = 0; tries < 200; tries++) {
    const port = PORTS_FROM + Math.floor(Math.random() * span);
    if (await bindable(port)) return port;
  }
  throw new Error(`No free port on 127.0.0.1 between ${PORTS_FROM} and ${PORTS_FROM + span} after 200 tries`);
}

export interface AppProcessOptions {
  /** The Nx project name: runs `dist/apps/<name>/main.js`, built beforehand (`nx build <name>`). */
  name: string;
  env?: Record<string, string>;
  args?: string[];
  /** An HTTP URL answering 2xx once the app is ready; without it, ready = spawned. */
  readyUrl?: string;
  readyTimeoutMs?: number;
  /** Workspace root; defaults to the current directory's (jest runs from the root). */
  root?: string;
  /**
   * A file the process's output is appended to as it comes, byte for byte (the output kept in memory
   * is its last 5000 lines).
   */
  logFile?: string;
}

/**
 * One app of the pipeline as a real child process, for end-to-end tests: its output is kept (for
 * failure messages), it can be killed with any signal (SIGKILL included) and always is at `stop()`.
 */
export class AppProcess {
  private child: ChildProcess | undefined;
  private readonly lines: string[] = [];
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private exitPromise: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  private logClosed: Promise<void> = Promise.resolve();

  constructor(readonly options: AppProcessOptions) {}

  static async start(options: AppProcessOptions): Promise<AppProcess> {
    const app = new AppProcess(options);
    await app.start();
    return app;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.exitInfo === undefined;
  }

  /** Everything the process wrote to stdout and stderr, line by line. */
  output(): string[] {
    return [...this.lines];
  }

  async start(): Promise<void> {
    if (this.running) throw new Error(`${this.options.name} is already running`);
    const main = join(this.options.root ?? process.cwd(), 'dist', 'apps', this.options.name, 'main.js');
    if (!existsSync(main))
      throw new Error(`${main} does not exist: run \`nx build ${this.options.name}\` first`);
    this.exitInfo = undefined;
    const child = spawn(process.execPath, [main, ...(this.options.args ?? [])], {
      env: { ...process.env, ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const log = this.options.logFile ? createWriteStream(this.options.logFile, { flags: 'a' }) : undefined;
    if (log) {
      // A log file that cannot be written (a full disk) does not stop the process; memory keeps the tail.
      log.on('error', () => undefined);
      this.logClosed = new Promise((resolve) => log.once('close', () => resolve()));
      // After the process's output has ended, not at its exit (its last lines may still be on the way).
      child.once('close', () => log.end());
    }
    const keep = (chunk: Buffer): void => {
      log?.write(chunk);
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') this.lines.push(line);
      if (this.lines.length > 5000) this.lines.splice(0, this.lines.length - 5000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exitPromise = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      }),
    );
    const readyUrl = this.options.readyUrl;
    if (readyUrl) {
      const outcome = await waitFor(
        async () => {
          if (this.exitInfo) return 'exited' as const;
          const res = await fetch(readyUrl).catch(() => undefined);
          return res?.ok ? ('ready' as const) : false;
        },
        {
          timeoutMs: this.options.readyTimeoutMs ?? 30000,
          intervalMs: 100,
          what: `${this.options.name} ready`,
        },
      ).catch((e: Error) => {
        child.kill('SIGKILL');
        throw new Error(`${e.message}\n${this.tail()}`);
      });
      if (outcome === 'exited')
        throw new Error(`${this.options.name} exited (${this.describeExit()}):\n${this.tail()}`);
    }
  }

  /** Resolves with the exit code and signal once the process ended. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.exitPromise) return Promise.resolve({ code: null, signal: null });
    return this.exitPromise;
  }

  /** Resolves once everything the process wrote is in `logFile` (at once without one). */
  logWritten(): Promise<void> {
    return this.logClosed;
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.running) this.child?.kill(signal);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 10000): Promise<void> {
    if (!this.running) return;
    this.child?.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await this.exited();
    clearTimeout(timer);
  }

  private describeExit(): string {
    return this.exitInfo ? `code ${this.exitInfo.code}, signal ${this.exitInfo.signal}` : 'running';
  }

  private tail(n = 40): string {
    return this.lines.slice(-n).join('\n');
  }
}

/** The local-development identity the simulator and the pipeline share (never a real secret). */
export const SIMULATOR_DEFAULTS = {
  tenantId: '45bf62ac-e4b1-4c16-ae32-d774cd18db6d',
  clientId: 'fenx-sim-local-client',
  clientSecret: 'local-dev-only-not-a-secret',
  webhookSecret: 'local-dev-webhook-secret',
};

export interface SimulatorProcess {
  app: AppProcess;
  /** Base URL of the FenX APIs (token at `${url}/connect/token`). */
  url: string;
  /** The simulator's control API: ground truth, generator, bursts, faults. */
  control: SimulatorControl;
  stop(): Promise<void>;
}

/** Starts the built FenX simulator (`nx build fenx-simulator`) on a free port; `env` adds SIM_* settings. */
export async function startSimulator(env: Record<string, string> = {}): Promise<SimulatorProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = await AppProcess.start({
    name: 'fenx-simulator',
    env: {
      SIM_PORT: String(port),
      SIM_TENANT_ID: SIMULATOR_DEFAULTS.tenantId,
      SIM_CLIENT_ID: SIMULATOR_DEFAULTS.clientId,
      SIM_CLIENT_SECRET: SIMULATOR_DEFAULTS.clientSecret,
      SIM_WEBHOOK_SECRET: SIMULATOR_DEFAULTS.webhookSecret,
      LOG_LEVEL: 'warn',
      ...env,
    },
    readyUrl: `${url}/health`,
  });
  return { app, url, control: new SimulatorControl(url), stop: () => app.stop() };
}
