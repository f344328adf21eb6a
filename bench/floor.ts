import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import path from 'node:path';
import { csvField, textLineBatches, TextSink } from '@etl/files';
import { orders } from '@etl/pipelines';
import { transformLines } from '@etl/transform';

/** A gzip file being written through a TextSink (level 1, as the product writes staged files). */
export function gzipFile(file: string): { sink: TextSink; done: Promise<void> } {
  const gzip = createGzip({ level: 1 });
  const done = pipeline(gzip, createWriteStream(file));
  return { sink: new TextSink(gzip), done };
}

/**
 * The product's transform of one raw file to staged and quarantine gzip files in `dir`, as it
 * runs on a raw part: `plainNumbers` as an HTTP, SQL or CSV run's parts say; false for a JSON Lines drop.
 */
export async function transformOnce(input: string, dir: string, plainNumbers: boolean): Promise<void> {
  const staged = gzipFile(path.join(dir, 'staged.csv.gz'));
  const quarantine = gzipFile(path.join(dir, 'quarantine.jsonl.gz'));
  await transformLines(
    orders,
    createReadStream(input).pipe(createGunzip()),
    { staged: staged.sink, quarantine: quarantine.sink },
    { sourceTag: 'staged/orders/bench/part-0.csv.gz', plainNumbers },
  );
  await Promise.all([staged.sink.end(), quarantine.sink.end()]);
  await Promise.all([staged.done, quarantine.done]);
}

/**
 * The raw floor of a transform: the same bytes streamed gunzip → lines (decoded as the transform
 * decodes them, a piece at a time) → `JSON.parse` → one CSV
 * line of the values → gzip, with no validation, coercion, dedupe or quarantine. Nothing that
 * reads and rewrites these files can be faster than this in the same process.
 */
export async function rawFloor(input: string, output: string): Promise<void> {
  const out = gzipFile(output);
  for await (const batch of textLineBatches(createReadStream(input).pipe(createGunzip()))) {
    let text = '';
    for (const line of batch) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line.text ?? line.bytes.toString('utf8')) as Record<string, unknown>;
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
