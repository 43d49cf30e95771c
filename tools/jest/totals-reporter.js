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
      }),
    );
  }
}

module.exports = TotalsReporter;
