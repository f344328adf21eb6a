import type { TextSink } from '@etl/files';

/**
 * Writes one record as one line of a raw file. Bytes are a line of the source as it came (a
 * JSON Lines drop: the transform judges broken JSON and non-UTF-8 itself). Anything else is a
 * value the source parsed and is written as JSON — a string item too: `""` stays a string, a
 * newline stays inside its line, JSON object text stays text. One record, one line, always, so
 * the file's line count is the message's row count and the transform sees each item as it was.
 */
export async function writeRawLine(sink: TextSink, record: unknown): Promise<void> {
  if (Buffer.isBuffer(record)) {
    await sink.write(record);
    await sink.write('\n');
  } else await sink.write(`${JSON.stringify(record) ?? 'null'}\n`);
}
