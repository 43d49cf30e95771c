// Starts and stops the shared Apache Kafka cluster of a test run (shared-kafka-server.ts in a child
// process). Used by the jest global setup of every Kafka test project, and once for all of them by
// `npm test` (tools/test/run-all.mjs), which hands it on in FENX_TEST_KAFKA.
const { spawn } = require('node:child_process');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..');
const ENV = 'FENX_TEST_KAFKA';
const START_TIMEOUT_MS = 240000;

/** Resolves `{child, state}` once the cluster is ready; `state` is what FENX_TEST_KAFKA carries. */
function startSharedKafka() {
  const env = { ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tools', 'tsconfig.tools.json') };
  delete env.KAFKA_NAMESPACE;
  delete env[ENV];
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, 'shared-kafka-server.ts')],
    { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`The shared test Kafka cluster was not ready within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const end = out.indexOf('\n');
      if (end < 0) return;
      clearTimeout(timer);
      const state = JSON.parse(out.slice(0, end));
      child.stdout.resume();
      resolve({ child, state });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(`The shared test Kafka cluster exited (${code ?? signal}) before it was ready: see above`),
      );
    });
  });
}

/** Stops the cluster (closing the child's stdin) and waits until it is gone. */
function stopSharedKafka(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin.end();
  });
}

module.exports = { ENV, startSharedKafka, stopSharedKafka };
