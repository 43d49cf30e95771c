import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** `$JAVA_HOME/bin/java` when there is one, else `java` from the PATH. */
export function javaBinary(): string {
  const home = process.env['JAVA_HOME'];
  return home && existsSync(join(home, 'bin', 'java')) ? join(home, 'bin', 'java') : 'java';
}

export interface JvmOptions {
  /** Appended to: the JVM's stdout and stderr. */
  log: string;
  heapMb: number;
  /** JVM flags besides the heap, serial GC and headless ones. */
  flags?: string[];
  log4jConfig: string;
  /** The folder whose jars make the class path. */
  libs: string;
  mainClass: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

export interface Jvm {
  child: ChildProcess;
  exited: Promise<void>;
  /** Size of the log when this JVM started: its own lines follow. */
  logStart: number;
}

/**
 * A small-heap JVM of the test cluster (a Kafka node, a Connect worker), writing to its log. With
 * `setpriv --pdeathsig` it gets SIGKILL when the process that started it dies.
 */
export function startJvm(o: JvmOptions): Jvm {
  const logStart = existsSync(o.log) ? statSync(o.log).size : 0;
  const out = openSync(o.log, 'a');
  const java = [
    javaBinary(),
    '-Xms64m',
    `-Xmx${o.heapMb}m`,
    '-XX:+UseSerialGC',
    ...(o.flags ?? []),
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${o.log4jConfig}`,
    '-cp',
    join(o.libs, '*'),
    o.mainClass,
    ...o.args,
  ];
  const [command, ...args] = existsSync('/usr/bin/setpriv')
    ? ['/usr/bin/setpriv', '--pdeathsig', 'KILL', '--', ...java]
    : java;
  const child = spawn(command, args, { stdio: ['ignore', out, out], env: o.env ?? process.env });
  closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, exited, logStart };
}

/** The last lines of a log from an offset (what a JVM wrote before it failed). */
export function logTail(file: string, from = 0, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').slice(from).split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
