import type { TextSink } from '@etl/files';

const NEWLINE = Buffer.from('\n');

/**
 * Writes one record as one line of a raw file. Bytes are a line of the source as it came (a
 * JSON Lines drop: the transform judges broken JSON and non-UTF-8 itself). Anything else is a
 * value the source parsed and is written as JSON — a string item too: `""` stays a string, a
 * newline stays inside its line, JSON object text stays text. One record, one line, always, so
 * the file's line count is the message's row count and the transform sees each item as it was.
 * Resolves at once (no promise) unless the file's stream pushes back.
 */
export function writeRawLine(sink: TextSink, record: unknown): Promise<void> | undefined {
  if (!Buffer.isBuffer(record)) return sink.write(`${JSON.stringify(record) ?? 'null'}\n`);
  const pending = sink.write(record);
  return pending ? pending.then(() => sink.write(NEWLINE)) : sink.write(NEWLINE);
}
