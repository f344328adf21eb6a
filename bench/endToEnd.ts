/**
 * Benchmark 4: the orders pipeline end to end through the local stack.
 *
 *   pnpm bench end-to-end [--rows 1000000]
 *
 * `pnpm dev`'s run (`runDev`) on a fresh state folder: the sample shop API serves `--rows` order
 * lines (dirty rows and updates included) → planner → extract queue → raw files → transform queue
 * → staged files → load queue → COPY → MERGE in PGlite, through serverless-offline and the local
 * event source mappings, on this machine. Reports seconds per stage (from `etl_runs`), the run's
 * total (planned → loaded) and the wall time with start-up (stack, packaging, offline).
 * Baseline: the raw floor (`rawFloor`) over the same number of generated order rows.
 * Goal: run total ≤ 60 s for 1,000,000 rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runDev } from '@etl/dev';
import { rawFloor } from './floor';
import { ordersInput } from './inputs';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
const rows = Number(values.rows);
const GOAL_S = 60;

(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'etl-bench-e2e-'));
  try {
    const input = await ordersInput(rows, { log: console.log });
    const floorStarted = Date.now();
    await rawFloor(input.file, path.join(dir, 'floor.csv.gz'));
    const floorS = (Date.now() - floorStarted) / 1000;

    const started = Date.now();
    const summary = await runDev({ dir, rows, fixedPorts: false, timeoutMs: 30 * 60_000, log: (line) => console.log(`  │ ${line}`) });
    const wallS = (Date.now() - started) / 1000;
    const { seconds } = summary;
    console.log(
      `orders end to end, ${rows.toLocaleString('en')} source rows, local stack on PGlite, ${summary.rows.inserted.toLocaleString('en')} rows inserted`,
    );
    console.log(`  extract     ${seconds.extract.toFixed(1).padStart(7)} s`);
    console.log(`  transform   ${seconds.transform.toFixed(1).padStart(7)} s`);
    console.log(`  load        ${seconds.load.toFixed(1).padStart(7)} s`);
    console.log(
      `  run total   ${seconds.total.toFixed(1).padStart(7)} s  (goal ≤ ${GOAL_S} s)  = ${(seconds.total / floorS).toFixed(1)} × the raw floor of the same rows (${floorS.toFixed(1)} s)`,
    );
    console.log(`  wall time   ${wallS.toFixed(1).padStart(7)} s  (with starting the stack and the three services)`);
    console.log(
      JSON.stringify({
        bench: 'end-to-end',
        rows,
        seconds,
        wallS,
        floorS,
        ratio: seconds.total / floorS,
        goalS: GOAL_S,
        met: seconds.total <= GOAL_S,
        summary,
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
