import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sampleLines, sampleOrder, seededRandom } from '@etl/pipelines';
import type { SampleLine } from '@etl/pipelines';

/**
 * The sample shop behind `pnpm dev`, growing by one generation per run: generation 0 is
 * `rows` orders (dirty rows included); each later one updates about 5% of the orders so far
 * (a newer version) and adds about 10% new orders. The same generation always gives the same data.
 */
export function sampleGeneration(generation: number, rows: number): SampleLine[] {
  const lines = sampleLines({ seed: 1, count: rows });
  let orders = rows;
  for (let g = 1; g <= generation; g++) {
    const random = seededRandom(1_000 + g);
    const updates = Math.floor(orders * 0.05);
    const shiftDays = 40 * g; // a generation is 40 days later than the one before
    for (let i = 0; i < updates; i++) lines.push({ line: sampleOrder(Math.floor(random() * orders), 3 + g, shiftDays), valid: true });
    const fresh = sampleLines({ seed: 2_000 + g, first: 10_000_000 * g, count: Math.floor(rows * 0.1), shiftDays });
    lines.push(...fresh);
    orders += fresh.length;
  }
  return lines;
}

/** Which generation the sample source is at, kept in the state folder so each `pnpm dev` moves it on. */
export function nextGeneration(dir: string): number {
  const file = path.join(dir, 'sample-source.json');
  const generation = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { generation: number }).generation + 1 : 0;
  writeFileSync(file, JSON.stringify({ generation }));
  return generation;
}
