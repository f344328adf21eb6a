/**
 * Benchmark 1: the transform step against the raw floor, single core, same input.
 *
 *   node -r esbuild-register bench/transformThroughput.ts [--rows 200000] [--runs 3]
 *
 * Input: a seeded, deterministic orders JSON Lines gzip file (`sampleLines`: ~2% dirty rows of
 * every kind, ~5% newer versions of earlier orders), written to a temp folder.
 * Floor: gunzip → line split → JSON.parse → CSV line → gzip, no validation.
 * Contender: the product's `transformLines` (validation, coercion, derived total, dedupe,
 * quarantine) → the same gzip for staged rows, a second gzip for the quarantine.
 * Prints a table and one JSON line; goal: contender ≤ 1.25 × floor.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createGunzip, createGzip } from 'node:zlib';
import { csvField, lineBatches, TextSink } from '@etl/files';
import { orders, sampleLines } from '@etl/pipelines';
import { transformLines } from '@etl/transform';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '200000' }, runs: { type: 'string', default: '3' } } });
const rows = Number(values.rows);
const runs = Number(values.runs);
const dir = mkdtempSync(path.join(tmpdir(), 'bench-transform-'));
const input = path.join(dir, 'orders.jsonl.gz');

async function writeInput(): Promise<void> {
  const gzip = createGzip({ level: 1 });
  const done = pipeline(gzip, createWriteStream(input));
  const sink = new TextSink(gzip);
  for (const { line } of sampleLines({ seed: 42, count: rows }))
    await sink.write(`${typeof line === 'string' ? line : JSON.stringify(line)}\n`);
  await sink.end();
  await done;
}

function gzipOut(file: string) {
  const gzip = createGzip({ level: 1 });
  const done = pipeline(gzip, createWriteStream(file));
  return { sink: new TextSink(gzip), done };
}

async function floor(): Promise<void> {
  const out = gzipOut(path.join(dir, 'floor.csv.gz'));
  for await (const batch of lineBatches(createReadStream(input).pipe(createGunzip()))) {
    let text = '';
    for (const { bytes } of batch) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (typeof record !== 'object' || record === null) continue;
      for (const value of Object.values(record)) text += `${csvField(value === null || value === undefined ? null : String(value))},`;
      text += '\n';
    }
    await out.sink.write(text);
  }
  await out.sink.end();
  await out.done;
}

async function contender(): Promise<void> {
  const staged = gzipOut(path.join(dir, 'staged.csv.gz'));
  const quarantine = gzipOut(path.join(dir, 'quarantine.jsonl.gz'));
  await transformLines(
    orders,
    createReadStream(input).pipe(createGunzip()),
    { staged: staged.sink, quarantine: quarantine.sink },
    { sourceTag: 'staged/orders/bench/part-0.csv.gz' },
  );
  await Promise.all([staged.sink.end(), quarantine.sink.end()]);
  await Promise.all([staged.done, quarantine.done]);
}

async function time(fn: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

(async () => {
  await writeInput();
  await floor(); // warm-up: JIT and file cache for both
  await contender();
  const floorMs: number[] = [];
  const contenderMs: number[] = [];
  for (let run = 0; run < runs; run++) {
    floorMs.push(await time(floor));
    contenderMs.push(await time(contender));
  }
  const f = median(floorMs);
  const c = median(contenderMs);
  console.log(
    `transform throughput, ${rows.toLocaleString('en')} rows (${(statSync(input).size / 1e6).toFixed(1)} MB gzip), median of ${runs}, one core`,
  );
  console.log(`  floor      ${f.toFixed(0).padStart(6)} ms  ${((rows / f) * 1000).toFixed(0).padStart(8)} rows/s`);
  console.log(`  contender  ${c.toFixed(0).padStart(6)} ms  ${((rows / c) * 1000).toFixed(0).padStart(8)} rows/s`);
  console.log(`  ratio      ${(c / f).toFixed(2)} × floor (goal ≤ 1.25)`);
  console.log(
    JSON.stringify({ bench: 'transform-throughput', rows, runs, floorMs: f, contenderMs: c, ratio: c / f, goal: 1.25, met: c / f <= 1.25 }),
  );
  rmSync(dir, { recursive: true, force: true });
})();
