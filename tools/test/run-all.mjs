// Runs every check and test tier of every project, then prints one line with the totals.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const resultsDir = join(root, 'dist', 'test-results');
rmSync(resultsDir, { recursive: true, force: true });

const env = {
  ...process.env,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  TZ: 'UTC',
  FENX_TEST_RESULTS_DIR: resultsDir,
};
const targets =
  process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['lint', 'test', 'test-integration', 'e2e'];

/** Runs a command to its end (asynchronously, so that the shared cluster's output keeps flowing). */
function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: 'inherit' });
    child.once('exit', (code, signal) => resolve({ status: code ?? (signal ? 1 : 0) }));
  });
}

const nxBin = join(root, 'node_modules', '.bin', 'nx');
const format = await run(nxBin, ['format:check']);
if (format.status !== 0) console.error('\nnx format:check failed: run `npx nx format:write`.');

// One Apache Kafka cluster for every project's Kafka tests (each test file in a namespace of its
// own); a project's jest global setup starts one only when run on its own.
const { ENV, startSharedKafka, stopSharedKafka } = createRequire(import.meta.url)('../jest/shared-kafka.cjs');
let kafka;
if (targets.some((t) => t === 'test-integration' || t === 'e2e')) {
  try {
    kafka = await startSharedKafka();
  } catch (err) {
    console.error(err.message);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  env[ENV] = JSON.stringify({ bootstrap: kafka.state.bootstrap });
  console.log(
    `Shared Apache Kafka for the tests: ${kafka.state.bootstrap} (ready in ${kafka.state.startedMs} ms)`,
  );
}

const nx = await run(nxBin, [
  'run-many',
  '-t',
  ...targets,
  '--skip-nx-cache',
  '--parallel=2',
  '--outputStyle=stream',
]);
if (kafka) await stopSharedKafka(kafka.child);

let passed = 0;
let failed = 0;
let skipped = 0;
let runs = 0;
const failures = [];
try {
  for (const file of readdirSync(resultsDir)) {
    const r = JSON.parse(readFileSync(join(resultsDir, file), 'utf8'));
    passed += r.passed;
    failed += r.failed;
    skipped += r.skipped;
    failures.push(...(r.failures ?? []));
    runs += 1;
  }
} catch {
  // no results directory: no test run completed
}
const nxFailed = nx.status !== 0 || format.status !== 0;
if (nxFailed && failed === 0) {
  console.error(
    `\nnx run-many failed (exit ${nx.status}) outside the test totals: see the log above (lint, build or a crashed run).`,
  );
}
if (failures.length > 0) console.log(`\nFailed:\n${failures.map((f) => `- ${f}`).join('\n')}`);
console.log(`\n${runs} test runs, ${skipped} tests skipped`);
// The last line, exactly `N passed, N failed`, is what CI reads.
console.log(`${passed} passed, ${failed + (nxFailed && failed === 0 ? 1 : 0)} failed`);
process.exit(nxFailed || failed > 0 ? 1 : 0);
