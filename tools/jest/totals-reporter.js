// A jest reporter that records each run's totals in $FENX_TEST_RESULTS_DIR, so the test command
// can print one line with the totals of every project and tier.
const { mkdirSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');

class TotalsReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const dir = process.env.FENX_TEST_RESULTS_DIR;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    const name = `${relative(process.cwd(), this.rootDir).replace(/[\\/]/g, '_') || 'root'}-${process.pid}.json`;
    writeFileSync(
      join(dir, name),
      JSON.stringify({
        rootDir: this.rootDir,
        passed: results.numPassedTests,
        // A suite that fails to load has no failed tests; count it as a failure of its own.
        failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
        skipped: results.numPendingTests + results.numTodoTests,
        // What failed, with the first line of why, for the summary at the end of the test command.
        failures: results.testResults.flatMap((file) => {
          const where = relative(join(__dirname, '..', '..'), file.testFilePath);
          if (file.testExecError)
            return [`${where}: the suite did not run: ${summary(file.testExecError.message)}`];
          return file.testResults
            .filter((t) => t.status === 'failed')
            .map((t) => `${where} › ${t.fullName}: ${summary(t.failureMessages[0])}`);
        }),
      }),
    );
  }
}

function summary(text) {
  // eslint-disable-next-line no-control-regex -- jest's messages carry ANSI colours
  const plain = String(text ?? '').replace(/\u001b\[[0-9;]*m/g, '');
  const lines = plain
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('at '));
  return lines.slice(0, 3).join(' / ').slice(0, 400);
}

module.exports = TotalsReporter;
