/**
 * pnpm chaos [--seeds 10] [--first-seed 1] [--rows 50000] [--parallel 2] [--logs DIR]
 *
 * The seeded chaos suite: for each seed, a fault schedule is drawn — worker crashes mid-batch and
 * SIGKILLs, a SIGKILL of the local stack, every batch delivered to two concurrent invocations,
 * S3 503 SlowDown, a failing load statement, a poison message, a poison staged file (mended and
 * redriven from the DLQ once it is there), API 5xx / malformed / cut-off / stalled pages and an
 * outage longer than a page's retry budget — within the pages each run really reads, and the
 * orders pipeline runs twice through it (a full run, then an incremental one with updates, late
 * rows and stale versions). The table must equal the expected one, every run's rows must add up,
 * the DLQs must hold exactly the poison, the watermark must be the newest valid cursor, and every
 * drawn fault must have fired. Exit 1 otherwise. Even seeds run the warehouse on PGlite, odd ones
 * on a fresh database of the local Postgres (TEST_POSTGRES_URL). --logs: a failed seed's service
 * logs are written there.
 */
import { parseArgs } from 'node:util';
import { runChaos } from '../src/chaos/chaosRun';
import { chaosTable, seedLine } from '../src/chaos/chaosReport';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '10' },
    'first-seed': { type: 'string', default: '1' },
    rows: { type: 'string', default: '50000' },
    parallel: { type: 'string', default: '2' },
    logs: { type: 'string' },
  },
});
const number = (name: keyof typeof values, min: number) => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < min) {
    console.error(`✘ pnpm chaos: --${name} must be a whole number ≥ ${min}, not "${values[name]}"`);
    process.exit(2);
  }
  return value;
};
const count = number('seeds', 1);
const first = number('first-seed', 0);
const rows = number('rows', 100);
const parallel = number('parallel', 1);
const seeds = Array.from({ length: count }, (_, i) => first + i);
const started = Date.now();
console.log(`▶ chaos: ${count} seed(s) from ${first}, ${rows} rows each, ${parallel} at a time`);
runChaos({ seeds, rows, parallel, logsDir: values.logs, onSeed: (result) => console.log(seedLine(result)) })
  .then((results) => {
    console.log(`\n${chaosTable(results, (Date.now() - started) / 1000)}`);
    const failed = results.filter((r) => r.problems.length > 0 || r.lost + r.duplicated + r.invented + r.changed > 0);
    process.exit(failed.length > 0 ? 1 : 0);
  })
  .catch((error: unknown) => {
    console.error(`\n✘ pnpm chaos: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  });
