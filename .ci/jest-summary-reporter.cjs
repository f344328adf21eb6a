// Prints one plain closing line, "tests: N passed, N failed, N skipped", as the very last line
// of the run (after jest's own summary), so any CI can read the result.
const { writeSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const unrun = results.numRuntimeErrorTestSuites > 0 ? ` (${results.numRuntimeErrorTestSuites} suite(s) failed to run)` : '';
    const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped${unrun}\n`;
    process.once('exit', () => writeSync(1, `\n${line}`));
  }
}
module.exports = SummaryReporter;
