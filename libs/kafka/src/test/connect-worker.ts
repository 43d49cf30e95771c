import { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@fenx/testing';
import { KAFKA_NAMESPACE } from '@fenx/kafka-contracts';
import { startJvm, logTail } from './jvm';
import { kafkaLibs } from './kafka-cluster';

export interface ConnectWorkerOptions {
  /** The cluster's bootstrap servers (`TestKafka.bootstrap`). */
  bootstrap: readonly string[];
  /** Connect's group; its config, offset and status topics are named after it (all in KAFKA_NAMESPACE). */
  groupId?: string;
  /** Replication of the three internal topics (3 on the test clusters, as in production). */
  replicationFactor?: number;
  /** How often the worker commits its sink tasks' offsets (Connect's default: 60 s). */
  offsetFlushIntervalMs?: number;
  /** Connector plugin directories (`plugin.path`); the runtime's own connectors are on its classpath. */
  pluginPath?: string[];
  /** More worker settings. */
  workerConfig?: Record<string, string | number | boolean>;
  /** Environment of the JVM (e.g. AWS_ACCESS_KEY_ID for a connector). */
  env?: Record<string, string>;
  heapMb?: number;
  startTimeoutMs?: number;
}

export interface ConnectorState {
  connector: { state: string; trace?: string };
  tasks: { id: number; state: string; trace?: string }[];
}

const STARTED = 'Kafka Connect started';

const LOG4J2 = `status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.out.ref = OUT
logger.connect.name = org.apache.kafka.connect.runtime.Connect
logger.connect.level = info
logger.task.name = org.apache.kafka.connect.runtime.WorkerSinkTask
logger.task.level = info
`;

/**
 * A Kafka Connect worker in distributed mode (`org.apache.kafka.connect.cli.ConnectDistributed`, from
 * `connect-runtime` in tools/kafka/pom.xml), against a test cluster: its config, offset and status
 * topics live on that cluster, connectors are created through its REST API, and it can be SIGKILLed
 * and restarted like a broker. One JVM that dies with the process that started it.
 */
export class ConnectWorker {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private stopped = false;

  private constructor(
    readonly dir: string,
    readonly restUrl: string,
    private readonly config: string,
    private readonly libs: string,
    private readonly options: ConnectWorkerOptions,
  ) {}

  get log(): string {
    return join(this.dir, 'connect.log');
  }

  static async start(options: ConnectWorkerOptions): Promise<ConnectWorker> {
    const libs = kafkaLibs();
    const dir = mkdtempSync(join(tmpdir(), 'fenx-connect-'));
    mkdirSync(dir, { recursive: true });
    const port = await freePort();
    const group = `${KAFKA_NAMESPACE}${options.groupId ?? 'fenx-connect'}`;
    const replication = options.replicationFactor ?? 3;
    const config = join(dir, 'worker.properties');
    writeFileSync(join(dir, 'log4j2.properties'), LOG4J2);
    const settings: Record<string, string | number | boolean> = {
      'bootstrap.servers': options.bootstrap.join(','),
      'group.id': group,
      'config.storage.topic': `${group}.configs`,
      'offset.storage.topic': `${group}.offsets`,
      'status.storage.topic': `${group}.status`,
      'config.storage.replication.factor': replication,
      'offset.storage.replication.factor': replication,
      'status.storage.replication.factor': replication,
      // Small on a 2-core machine (defaults: 25 and 5).
      'offset.storage.partitions': 3,
      'status.storage.partitions': 1,
      'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
      'value.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
      'offset.flush.interval.ms': options.offsetFlushIntervalMs ?? 60000,
      listeners: `http://127.0.0.1:${port}`,
      'rest.advertised.host.name': '127.0.0.1',
      'rest.advertised.port': port,
      'plugin.path': (options.pluginPath ?? []).join(','),
      // A worker that was SIGKILLed is noticed (its tasks reassigned) within the session timeout.
      'session.timeout.ms': 10000,
      'heartbeat.interval.ms': 2000,
      'scheduled.rebalance.max.delay.ms': 0,
      ...options.workerConfig,
    };
    writeFileSync(
      config,
      Object.entries(settings)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n'),
    );
    const worker = new ConnectWorker(dir, `http://127.0.0.1:${port}`, config, libs, options);
    try {
      await worker.launch();
    } catch (err) {
      await worker.stop({ keepLogs: true });
      throw err;
    }
    return worker;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  private async launch(): Promise<void> {
    const { child, exited, logStart } = startJvm({
      log: this.log,
      heapMb: this.options.heapMb ?? 512,
      log4jConfig: join(this.dir, 'log4j2.properties'),
      libs: this.libs,
      mainClass: 'org.apache.kafka.connect.cli.ConnectDistributed',
      args: [this.config],
      env: { ...process.env, ...this.options.env },
    });
    this.child = child;
    this.exited = exited;
    const timeoutMs = this.options.startTimeoutMs ?? 120000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running)
        throw new Error(
          `Kafka Connect exited (${child.exitCode ?? child.signalCode}) before it started; its log: ${this.log}\n${logTail(this.log, logStart)}`,
        );
      if (readFileSync(this.log, 'utf8').slice(logStart).includes(STARTED)) {
        try {
          const res = await fetch(`${this.restUrl}/connectors`);
          if (res.ok) return;
        } catch {
          // REST not answering yet
        }
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`Kafka Connect did not start within ${timeoutMs} ms; its log: ${this.log}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  private async rest(method: string, path: string, body?: unknown): Promise<unknown> {
    // The worker answers 409 while it rebalances (after a start or a restart): try again for a while.
    const deadline = Date.now() + 60000;
    for (;;) {
      const res = await fetch(`${this.restUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (res.ok) return text ? JSON.parse(text) : undefined;
      if ((res.status === 409 || res.status === 404) && Date.now() < deadline && method !== 'DELETE') {
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      throw new Error(`Kafka Connect ${method} ${path}: ${res.status} ${text}`);
    }
  }

  /** Creates or updates a connector (`PUT /connectors/<name>/config`). */
  async putConnector(name: string, config: Record<string, string>): Promise<void> {
    await this.rest('PUT', `/connectors/${encodeURIComponent(name)}/config`, { ...config, name });
  }

  async status(name: string): Promise<ConnectorState> {
    return (await this.rest('GET', `/connectors/${encodeURIComponent(name)}/status`)) as ConnectorState;
  }

  /** Waits until the connector and every task run; a failed one fails with its trace. */
  async waitRunning(name: string, timeoutMs = 60000): Promise<ConnectorState> {
    const deadline = Date.now() + timeoutMs;
    let last: ConnectorState | undefined;
    for (;;) {
      try {
        last = await this.status(name);
        const failed = [last.connector, ...last.tasks].find((t) => t.state === 'FAILED');
        if (failed) throw new Error(`connector ${name} failed: ${failed.trace ?? ''}`.slice(0, 4000));
        if (
          last.connector.state === 'RUNNING' &&
          last.tasks.length > 0 &&
          last.tasks.every((t) => t.state === 'RUNNING')
        )
          return last;
      } catch (err) {
        if ((err as Error).message.startsWith(`connector ${name} failed`)) throw err;
      }
      if (Date.now() > deadline)
        throw new Error(
          `connector ${name} not running within ${timeoutMs} ms: ${JSON.stringify(last)}; log ${this.log}`,
        );
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** SIGKILL: nothing is flushed, no offset committed, the group notices at the session timeout. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** Starts the worker again on the same settings (and REST port): it rejoins its group. */
  async restart(): Promise<void> {
    if (this.running) throw new Error('Kafka Connect is running: kill() or stop() it first');
    await this.launch();
  }

  async stop(options: { keepLogs?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.running) {
      this.child?.kill('SIGTERM');
      const timer = setTimeout(() => this.child?.kill('SIGKILL'), 15000);
      await this.exited;
      clearTimeout(timer);
    }
    if (!options.keepLogs) rmSync(this.dir, { recursive: true, force: true });
  }
}
