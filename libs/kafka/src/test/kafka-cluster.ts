import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { freePort } from '@fenx/testing';
import { createKafka, ensureTopics, KafkaClient, kafkajs } from '../lib/kafka-client';
import { retryRetriable } from '../lib/retriable';
import { KafkaSettings } from '../lib/kafka-settings';
import { KAFKA_NAMESPACE, TOPIC_MANIFEST, TopicSpec } from '@fenx/kafka-contracts';
import { javaBinary, logTail, startJvm } from './jvm';

/** A Kafka cluster a test runs against: its own (`KafkaCluster`) or the test run's shared one (`sharedKafka`). */
export interface TestKafka {
  readonly bootstrap: string[];
  /** Client settings: the production ones (idempotent producer, acks=all, topic creation). */
  settings(clientId?: string): KafkaSettings;
  /** Environment variables that point an app at the cluster (everything else: the production defaults). */
  env(): Record<string, string>;
  /** Releases what the test holds (its own cluster, or its namespace's topics on the shared one). */
  stop(): Promise<void>;
}

/** Plaintext client settings for a test cluster of these brokers (replication: up to 3). */
export function testSettings(bootstrap: string[], clientId = 'fenx-pipeline-test'): KafkaSettings {
  return {
    brokers: bootstrap,
    clientId,
    acks: 'all',
    idempotent: true,
    createTopics: true,
    replicationFactor: Math.min(3, bootstrap.length),
    connectionTimeoutMs: 3000,
    requestTimeoutMs: 30000,
    ssl: false,
  };
}

/** The environment of `testSettings`, with this process's KAFKA_NAMESPACE when it has one. */
export function testEnv(bootstrap: string[]): Record<string, string> {
  return {
    KAFKA_BROKERS: bootstrap.join(','),
    KAFKA_REPLICATION_FACTOR: String(Math.min(3, bootstrap.length)),
    ...(KAFKA_NAMESPACE ? { KAFKA_NAMESPACE } : {}),
  };
}

export interface KafkaClusterOptions {
  /** Combined controller+broker nodes (ids 1..n): 1 for `npm start`, 3 for tests, the soak and benchmarks. */
  brokers?: number;
  /** Topics created once the cluster is ready; the manifest by default, `[]` to leave it to the apps. */
  topics?: readonly TopicSpec[];
  /** Where the nodes keep their data and logs; a fresh temporary directory (removed on stop) by default. */
  dir?: string;
  /** Fixed client port of node 1 (node i gets port + i - 1); free ports by default. */
  port?: number;
  /** Where to write `{bootstrap, nodes, pids, logs}` for other processes (e.g. `.dev/broker.json`). */
  stateFile?: string;
  /** Maximum heap of each node, in MB. */
  heapMb?: number;
  startTimeoutMs?: number;
  /**
   * A secured cluster: one SASL_SSL listener (SCRAM-SHA-512 over TLS, certificates made with openssl at
   * start) for clients and replication, StandardAuthorizer ACLs (nothing allowed without one), and these
   * SCRAM users besides `admin` (a super user: the launcher's own).
   */
  security?: { users: Record<string, string> };
  /**
   * A second listener per node, SASL_PLAINTEXT with OAUTHBEARER and Kafka's unsecured token validator
   * (an unsigned JWT naming its principal in `sub`): enough to see a client's token provider called and
   * its token judged by a broker (MSK IAM's own validator exists only on MSK). See `oauthBootstrap`.
   */
  oauthbearer?: boolean;
  /** Extra broker properties, applied to every node after the defaults. */
  brokerConfig?: Record<string, string | number | boolean>;
}

const FETCH_SCRIPT = join(workspaceRoot, 'tools', 'kafka', 'fetch.sh');
const STARTED = 'Kafka Server started';

/** Fetches the pinned Apache Kafka (warm cache: no network) and returns its classpath directory. */
export function kafkaLibs(): string {
  const result = spawnSync('bash', [FETCH_SCRIPT], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0) {
    throw new Error(
      `Fetching Apache Kafka failed (${FETCH_SCRIPT} exited ${result.status}): see the lines above`,
    );
  }
  return join(result.stdout.trim().split('\n').pop() ?? '', 'libs');
}

/** Ports nothing listens on now (bound and released), all distinct. */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `Kafka: port ${port} on 127.0.0.1 is taken (${err.code}); stop what listens there or choose another port`,
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

function properties(entries: Record<string, string | number | boolean>): string {
  return Object.entries(entries)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
}

const LOG4J2 = `status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.out.ref = OUT
logger.server.name = kafka.server.KafkaRaftServer
logger.server.level = info
logger.authentication.name = org.apache.kafka.common.network.Selector
logger.authentication.level = info
`;

interface KafkaNode {
  id: number;
  port: number;
  oauthPort?: number;
  controllerPort: number;
  config: string;
  log: string;
  child?: ChildProcess;
  exited?: Promise<void>;
}

/**
 * A real Apache Kafka cluster in KRaft mode on this machine: n combined controller+broker nodes on
 * loopback, set up as in production (min.insync.replicas=2 on 3 nodes, no unclean leader election,
 * no topic auto-creation), fetched from Maven Central by tools/kafka/fetch.sh. Each node runs as a
 * JVM that dies with the process that started it. Tests share one per run (`sharedKafka`); fault
 * tests, and tests of a secured cluster, start their own.
 */
export class KafkaCluster implements TestKafka {
  private stopped = false;

  private constructor(
    private readonly nodes: KafkaNode[],
    private readonly libs: string,
    private readonly heapMb: number,
    readonly dir: string,
    private readonly ownsDir: boolean,
    private readonly startTimeoutMs: number,
    private readonly security?: ClusterSecurity,
  ) {}

  static async start(options: KafkaClusterOptions = {}): Promise<KafkaCluster> {
    const n = options.brokers ?? 3;
    const libs = kafkaLibs();
    const ownsDir = options.dir === undefined;
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'fenx-kafka-'));
    mkdirSync(dir, { recursive: true });

    let ports: number[];
    if (options.port !== undefined) {
      ports = [];
      for (let i = 0; i < n; i++) ports.push(options.port + i);
      ports.push(...(await freePorts(n)));
      for (const p of ports.slice(0, n)) await assertPortFree(p);
    } else {
      ports = await freePorts(2 * n);
    }
    const oauthPorts = options.oauthbearer ? await freePorts(n) : [];
    const nodes: KafkaNode[] = Array.from({ length: n }, (_, i) => ({
      id: i + 1,
      port: ports[i],
      controllerPort: ports[n + i],
      oauthPort: oauthPorts[i],
      config: join(dir, `node-${i + 1}`, 'server.properties'),
      log: join(dir, `node-${i + 1}`, 'kafka.log'),
    }));
    const voters = nodes.map((node) => `${node.id}@127.0.0.1:${node.controllerPort}`).join(',');
    const security = options.security ? makeSecurity(dir, options.security.users) : undefined;
    const clientListener = security ? 'SASL_SSL' : 'PLAINTEXT';
    const replicas = Math.min(3, n);
    const minIsr = Math.min(2, n);
    writeFileSync(join(dir, 'log4j2.properties'), LOG4J2);
    for (const node of nodes) {
      mkdirSync(dirname(node.config), { recursive: true });
      writeFileSync(
        node.config,
        properties({
          'process.roles': 'broker,controller',
          'node.id': node.id,
          'controller.quorum.voters': voters,
          listeners: [
            `${clientListener}://127.0.0.1:${node.port}`,
            `CONTROLLER://127.0.0.1:${node.controllerPort}`,
            ...(node.oauthPort ? [`OAUTH://127.0.0.1:${node.oauthPort}`] : []),
          ].join(','),
          'advertised.listeners': [
            `${clientListener}://127.0.0.1:${node.port}`,
            ...(node.oauthPort ? [`OAUTH://127.0.0.1:${node.oauthPort}`] : []),
          ].join(','),
          'controller.listener.names': 'CONTROLLER',
          'inter.broker.listener.name': clientListener,
          'listener.security.protocol.map': `${clientListener}:${clientListener},CONTROLLER:PLAINTEXT${
            node.oauthPort ? ',OAUTH:SASL_PLAINTEXT' : ''
          }`,
          ...(node.oauthPort
            ? {
                'listener.name.oauth.sasl.enabled.mechanisms': 'OAUTHBEARER',
                'listener.name.oauth.oauthbearer.sasl.jaas.config':
                  'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="admin";',
              }
            : {}),
          ...(security ? securityProperties(security) : {}),
          'log.dirs': join(dirname(node.config), 'data'),
          // As in production: every write on min.insync.replicas of 3, never an out-of-sync leader.
          'default.replication.factor': replicas,
          'min.insync.replicas': minIsr,
          'unclean.leader.election.enable': false,
          'auto.create.topics.enable': false,
          'offsets.topic.replication.factor': replicas,
          'transaction.state.log.replication.factor': replicas,
          'transaction.state.log.min.isr': minIsr,
          'share.coordinator.state.topic.replication.factor': replicas,
          'share.coordinator.state.topic.min.isr': minIsr,
          // Small and quick on a 2-core machine: fewer threads and internal partitions, no wait for
          // more members before the first rebalance, a cleaner that looks often, a small dedupe buffer.
          'offsets.topic.num.partitions': 12,
          'transaction.state.log.num.partitions': 4,
          'group.initial.rebalance.delay.ms': 0,
          'num.network.threads': 2,
          'num.io.threads': 4,
          'num.recovery.threads.per.data.dir': 1,
          'background.threads': 4,
          'log.cleaner.threads': 1,
          'log.cleaner.backoff.ms': 1000,
          'log.cleaner.dedupe.buffer.size': 16 * 1024 * 1024,
          'replica.lag.time.max.ms': 10000,
          'broker.session.timeout.ms': 6000,
          'broker.heartbeat.interval.ms': 1000,
          ...options.brokerConfig,
        }),
      );
    }

    // A base64url UUID, as kafka-storage makes; one that starts with '-' would read as an option.
    let clusterId = randomBytes(16).toString('base64url');
    while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
    await Promise.all(nodes.map((node) => formatStorage(libs, node, clusterId, dir, security)));

    const cluster = new KafkaCluster(
      nodes,
      libs,
      options.heapMb ?? 384,
      dir,
      ownsDir,
      options.startTimeoutMs ?? 90000,
      security,
    );
    try {
      await Promise.all(nodes.map((node) => cluster.launch(node)));
      await cluster.waitForBrokers(nodes.map((node) => node.id));
      const kafka = createKafka(cluster.settings('fenx-kafka-launcher'), {
        logCreator: () => () => undefined,
      });
      const topics = options.topics ?? TOPIC_MANIFEST;
      if (topics.length > 0) await ensureTopics(kafka, cluster.settings(), topics);
      await cluster.warmUpGroupCoordinators(kafka);
    } catch (err) {
      // The logs the error names stay where they are.
      await cluster.stop({ keepLogs: true });
      throw err;
    }
    if (options.stateFile) {
      mkdirSync(dirname(options.stateFile), { recursive: true });
      writeFileSync(
        options.stateFile,
        JSON.stringify({
          bootstrap: cluster.bootstrap.join(','),
          nodes: n,
          pids: nodes.map((node) => node.child?.pid),
          logs: nodes.map((node) => node.log),
        }),
      );
    }
    return cluster;
  }

  get bootstrap(): string[] {
    return this.nodes.map((node) => `127.0.0.1:${node.port}`);
  }

  /** The OAUTHBEARER listener of each node (with `oauthbearer: true`). */
  get oauthBootstrap(): string[] {
    return this.nodes.filter((node) => node.oauthPort).map((node) => `127.0.0.1:${node.oauthPort}`);
  }

  get size(): number {
    return this.nodes.length;
  }

  /** Each node's log file, for failure messages. */
  get logs(): string[] {
    return this.nodes.map((node) => node.log);
  }

  /**
   * Client settings for this cluster: the production ones (idempotent producer, acks=all, topic
   * creation). On a secured cluster: SASL_SSL as `user` (`admin` by default) with the cluster's CA.
   */
  settings(clientId = 'fenx-pipeline-test', user = 'admin'): KafkaSettings {
    return {
      ...testSettings(this.bootstrap, clientId),
      ...(this.security
        ? {
            ssl: true,
            tls: { caFile: this.security.caFile },
            sasl: { mechanism: 'scram-sha-512' as const, username: user, password: this.password(user) },
          }
        : {}),
    };
  }

  /** Environment variables that point an app at this cluster (everything else: the production defaults). */
  env(user = 'admin'): Record<string, string> {
    return {
      ...testEnv(this.bootstrap),
      ...(this.security
        ? {
            KAFKA_SSL: 'true',
            KAFKA_SSL_CA_FILE: this.security.caFile,
            KAFKA_SASL_MECHANISM: 'scram-sha-512',
            KAFKA_SASL_USERNAME: user,
            KAFKA_SASL_PASSWORD: this.password(user),
          }
        : {}),
    };
  }

  /** PEM files of a secured cluster: its CA, a client certificate it signed, and a CA it does not trust. */
  get tls():
    | { caFile: string; clientCertFile: string; clientKeyFile: string; otherCaFile: string }
    | undefined {
    if (!this.security) return undefined;
    const { caFile, clientCertFile, clientKeyFile, otherCaFile } = this.security;
    return { caFile, clientCertFile, clientKeyFile, otherCaFile };
  }

  private password(user: string): string {
    const password = this.security?.users[user];
    if (password === undefined) throw new Error(`Kafka: no SCRAM user ${user} on this cluster`);
    return password;
  }

  /** Kills node `id` with SIGKILL (no controlled shutdown) and waits until it is gone. */
  async kill(id: number): Promise<void> {
    const node = this.node(id);
    if (!node.child || node.child.exitCode !== null || node.child.signalCode !== null) return;
    node.child.kill('SIGCONT');
    node.child.kill('SIGKILL');
    await node.exited;
  }

  /** Starts node `id` again on its data and ports, and waits until it is back in the cluster. */
  async restart(id: number): Promise<void> {
    const node = this.node(id);
    await this.kill(id);
    await this.launch(node);
    await this.waitForBrokers([id]);
  }

  /** Freezes node `id` (SIGSTOP): its connections stay open and nothing answers. */
  pause(id: number): void {
    this.node(id).child?.kill('SIGSTOP');
  }

  resume(id: number): void {
    this.node(id).child?.kill('SIGCONT');
  }

  async killAll(): Promise<void> {
    await Promise.all(this.nodes.map((node) => this.kill(node.id)));
  }

  /** Starts every node that is not running, and waits until the whole cluster is back. */
  async restartAll(): Promise<void> {
    await Promise.all(this.nodes.filter((node) => !this.running(node)).map((node) => this.launch(node)));
    await this.waitForBrokers(this.nodes.map((node) => node.id));
  }

  pid(id: number): number | undefined {
    return this.node(id).child?.pid;
  }

  /** Kills every node and removes the data of a temporary cluster. */
  async stop(options: { keepLogs?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.killAll();
    if (this.ownsDir && !options.keepLogs) rmSync(this.dir, { recursive: true, force: true });
  }

  private node(id: number): KafkaNode {
    const node = this.nodes.find((n) => n.id === id);
    if (!node) throw new Error(`Kafka: no node ${id} (the cluster has ${this.nodes.length})`);
    return node;
  }

  private running(node: KafkaNode): boolean {
    return !!node.child && node.child.exitCode === null && node.child.signalCode === null;
  }

  private async launch(node: KafkaNode): Promise<void> {
    const { child, exited, logStart } = startJvm({
      log: node.log,
      heapMb: this.heapMb,
      flags: ['-XX:MaxMetaspaceSize=160m'],
      log4jConfig: join(this.dir, 'log4j2.properties'),
      libs: this.libs,
      mainClass: 'kafka.Kafka',
      args: [node.config],
    });
    node.child = child;
    node.exited = exited;
    const deadline = Date.now() + this.startTimeoutMs;
    for (;;) {
      if (!this.running(node)) {
        throw new Error(
          `Kafka node ${node.id} (port ${node.port}) exited (${child.exitCode ?? child.signalCode}) before it started; its log: ${node.log}\n${logTail(node.log, logStart, 15)}`,
        );
      }
      if (readFileSync(node.log, 'utf8').slice(logStart).includes(STARTED)) return;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(
          `Kafka node ${node.id} did not start within ${this.startTimeoutMs} ms; its log: ${node.log}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * Creates __consumer_offsets and waits until its coordinators answer, as on a cluster that has
   * been running: the first group of a test should not meet a coordinator that is still loading.
   */
  private async warmUpGroupCoordinators(kafka: KafkaClient): Promise<void> {
    const admin = kafkajs(kafka).admin();
    await admin.connect();
    try {
      await retryRetriable(
        'the group coordinator',
        () => admin.fetchOffsets({ groupId: 'fenx-kafka-launcher', topics: [] }),
        { timeoutMs: this.startTimeoutMs },
      );
    } finally {
      await admin.disconnect();
    }
  }

  /** Waits until the nodes `ids` are registered and unfenced brokers, as a client sees them. */
  private async waitForBrokers(ids: number[]): Promise<void> {
    const kafka = createKafka(this.settings('fenx-kafka-launcher'), { logCreator: () => () => undefined });
    const admin = kafkajs(kafka).admin();
    const deadline = Date.now() + this.startTimeoutMs;
    let last = '';
    try {
      await admin.connect();
      for (;;) {
        try {
          const { brokers } = await admin.describeCluster();
          const missing = ids.filter((id) => !brokers.some((b) => b.nodeId === id));
          if (missing.length === 0) return;
          last = `node(s) ${missing.join(', ')} not registered yet`;
        } catch (err) {
          last = (err as Error).message;
        }
        if (Date.now() > deadline) {
          throw new Error(
            `Kafka cluster not ready within ${this.startTimeoutMs} ms (${last}); logs: ${this.logs.join(', ')}`,
          );
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

async function formatStorage(
  libs: string,
  node: KafkaNode,
  clusterId: string,
  dir: string,
  security: ClusterSecurity | undefined,
): Promise<void> {
  // SCRAM credentials live in the cluster metadata: written at format time, before any broker runs.
  const scram = Object.entries(security?.users ?? {}).flatMap(([name, password]) => [
    '--add-scram',
    `SCRAM-SHA-512=[name=${name},password=${password}]`,
  ]);
  const child = spawn(
    javaBinary(),
    [
      '-Xmx128m',
      '-XX:+UseSerialGC',
      `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`,
      '-cp',
      join(libs, '*'),
      'kafka.tools.StorageTool',
      'format',
      '--cluster-id',
      clusterId,
      '--config',
      node.config,
      '--ignore-formatted',
      ...scram,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) {
    throw new Error(
      `Kafka: formatting the storage of node ${node.id} failed (exit ${code}): ${output.slice(-2000)}`,
    );
  }
}

interface ClusterSecurity {
  users: Record<string, string>;
  caFile: string;
  keystoreFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  otherCaFile: string;
}

function openssl(dir: string, args: string[]): void {
  const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(
      `Kafka: openssl ${args[0]} failed (${result.error?.message ?? `exit ${result.status}`}): ${result.stderr ?? ''} (Debian: apt-get install -y openssl)`,
    );
  }
}

/** A CA, a broker certificate for 127.0.0.1 and localhost, a client certificate, and an unrelated CA. */
function makeSecurity(dir: string, users: Record<string, string>): ClusterSecurity {
  const tls = join(dir, 'tls');
  mkdirSync(tls, { recursive: true });
  const ca = (name: string) =>
    openssl(tls, [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '7',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
    ]);
  const signed = (name: string, subject: string, extensions: string) => {
    openssl(tls, [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      subject,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
    ]);
    writeFileSync(join(tls, `${name}.ext`), extensions);
    openssl(tls, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '7',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    ]);
  };
  ca('ca');
  ca('other-ca');
  signed(
    'broker',
    '/CN=localhost',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n',
  );
  signed('client', '/CN=fenx-pipeline-client', 'extendedKeyUsage=clientAuth\n');
  // Kafka reads a PEM keystore: the private key (PKCS#8) followed by its certificate.
  const keystoreFile = join(tls, 'broker.pem');
  writeFileSync(
    keystoreFile,
    readFileSync(join(tls, 'broker.key'), 'utf8') + readFileSync(join(tls, 'broker.crt'), 'utf8'),
  );
  return {
    users: { admin: `admin-${randomBytes(6).toString('hex')}`, ...users },
    caFile: join(tls, 'ca.crt'),
    keystoreFile,
    clientCertFile: join(tls, 'client.crt'),
    clientKeyFile: join(tls, 'client.key'),
    otherCaFile: join(tls, 'other-ca.crt'),
  };
}

function securityProperties(security: ClusterSecurity): Record<string, string> {
  const admin = security.users['admin'];
  return {
    'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
    'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${admin}";`,
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.location': security.keystoreFile,
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': security.caFile,
    // A client certificate is checked when one is presented (mutual TLS), not required.
    'ssl.client.auth': 'requested',
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'allow.everyone.if.no.acl.found': 'false',
    // admin: the launcher and the brokers among themselves; ANONYMOUS: the brokers on the controller listener.
    'super.users': 'User:admin;User:ANONYMOUS',
  };
}
