import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { workspaceRoot } from '@nx/devkit';
import { KafkaSettings } from '../lib/kafka-settings';
import { TOPIC_MANIFEST, TopicSpec } from '../lib/topics';

/** Kafka protocol API keys, for request-error injection. */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  SyncGroup: 14,
} as const;

/** Kafka error codes commonly injected in tests. */
export const KafkaErrorCode = {
  NotLeaderForPartition: 6,
  RequestTimedOut: 7,
  NotEnoughReplicas: 19,
  NotCoordinator: 16,
  CoordinatorNotAvailable: 15,
  /** librdkafka's local code that makes the mock broker drop the connection. */
  Transport: -195,
} as const;

export interface DevBrokerOptions {
  /** Number of brokers in the cluster (ids 1..n). */
  brokers?: number;
  /** Topics created at start; the manifest by default. */
  topics?: readonly TopicSpec[];
  /** Where to write `{bootstrap, control, pid}` for other processes (e.g. `.dev/broker.json`). */
  stateFile?: string;
  /** Fixed control port; an ephemeral one by default. */
  controlPort?: number;
  /** Stop with the process that started it (tests: yes; a standalone launcher: no). */
  exitWithParent?: boolean;
  startTimeoutMs?: number;
}

const BINARY = join(workspaceRoot, 'dist', 'dev-broker', 'dev-broker');
const BUILD_SCRIPT = join(workspaceRoot, 'tools', 'dev-broker', 'build.sh');

/** Builds the dev broker binary when it is missing or older than its source. */
export function buildDevBroker(): string {
  const result = spawnSync('bash', [BUILD_SCRIPT], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    throw new Error(`Building the dev broker failed (${BUILD_SCRIPT} exited ${result.status})`);
  }
  return BINARY;
}

/** Sends one control command to a running dev broker and returns its `ok` answer. */
export function sendControlCommand(control: string, line: string, timeoutMs = 5000): Promise<string> {
  const [host, port] = control.split(':');
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port) });
    let buffer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`dev broker control: no answer to "${line}" within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${line}\n`));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      socket.end();
      const answer = buffer.slice(0, nl);
      if (answer.startsWith('ok')) resolve(answer.slice(2).trim());
      else reject(new Error(`dev broker control: "${line}" failed: ${answer}`));
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`dev broker control at ${control}: ${err.message}`));
    });
  });
}

/**
 * A running dev broker: librdkafka's mock cluster, a real Kafka wire-protocol server over TCP,
 * with fault injection. Start one per test run (or per test file that injects faults).
 */
export class DevBroker {
  private exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly bootstrap: string[],
    readonly control: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static async start(options: DevBrokerOptions = {}): Promise<DevBroker> {
    const binary = buildDevBroker();
    const args = ['--brokers', String(options.brokers ?? 3)];
    for (const t of options.topics ?? TOPIC_MANIFEST) args.push('--topic', `${t.name}:${t.partitions}`);
    if (options.stateFile) {
      mkdirSync(dirname(options.stateFile), { recursive: true });
      args.push('--state-file', options.stateFile);
    }
    if (options.controlPort !== undefined) args.push('--control-port', String(options.controlPort));
    if (options.exitWithParent ?? true) args.push('--exit-with-parent');

    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stderr: string[] = [];
    child.stderr?.setEncoding('utf8').on('data', (s: string) => stderr.push(s));
    if (!child.stdout) throw new Error('dev broker: no stdout pipe');
    const lines = createInterface({ input: child.stdout });
    const timeoutMs = options.startTimeoutMs ?? 10000;

    const ready = await new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`dev broker did not start within ${timeoutMs} ms: ${stderr.join('')}`));
      }, timeoutMs);
      lines.on('line', (line) => {
        const m = line.match(/^ready bootstrap=(\S+) control=(\S+)$/);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`dev broker exited (${code}) before it was ready: ${stderr.join('')}`));
      });
    });
    return new DevBroker(child, ready[1].split(','), ready[2]);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Client settings for this cluster: no idempotence and no topic creation (it supports neither). */
  settings(clientId = 'fenx-pipeline-test'): KafkaSettings {
    return {
      brokers: this.bootstrap,
      clientId,
      acks: 'all',
      idempotent: false,
      createTopics: false,
      replicationFactor: Math.min(3, this.bootstrap.length),
      connectionTimeoutMs: 1000,
      requestTimeoutMs: 5000,
      ssl: false,
    };
  }

  /** Environment variables that point an app at this cluster. */
  env(): Record<string, string> {
    return {
      KAFKA_BROKERS: this.bootstrap.join(','),
      KAFKA_IDEMPOTENT: 'false',
      KAFKA_CREATE_TOPICS: 'false',
    };
  }

  command(line: string): Promise<string> {
    return sendControlCommand(this.control, line);
  }

  async createTopic(name: string, partitions: number): Promise<void> {
    await this.command(`topic ${name} ${partitions} ${Math.min(3, this.bootstrap.length)}`);
  }

  async brokerDown(id: number): Promise<void> {
    await this.command(`down ${id}`);
  }

  async brokerUp(id: number): Promise<void> {
    await this.command(`up ${id}`);
  }

  async allBrokers(state: 'down' | 'up'): Promise<void> {
    for (let id = 1; id <= this.bootstrap.length; id++) await this.command(`${state} ${id}`);
  }

  /** Delays every response of a broker by `ms`. */
  async setRtt(id: number, ms: number): Promise<void> {
    await this.command(`rtt ${id} ${ms}`);
  }

  /** The next requests of `apiKey` (cluster-wide) fail with these error codes, in order. */
  async pushRequestErrors(apiKey: number, errorCodes: number[]): Promise<void> {
    await this.command(`errors ${apiKey} ${errorCodes.join(' ')}`);
  }

  async clearRequestErrors(apiKey: number): Promise<void> {
    await this.command(`clear-errors ${apiKey}`);
  }

  async setLeader(topic: string, partition: number, brokerId: number): Promise<void> {
    await this.command(`leader ${topic} ${partition} ${brokerId}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(killer);
  }
}

/** The binary path, for tools that report it. */
export function devBrokerBinary(): string | undefined {
  return existsSync(BINARY) ? BINARY : undefined;
}
