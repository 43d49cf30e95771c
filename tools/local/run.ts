// `npm start`: the whole pipeline on this machine with embedded defaults: Apache Kafka (one KRaft
// node on localhost:9092, or KAFKA_LOCAL_PORT), then every app of the stack that exists, built once
// and run as separate processes with their production Kafka settings (the apps create the manifest
// topics). Ctrl-C stops all.
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { workspaceRoot } from '@nx/devkit';
import { KafkaCluster } from '@fenx/kafka/testing';
import { LOCAL_PORTS, pipelineApps, simulatorApp, StackApp } from '@fenx/testing';

const children: ChildProcess[] = [];
let broker: KafkaCluster | undefined;
let stopping = false;

function prefixLines(name: string, stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream): void {
  if (!stream) return;
  createInterface({ input: stream }).on('line', (line) => out.write(`${name.padEnd(18)}| ${line}\n`));
}

function startApp(app: StackApp, env: Record<string, string>): ChildProcess {
  const main = join(workspaceRoot, 'dist', 'apps', app.name, 'main.js');
  const child = spawn(process.execPath, [main, ...(app.args ?? [])], {
    cwd: workspaceRoot,
    env: { ...process.env, LOG_PRETTY: 'true', ...env, ...app.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  prefixLines(app.name, child.stdout, process.stdout);
  prefixLines(app.name, child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${app.name} exited (${signal ?? code}); stopping the stack`);
      void shutdown(1);
    }
  });
  return child;
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const c of children.reverse()) c.kill('SIGTERM');
  await Promise.all(
    children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)),
  );
  await broker?.stop();
  process.exit(code);
}

async function main(): Promise<void> {
  const simulator = simulatorApp(LOCAL_PORTS, {
    SIM_WEBHOOK_URL: `http://127.0.0.1:${LOCAL_PORTS.radar}/webhooks/fenx`,
  });
  const stack = [
    simulator,
    ...pipelineApps({
      ports: LOCAL_PORTS,
      simulatorUrl: `http://127.0.0.1:${simulator.port}`,
      lakeDir: join(workspaceRoot, '.dev', 'lake'),
    }),
  ];
  const apps = stack.filter((a) => existsSync(join(workspaceRoot, 'apps', a.name, 'project.json')));
  if (apps.length > 0) {
    console.log(`building ${apps.map((a) => a.name).join(', ')} ...`);
    const build = spawnSync(
      'npx',
      ['nx', 'run-many', '-t', 'build', '-p', ...apps.map((a) => a.name), '--outputStyle=static'],
      {
        cwd: workspaceRoot,
        stdio: 'inherit',
        env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      },
    );
    if (build.status !== 0) throw new Error('build failed');
  }

  const kafkaDir = join(workspaceRoot, '.dev', 'kafka');
  rmSync(kafkaDir, { recursive: true, force: true });
  const started = Date.now();
  broker = await KafkaCluster.start({
    brokers: 1,
    port: Number(process.env['KAFKA_LOCAL_PORT'] ?? 9092),
    dir: kafkaDir,
    topics: [],
    stateFile: join(workspaceRoot, '.dev', 'broker.json'),
  });
  console.log(
    `Apache Kafka: ${broker.bootstrap.join(',')} (started in ${Date.now() - started} ms, logs in ${kafkaDir})`,
  );
  const env = broker.env();
  for (const app of apps) children.push(startApp(app, env));

  console.log('\nfenx-pipeline is running locally:');
  console.log(`  Apache Kafka        ${broker.bootstrap.join(',')}  (one KRaft node; ${kafkaDir})`);
  for (const app of apps) console.log(`  ${app.name.padEnd(19)} ${app.describe}`);
  console.log('Ctrl-C stops everything.\n');
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
main().catch((e: Error) => {
  console.error(e.message);
  void shutdown(1);
});
