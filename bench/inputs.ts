import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { TextSink } from '@etl/files';
import { sampleLines } from '@etl/pipelines';
import { BUILD_DIR } from './bundle';

/** A generated orders JSON Lines gzip file and what its claim check says about it. */
export interface OrdersInput {
  file: string;
  rows: number;
  /** Gzip bytes and their SHA-256. */
  bytes: number;
  sha256: string;
  /** JSON Lines bytes before gzip. */
  rawBytes: number;
}

const GENERATION_BATCH = 200_000;

/**
 * The orders source lines (`sampleLines`, seeds 42…: ~2 % dirty rows of every kind, ~5 % newer
 * versions of earlier orders of the same batch of 200,000) for `rows` rows, as gzip JSON Lines — generated once, then kept in
 * `.bench/inputs/` so every benchmark and every run reads the same bytes. `clean`: every row
 * valid and a distinct order (what the load benchmark stages).
 */
export async function ordersInput(
  rows: number,
  { clean = false, log = () => {} }: { clean?: boolean; log?: (line: string) => void } = {},
): Promise<OrdersInput> {
  const dir = path.join(BUILD_DIR, 'inputs');
  const file = path.join(dir, `orders-${clean ? 'clean-' : ''}${rows}.jsonl.gz`);
  const metaFile = `${file}.json`;
  if (existsSync(file) && existsSync(metaFile)) return JSON.parse(readFileSync(metaFile, 'utf8')) as OrdersInput;
  mkdirSync(dir, { recursive: true });
  log(`  generating ${rows.toLocaleString('en')} order rows → ${path.relative(process.cwd(), file)}`);
  const gzip = createGzip({ level: 6 });
  const hash = createHash('sha256');
  let bytes = 0;
  gzip.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  const partial = `${file}.partial`;
  const done = pipeline(gzip, createWriteStream(partial));
  const sink = new TextSink(gzip);
  let rawBytes = 0;
  // in batches of orders, so a billion-byte input never sits in memory
  for (let first = 0; first < rows; first += GENERATION_BATCH) {
    const count = Math.min(GENERATION_BATCH, rows - first);
    const shares = clean ? { dirtyShare: 0, updateShare: 0 } : {};
    for (const { line } of sampleLines({ seed: 42 + first, first, count, ...shares })) {
      const text = `${typeof line === 'string' ? line : JSON.stringify(line)}\n`;
      rawBytes += Buffer.byteLength(text);
      await sink.write(text);
    }
  }
  await sink.end();
  await done;
  renameSync(partial, file);
  const input: OrdersInput = { file, rows, bytes, sha256: hash.digest('hex'), rawBytes };
  writeFileSync(metaFile, JSON.stringify(input));
  return input;
}
