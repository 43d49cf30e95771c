import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafka, KafkaClient } from '@fenx/kafka';
import { KafkaCluster } from '@fenx/kafka/test';
import { AppProcess, freePort, SimulatorProcess, StackPorts, startSimulator } from '@fenx/testing';

/** One pipeline app of the soak, started from its build with the given settings. */
export interface SoakApp {
  name: string;
  env: Record<string, string>;
  args?: string[];
  /** Answers 2xx once the app is ready (its /health/ready). */
  readyUrl?: string;
}

export type SoakPorts = Omit<StackPorts, 'simulator'>;

/** An app that exited on its own (or never got ready), as the report shows it. */
export interface Crash {
  app: string;
  code: number | null;
  signal: string | null;
  /** Since the stack started. */
  atMs: number;
  /** The last 50 lines the process wrote. */
  lastLines: string[];
}

export interface SoakStackOptions {
  seed: number;
  /** The apps, given the broker's settings, the simulator's URL and free ports. */
  apps: (ctx: {
    kafkaEnv: Record<string, string>;
    simulatorUrl: string;
    ports: SoakPorts;
    lakeDir: string;
  }) => SoakApp[];
  /** Simulator settings on top of the soak's own (time scale, delivery window). */
  simulatorEnv?: Record<string, string>;
  /** Where each app's output is written (`<dir>/<app>.log`); a fresh temp directory by default. */
  logDir?: string;
  /** First wait before an app that exited on its own is started again; doubles per crash, up to 30 s. */
  restartBackoffMs?: number;
  log?: (line: string) => void;
}

const CRASH_LINES = 50;
const MAX_BACKOFF_MS = 30000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(status) ?? /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/**
 * The soak's stack, run the way an orchestrator runs it: three Kafka nodes, the simulator and the
 * pipeline apps. An app that exits on its own is counted as a crash (exit code or signal and its last
 * 50 lines) and started again after a back-off; planned restarts and those run one at a time per app
 * and always act on the instance running then. Every instance's output is appended, as it comes, to
 * `<logDir>/<app>.log`.
 */
export class SoakStack {
  readonly logDir: string;
  readonly lakeDir: string;
  readonly crashes: Crash[] = [];
  readonly peakRssMb: Record<string, number> = {};
  private readonly apps = new Map<string, AppProcess>();
  private readonly intentional = new Set<AppProcess>();
  private readonly queue = new Map<string, Promise<unknown>>();
  private readonly crashCount = new Map<string, number>();
  private readonly started = Date.now();
  private specs: SoakApp[] = [];
  private sampler?: ReturnType<typeof setInterval>;
  private closing = false;
  private readonly instances = new Map<string, number>();

  private constructor(
    readonly broker: KafkaCluster,
    readonly sim: SimulatorProcess,
    readonly kafka: KafkaClient,
    readonly radarUrl: string,
    private readonly options: SoakStackOptions,
    lakeDir: string,
    logDir: string,
  ) {
    this.lakeDir = lakeDir;
    this.logDir = logDir;
  }

  /** Starts Kafka, the simulator (not yet generating) and every app, each ready. */
  static async start(options: SoakStackOptions): Promise<SoakStack> {
    const logDir = options.logDir ?? mkdtempSync(join(tmpdir(), `soak-logs-${options.seed}-`));
    mkdirSync(logDir, { recursive: true });
    // Three KRaft nodes; the manifest's topics as production has them.
    const broker = await KafkaCluster.start({ brokers: 3 });
    const lakeDir = mkdtempSync(join(tmpdir(), 'soak-lake-'));
    let sim: SimulatorProcess | undefined;
    let stack: SoakStack | undefined;
    try {
      const ports: SoakPorts = {
        radar: await freePort(),
        journeyExtractor: await freePort(),
        entityExtractor: await freePort(),
        lakeSink: await freePort(),
      };
      const radarUrl = `http://127.0.0.1:${ports.radar}`;
      sim = await startSimulator({
        SIM_SEED: `soak-${options.seed}`,
        SIM_AUTOSTART: 'false',
        // Thousands of entities and a hundred journeys at once, as a bank's tenant has (the default 20
        // entities would put every entity event of a burst on a few keys).
        SIM_ENTITIES: '3000',
        SIM_JOURNEYS: '100',
        SIM_WEBHOOK_URL: `${radarUrl}/webhooks/fenx`,
        SIM_TIME_SCALE: '120',
        // FenX's retries (2, 4, 8 and 16 minutes) last 30 minutes, a hundred times a restart of radar;
        // at 120× they would last 15 s, less than radar's restart on a loaded machine, and a planned
        // restart would disable the webhook. The same four retries at 8× those delays keep the webhook
        // on through a restart (2 minutes of real time), as it stays on in production.
        SIM_RETRY_DELAYS_MINUTES: '16,32,64,128',
        SIM_DELIVERY_WINDOW: '16',
        SIM_STEP_INTERVAL_MS: '3600000',
        // A production tenant's limit (200 calls/s, 50 in flight), shared by the two extractors (apps.ts).
        SIM_RATE_LIMIT: 'production',
        ...options.simulatorEnv,
      });
      const kafka = createKafka(broker.settings(), { logCreator: () => () => undefined });
      const s = new SoakStack(broker, sim, kafka, radarUrl, options, lakeDir, logDir);
      stack = s;
      s.specs = options.apps({ kafkaEnv: broker.env(), simulatorUrl: sim.url, ports, lakeDir });
      s.sampler = setInterval(() => s.sample(), 1000);
      for (const spec of s.specs) await s.launch(spec);
      return s;
    } catch (error) {
      // The logs stay: they say why the stack did not come up.
      if (stack) {
        await stack.stop(true).catch(() => undefined);
        throw error;
      }
      await sim?.stop().catch(() => undefined);
      await broker.stop().catch(() => undefined);
      rmSync(lakeDir, { recursive: true, force: true });
      throw error;
    }
  }

  get names(): string[] {
    return [...this.apps.keys()];
  }

  /** The instance of `name` running now, if any. */
  running(name: string): AppProcess | undefined {
    const app = this.apps.get(name);
    return app?.running ? app : undefined;
  }

  /** Crashes of one app so far. */
  crashesOf(name: string): Crash[] {
    return this.crashes.filter((c) => c.app === name);
  }

  /**
   * A planned restart: stops the instance running when the restart's turn comes (SIGKILL or SIGTERM),
   * waits `downMs`, starts a new one. Resolves with a note, or why it could not act.
   */
  restart(name: string, signal: NodeJS.Signals, downMs: number): Promise<string | undefined> {
    if (!this.specs.some((s) => s.name === name)) return Promise.resolve(`${name} is not part of this stack`);
    return this.serial(name, async () => {
      const app = this.apps.get(name);
      let note: string | undefined;
      if (app?.running) {
        this.sample();
        this.intentional.add(app);
        if (signal === 'SIGKILL') app.kill('SIGKILL');
        else await app.stop();
        await app.exited();
      } else note = `${name} was not running (restarting after a crash); started again`;
      await sleep(downMs);
      await this.launchUntilReady(name);
      return note;
    });
  }

  /** Stops every app, the simulator and Kafka; the lake goes, the logs stay when `keepLogs`. */
  async stop(keepLogs: boolean): Promise<void> {
    this.closing = true;
    if (this.sampler) clearInterval(this.sampler);
    // Restarts under way finish first, so that no instance is started after this.
    await Promise.all([...this.queue.values()].map((q) => q.catch(() => undefined)));
    for (const app of this.apps.values()) {
      this.intentional.add(app);
      await app.stop();
    }
    await this.sim.stop();
    await this.broker.stop();
    rmSync(this.lakeDir, { recursive: true, force: true });
    if (!keepLogs) rmSync(this.logDir, { recursive: true, force: true });
  }

  sample(): void {
    for (const [name, app] of this.apps)
      this.peakRssMb[name] = Math.max(this.peakRssMb[name] ?? 0, rssMb(app.pid));
    this.peakRssMb['fenx-simulator'] = Math.max(
      this.peakRssMb['fenx-simulator'] ?? 0,
      rssMb(this.sim.app.pid),
    );
  }

  /** Runs `f` after whatever the app's queue already holds (planned restarts, crash restarts). */
  private serial<T>(name: string, f: () => Promise<T>): Promise<T> {
    const next = (this.queue.get(name) ?? Promise.resolve()).catch(() => undefined).then(f);
    this.queue.set(name, next);
    return next;
  }

  /** Starts one instance of the app; resolves once it is ready (rejects if it exits or times out first). */
  private async launch(spec: SoakApp): Promise<AppProcess> {
    const app = new AppProcess({
      name: spec.name,
      env: spec.env,
      args: spec.args,
      readyUrl: spec.readyUrl,
      // Written as it comes: the file is there to read while the run goes on.
      logFile: join(this.logDir, `${spec.name}.log`),
    });
    const n = (this.instances.get(spec.name) ?? 0) + 1;
    this.instances.set(spec.name, n);
    this.apps.set(spec.name, app);
    this.writeLog(spec.name, [`----- ${spec.name} instance ${n} started at ${new Date().toISOString()}`]);
    // The process is spawned before start() first waits: from then on its exit is known.
    const ready = app.start();
    if (app.pid !== undefined) void app.exited().then((e) => this.exited(spec.name, app, n, e));
    await ready;
    return app;
  }

  /** Starts the app again until an instance gets ready (each failed start is a crash, with back-off). */
  private async launchUntilReady(name: string): Promise<void> {
    const spec = this.specs.find((s) => s.name === name);
    if (!spec) return;
    while (!this.closing) {
      try {
        await this.launch(spec);
        return;
      } catch (error) {
        const app = this.apps.get(name);
        // A start that timed out: the process is killed (AppProcess), its exit is a crash.
        if (app?.running) app.kill('SIGKILL');
        await app?.exited();
        this.options.log?.(`${name} did not get ready: ${(error as Error).message.split('\n')[0]}`);
        await sleep(this.backoff(name));
      }
    }
  }

  private backoff(name: string): number {
    const crashes = this.crashCount.get(name) ?? 1;
    return Math.min(MAX_BACKOFF_MS, (this.options.restartBackoffMs ?? 1000) * 2 ** Math.max(0, crashes - 1));
  }

  private exited(
    name: string,
    app: AppProcess,
    n: number,
    e: { code: number | null; signal: NodeJS.Signals | null },
  ): void {
    const lines = app.output();
    const how = `code ${e.code}, signal ${e.signal}`;
    const marker = `----- ${name} instance ${n} exited at ${new Date().toISOString()} (${how})${this.intentional.has(app) ? ', stopped by the soak' : ''}`;
    // After the instance's last lines are in its file.
    void app.logWritten().then(() => this.writeLog(name, [marker]));
    if (this.intentional.has(app)) return;
    const crash: Crash = {
      app: name,
      code: e.code,
      signal: e.signal,
      atMs: Date.now() - this.started,
      lastLines: lines.slice(-CRASH_LINES),
    };
    this.crashes.push(crash);
    this.crashCount.set(name, (this.crashCount.get(name) ?? 0) + 1);
    this.options.log?.(
      `${name} exited on its own (${how}); restarting it after ${this.backoff(name)} ms; its last lines:\n${crash.lastLines.join('\n')}`,
    );
    if (this.closing) return;
    // Started again from the queue, after what is under way (a planned restart acts on the new instance).
    void this.serial(name, async () => {
      if (this.closing || this.apps.get(name) !== app) return; // already replaced (a restart under way)
      await sleep(this.backoff(name));
      await this.launchUntilReady(name);
    }).catch(() => undefined);
  }

  private writeLog(name: string, lines: string[]): void {
    try {
      appendFileSync(join(this.logDir, `${name}.log`), lines.map((l) => `${l}\n`).join(''));
    } catch {
      // A full disk must not stop the run; the crash records keep the last lines.
    }
  }
}
