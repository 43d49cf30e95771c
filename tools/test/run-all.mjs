// Runs every check and test tier of every project, then prints one line with the totals.
import { spawnSync } from 'node:child_process';
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

const nxBin = join(root, 'node_modules', '.bin', 'nx');
const format = spawnSync(nxBin, ['format:check'], { cwd: root, env, stdio: 'inherit' });
if (format.status !== 0) console.error('\nnx format:check failed: run `npx nx format:write`.');

const nx = spawnSync(
  nxBin,
  ['run-many', '-t', ...targets, '--skip-nx-cache', '--parallel=2', '--outputStyle=stream'],
  { cwd: root, env, stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
let skipped = 0;
let runs = 0;
try {
  for (const file of readdirSync(resultsDir)) {
    const r = JSON.parse(readFileSync(join(resultsDir, file), 'utf8'));
    passed += r.passed;
    failed += r.failed;
    skipped += r.skipped;
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
console.log(`\n${runs} test runs, ${skipped} tests skipped`);
// The last line, exactly `N passed, N failed`, is what CI reads.
console.log(`${passed} passed, ${failed + (nxFailed && failed === 0 ? 1 : 0)} failed`);
process.exit(nxFailed || failed > 0 ? 1 : 0);
