import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { csvField, lineBatches, TextSink } from '@etl/files';

/** A gzip file being written through a TextSink (level 1, as the product writes staged files). */
export function gzipFile(file: string): { sink: TextSink; done: Promise<void> } {
  const gzip = createGzip({ level: 1 });
  const done = pipeline(gzip, createWriteStream(file));
  return { sink: new TextSink(gzip), done };
}

/**
 * The raw floor of a transform: the same bytes streamed gunzip → lines → `JSON.parse` → one CSV
 * line of the values → gzip, with no validation, coercion, dedupe or quarantine. Nothing that
 * reads and rewrites these files can be faster than this in the same process.
 */
export async function rawFloor(input: string, output: string): Promise<void> {
  const out = gzipFile(output);
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
