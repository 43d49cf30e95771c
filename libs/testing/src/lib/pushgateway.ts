import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { freePort } from './app-process';
import { waitFor } from './wait-for';

/** A real Prometheus Pushgateway (Debian's `prometheus-pushgateway`) on a free port. */
export interface PushgatewayProcess {
  url: string;
  process: ChildProcess;
  /** Everything pushed so far, in the Prometheus text format. */
  metrics(): Promise<string>;
  stop(): void;
}

/** Starts a Pushgateway for `once` runs and jobs to push to; `tools/setup.sh` installs it. */
export async function startPushgateway(): Promise<PushgatewayProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(await freePort());
    } catch (err) {
      // Its port taken meanwhile: another one.
      if (!(err instanceof PortTakenError) || attempt >= 3) throw err;
    }
  }
}

class PortTakenError extends Error {}

/**
 * Each gateway serves under a route prefix of its own, so that a test reads only what was pushed to
 * its gateway: another one that took the port meanwhile answers 404 there, never another run's data.
 */
async function startOn(port: number): Promise<PushgatewayProcess> {
  const prefix = `/test-${randomBytes(6).toString('hex')}`;
  const url = `http://127.0.0.1:${port}${prefix}`;
  const child = spawn(
    'prometheus-pushgateway',
    // In memory only: Debian's build persists to one file under /var/lib by default, which every
    // gateway started here would load (another test's pushes) and write.
    [`--web.listen-address=127.0.0.1:${port}`, `--web.route-prefix=${prefix}`, '--persistence.file='],
    { stdio: 'ignore' },
  );
  // A test whose set-up failed before it could stop the gateway must not hang its jest process on it.
  child.unref();
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (e) =>
      reject(new Error(`prometheus-pushgateway did not start (${e.message}): run tools/setup.sh`)),
    );
    child.once('exit', (code) =>
      reject(new PortTakenError(`prometheus-pushgateway exited (${code}) before it was ready on ${port}`)),
    );
  });
  failed.catch(() => undefined);
  await Promise.race([
    waitFor(async () => (await fetch(`${url}/-/ready`)).ok, { what: 'the Pushgateway' }),
    failed,
  ]);
  if (child.exitCode !== null) throw new PortTakenError(`prometheus-pushgateway exited on ${port}`);
  return {
    url,
    process: child,
    metrics: async () => (await fetch(`${url}/metrics`)).text(),
    stop: () => void child.kill('SIGTERM'),
  };
}

/** Sum of the samples of a metric in Prometheus text whose labels include `labels`. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? ([-+\d.eE]+|NaN)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3]);
  }
  return sum;
}
