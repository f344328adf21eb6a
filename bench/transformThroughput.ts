/**
 * Benchmark 1: the transform step against the raw floor, single core, same input.
 *
 *   pnpm bench transform [--rows 200000] [--runs 3]
 *
 * Input: a seeded, deterministic orders JSON Lines gzip file (`ordersInput`: ~2% dirty rows of
 * every kind, ~5% newer versions of earlier orders).
 * Floor (`rawFloor`): gunzip → line split → JSON.parse → CSV line → gzip, no validation.
 * Contender: the product's `transformLines` (validation, coercion, derived total, dedupe,
 * quarantine) → the same gzip for staged rows, a second gzip for the quarantine.
 * Prints a table and one JSON line; goal: contender ≤ 1.25 × floor.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { rawFloor, transformOnce } from './floor';
import { ordersInput } from './inputs';
import { median } from './median';
import type { OrdersInput } from './inputs';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '200000' }, runs: { type: 'string', default: '3' } } });
const rows = Number(values.rows);
const runs = Number(values.runs);
const dir = mkdtempSync(path.join(tmpdir(), 'bench-transform-'));
let input: OrdersInput;

const floor = () => rawFloor(input.file, path.join(dir, 'floor.csv.gz'));

const contender = () => transformOnce(input.file, dir, true);
const unknownNumbers = () => transformOnce(input.file, dir, false);

async function time(fn: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

(async () => {
  input = await ordersInput(rows, { log: console.log });
  await floor(); // warm-up: JIT and file cache for both
  await contender();
  const floorMs: number[] = [];
  const contenderMs: number[] = [];
  const unknownMs: number[] = [];
  for (let run = 0; run < runs; run++) {
    floorMs.push(await time(floor));
    contenderMs.push(await time(contender));
    unknownMs.push(await time(unknownNumbers));
  }
  const f = median(floorMs);
  const c = median(contenderMs);
  // each run's pair ran back to back, so a slow moment of a shared machine slows both: the median of the pairs' ratios
  const ratio = median(contenderMs.map((ms, i) => ms / floorMs[i]!));
  console.log(
    `transform throughput, ${rows.toLocaleString('en')} rows (${(input.bytes / 1e6).toFixed(1)} MB gzip), median of ${runs}, one core`,
  );
  console.log(`  floor      ${f.toFixed(0).padStart(6)} ms  ${((rows / f) * 1000).toFixed(0).padStart(8)} rows/s`);
  console.log(`  contender  ${c.toFixed(0).padStart(6)} ms  ${((rows / c) * 1000).toFixed(0).padStart(8)} rows/s`);
  console.log(`  ratio      ${ratio.toFixed(2)} × floor, median of the runs' ratios (goal ≤ 1.25: ${ratio <= 1.25 ? 'met' : 'not met'})`);
  const unknownRatio = median(unknownMs.map((ms, i) => ms / floorMs[i]!));
  console.log(
    `  a JSON Lines drop (numbers unknown: each line searched for longer ones) ${median(unknownMs).toFixed(0)} ms = ${unknownRatio.toFixed(2)} × floor`,
  );
  console.log(
    JSON.stringify({
      bench: 'transform-throughput',
      rows,
      runs,
      floorMs: f,
      contenderMs: c,
      ratio,
      unknownNumbersRatio: unknownRatio,
      goal: 1.25,
      met: ratio <= 1.25,
    }),
  );
  rmSync(dir, { recursive: true, force: true });
})();
