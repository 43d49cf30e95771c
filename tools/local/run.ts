// `npm start`: the whole pipeline on this machine with embedded defaults: Apache Kafka (one KRaft
// node on localhost:9092, or KAFKA_LOCAL_PORT), then every app of the stack, built once and run as
// separate processes with their production Kafka settings (the apps create the manifest topics).
//
// Two processes: this one parses the options, builds the apps and waits; the stack (the broker and the apps)
// runs in a child of its own process group, so that Ctrl-C at the terminal reaches only this process and
// the stack stops in order: the apps first (each waited for, SIGKILL after a timeout), the broker last.
// A second Ctrl-C kills everything at once.
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, symlinkSync, WriteStream } from 'node:fs';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { workspaceRoot } from '@nx/devkit';
import { runProgram } from '@fenx/cli';
import { KafkaCluster } from '@fenx/kafka/test';
import { LOCAL_PORTS, pipelineApps, SimulatorControl, simulatorApp, StackApp, waitFor } from '@fenx/testing';
import { parseLogLine, showOnTerminal, terminalLine } from './log-lines';
import { faultSettings, LOCAL_FAULTS, LocalOptions, localProgram, simulatorActivityEnv } from './options';
import { Counts, countsFrom, summaryLine } from './summary';

const STACK_ROLE = 'FENX_LOCAL_STACK';
const DEV_DIR = join(workspaceRoot, '.dev');
const LOG_DIR = join(DEV_DIR, 'logs');
const LAKE_DIR = join(DEV_DIR, 'lake');
const KAFKA_DIR = join(DEV_DIR, 'kafka');
/** How long an app has to exit after SIGTERM before it gets SIGKILL. */
const STOP_TIMEOUT_MS = 20_000;
const READY_TIMEOUT_MS = 180_000;
const SUMMARY_INTERVAL_MS = 60_000;

const say = (line: string) => process.stdout.write(`${line}\n`);
const clock = () => new Date().toISOString().slice(11, 19);
const shown = (path: string) => relative(process.cwd(), path) || '.';
const url = (port: number) => `http://127.0.0.1:${port}`;

function stackApps(o: LocalOptions): StackApp[] {
  const simulator = simulatorApp(LOCAL_PORTS, {
    SIM_WEBHOOK_URL: `${url(LOCAL_PORTS.radar)}/webhooks/fenx`,
    // The generator starts once radar is ready: a delivery radar refused would wait for FenX's first retry.
    SIM_AUTOSTART: 'false',
    ...simulatorActivityEnv(o.rate),
  });
  const stack = [
    simulator,
    ...pipelineApps({ ports: LOCAL_PORTS, simulatorUrl: url(simulator.port), lakeDir: LAKE_DIR }),
  ];
  return stack.filter((a) => existsSync(join(workspaceRoot, 'apps', a.name, 'project.json')));
}

// ---------------------------------------------------------------------------------------------------------
// This process: options, build, then the stack in a process group of its own.

async function supervise(o: LocalOptions): Promise<void> {
  const apps = stackApps(o);
  say(`building ${apps.map((a) => a.name).join(', ')} ...`);
  const build = spawnSync(
    'npx',
    ['nx', 'run-many', '-t', 'build', '-p', ...apps.map((a) => a.name), '--outputStyle=static'],
    {
      cwd: workspaceRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (build.status !== 0) {
    process.stdout.write(build.stdout);
    throw new Error('the build failed (see above)');
  }

  const stack = spawn(process.execPath, [...process.execArgv, __filename, ...process.argv.slice(2)], {
    cwd: process.cwd(),
    env: { ...process.env, [STACK_ROLE]: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  let interrupts = 0;
  const forward = () => {
    interrupts += 1;
    if (interrupts === 2) say('\nstopping at once (second Ctrl-C): every process killed');
    stack.kill('SIGINT');
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise<number>((resolve) =>
    stack.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))),
  );
  process.exit(code);
}

// ---------------------------------------------------------------------------------------------------------
// The stack: the broker and the apps, their logs to .dev/logs/, warnings and a summary to the terminal.

interface Running {
  app: StackApp;
  child: ChildProcess;
  exited: Promise<string>;
  log: WriteStream;
}

const running: Running[] = [];
let broker: KafkaCluster | undefined;
let stopping = false;
let forced = false;
let summaryTimer: NodeJS.Timeout | undefined;
/**
 * Warnings and errors logged before the stack is ready (kafkajs reports the leader elections of the topics
 * the apps just created): held back, and printed only when the start fails.
 */
let startup: string[] | undefined = [];

function follow(r: Running, stream: NodeJS.ReadableStream | null, name: 'stdout' | 'stderr'): void {
  if (!stream) return;
  createInterface({ input: stream }).on('line', (line) => {
    r.log.write(`${line}\n`);
    const parsed = parseLogLine(line);
    if (!showOnTerminal(parsed, name)) return;
    if (startup) startup.push(terminalLine(r.app.name, parsed));
    else say(terminalLine(r.app.name, parsed));
  });
}

function startApp(app: StackApp, env: Record<string, string>): Running {
  const main = join(workspaceRoot, 'dist', 'apps', app.name, 'main.js');
  const child = spawn(process.execPath, [main, ...(app.args ?? [])], {
    cwd: workspaceRoot,
    env: { ...process.env, ...env, ...app.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
  );
  const r: Running = {
    app,
    child,
    exited,
    log: createWriteStream(join(LOG_DIR, `${app.name}.log`), { flags: 'w' }),
  };
  follow(r, child.stdout, 'stdout');
  follow(r, child.stderr, 'stderr');
  void exited.then((how) => {
    if (stopping) return;
    say(`${app.name} exited (${how}); stopping the stack. Its log: ${shown(r.log.path as string)}`);
    void shutdown(1);
  });
  return r;
}

async function stopApp(r: Running): Promise<string> {
  if (r.child.exitCode !== null || r.child.signalCode !== null) return r.exited;
  const started = Date.now();
  r.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_TIMEOUT_MS)));
  const how = await Promise.race([r.exited, late.then(() => undefined)]);
  clearTimeout(timer);
  if (how !== undefined) return `${how}, ${((Date.now() - started) / 1000).toFixed(1)} s`;
  r.child.kill('SIGKILL');
  return `${await r.exited} after ${STOP_TIMEOUT_MS / 1000} s`;
}

function closeLogs(): Promise<unknown> {
  return Promise.all(running.map((r) => new Promise((resolve) => r.log.end(resolve))));
}

/** Stops the apps (all at once, each waited for), then the broker. */
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(summaryTimer);
  if (code !== 0 && startup) for (const line of startup) say(line);
  startup = undefined;
  say(`\n${clock()} stopping the apps, then Apache Kafka ...`);
  const apps = [...running].reverse();
  const results = await Promise.all(apps.map((r) => stopApp(r)));
  if (forced) return;
  apps.forEach((r, i) => say(`  ${r.app.name.padEnd(18)} stopped (${results[i]})`));
  await broker?.stop();
  if (broker) say('  Apache Kafka       stopped');
  await closeLogs();
  process.exit(code);
}

/** The second Ctrl-C: SIGKILL every app and the broker now. */
async function force(): Promise<void> {
  forced = true;
  for (const r of running) r.child.kill('SIGKILL');
  await broker?.stop();
  await closeLogs();
  process.exit(130);
}

function interrupted(): void {
  if (!stopping) void shutdown(0);
  else if (!forced) void force();
}

async function metricsText(port: number): Promise<string | undefined> {
  try {
    const res = await fetch(`${url(port)}/metrics`, { signal: AbortSignal.timeout(5000) });
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}

async function readCounts(): Promise<Counts> {
  const [radar, lake] = await Promise.all([
    metricsText(LOCAL_PORTS.radar),
    metricsText(LOCAL_PORTS.lakeSink),
  ]);
  return countsFrom(radar, lake);
}

function banner(apps: StackApp[], kafka: KafkaCluster, o: LocalOptions): string[] {
  const report = `node dist/apps/lake-sink/main.js report onboarding-weekly --lake ${shown(LAKE_DIR)}`;
  const sql = `node dist/apps/lake-sink/main.js sql "SELECT status, count(*) FROM journeys GROUP BY 1" --lake ${shown(LAKE_DIR)}`;
  const port = (a: StackApp) => url(a.port);
  const describe: Record<string, (a: StackApp) => string> = {
    'fenx-simulator': (a) => `${port(a)}  FenX APIs; ${port(a)}/_sim/ground-truth`,
    radar: (a) => `${port(a)}/webhooks/fenx  /metrics /health/ready`,
    'journey-extractor': (a) => `${port(a)}/metrics  /health/ready`,
    'entity-extractor': (a) => `${port(a)}/metrics  /health/ready`,
    'lake-sink': (a) => `${port(a)}/metrics  /health/ready`,
  };
  return [
    '',
    '━━ fenx-pipeline is running ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━',
    `  Apache Kafka        ${kafka.bootstrap.join(',')}  (one KRaft node)`,
    ...apps.map((a) => `  ${a.name.padEnd(19)} ${(describe[a.name] ?? ((x) => x.describe))(a)}`),
    '',
    `  activity            ${o.rate} simulated actions a second${o.duration ? `, for ${o.duration} min` : ''}`,
    `  FenX faults         ${o.faults.length > 0 ? o.faults.map((f) => `${f}: ${LOCAL_FAULTS[f].what}`).join('\n                      ') : 'none (--faults turns them on)'}`,
    `  logs                ${shown(LOG_DIR)}/<app>.log (every line, JSON), ${shown(LOG_DIR)}/kafka.log (the broker)`,
    `  lake                ${shown(LAKE_DIR)} (records within ~5 s)`,
    `  report              ${report}`,
    `  SQL                 ${sql}`,
    '',
    '  Below: the apps’ warnings and errors, and a summary every minute. Ctrl-C stops everything.',
    '━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━',
    '',
  ];
}

async function runStack(o: LocalOptions): Promise<void> {
  // Leave with the process that started the stack, however it ended.
  process.on('disconnect', interrupted);
  process.on('SIGINT', interrupted);
  process.on('SIGTERM', interrupted);

  const apps = stackApps(o);
  // The broker starts empty each time, so do its offsets: the lake (file names carry offsets) follows it.
  for (const dir of [KAFKA_DIR, LAKE_DIR, LOG_DIR]) rmSync(dir, { recursive: true, force: true });
  mkdirSync(LOG_DIR, { recursive: true });

  say(`starting Apache Kafka and ${apps.length} apps (every line of their logs: ${shown(LOG_DIR)}/) ...`);
  broker = await KafkaCluster.start({
    brokers: 1,
    port: Number(process.env['KAFKA_LOCAL_PORT'] ?? 9092),
    dir: KAFKA_DIR,
    topics: [],
    stateFile: join(DEV_DIR, 'broker.json'),
  });
  symlinkSync(relative(LOG_DIR, broker.logs[0]), join(LOG_DIR, 'kafka.log'));
  const env = broker.env();
  for (const app of apps) running.push(startApp(app, env));

  await Promise.all(
    apps.map((a) =>
      waitFor(
        async () => {
          if (stopping) throw new Error('stopping');
          return (await fetch(`${url(a.port)}${a.readyPath}`, { signal: AbortSignal.timeout(2000) })).ok;
        },
        {
          timeoutMs: READY_TIMEOUT_MS,
          intervalMs: 500,
          what: `${a.name} ready at ${url(a.port)}${a.readyPath}`,
        },
      ),
    ),
  );
  if (stopping) return;
  const simulator = apps.find((a) => a.name === 'fenx-simulator');
  if (simulator) {
    const control = new SimulatorControl(url(simulator.port));
    if (o.faults.length > 0) await control.setFaults(faultSettings(o.faults));
    await control.startGenerator();
  }

  for (const line of banner(apps, broker, o)) say(line);
  const held = startup?.length ?? 0;
  if (held > 0)
    say(`(${held} warnings and errors while the apps started and created their topics: in the log files)\n`);
  startup = undefined;
  let previous: Counts | undefined;
  summaryTimer = setInterval(() => {
    void readCounts().then((counts) => {
      if (stopping) return;
      say(`${clock()} ${summaryLine(counts, previous)}`);
      previous = counts;
    });
  }, SUMMARY_INTERVAL_MS);
  if (o.duration !== undefined) {
    setTimeout(() => {
      say(`${clock()} ${o.duration} min elapsed`);
      void shutdown(0);
    }, o.duration * 60_000).unref();
  }
}

const role = process.env[STACK_ROLE] === '1' ? 'stack' : 'supervisor';
const program = localProgram(async (o) => {
  if (role === 'supervisor') return supervise(o);
  try {
    await runStack(o);
  } catch (error) {
    say(`npm start: ${(error as Error).message}`);
    await shutdown(1);
  }
});
void runProgram(program, process.argv).then((code) => {
  if (code !== 0) process.exit(code);
});
