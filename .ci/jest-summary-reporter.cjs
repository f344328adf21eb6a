// Prints one plain closing line, "tests: N passed, N failed, N skipped", that any CI can read.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const suitesFailed = results.numFailedTestSuites > 0 && results.numFailedTests === 0 ? ` (${results.numFailedTestSuites} suite(s) failed to run)` : '';
    process.stdout.write(
      `\ntests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped${suitesFailed}\n`,
    );
  }
}
module.exports = SummaryReporter;
