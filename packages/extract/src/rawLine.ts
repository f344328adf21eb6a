import type { TextSink } from '@etl/files';

const NEWLINE = Buffer.from('\n');

/**
 * A source's item as it came: its exact bytes (one line, no newline in it) and the value they
 * parse to, which the extract reads its cursor from. The raw file gets the bytes, so it holds
 * what the source said, byte for byte (see the HTTP source's page scan).
 */
export class SourceItem {
  constructor(
    readonly bytes: Buffer,
    readonly value: unknown,
  ) {}
}

/** The value a record stands for, as the extract reads it (the cursor): a {@link SourceItem}'s parsed value, else the record. */
export const sourceValue = (record: unknown): unknown => (record instanceof SourceItem ? record.value : record);

/**
 * Writes one record as one line of a raw file. Bytes are a line of the source as it came (a
 * JSON Lines drop: the transform judges broken JSON and non-UTF-8 itself), a {@link SourceItem}
 * its bytes. Anything else is a value the source parsed and is written as JSON — a string item
 * too: `""` stays a string, a newline stays inside its line, JSON object text stays text. One
 * record, one line, always, so the file's line count is the message's row count and the
 * transform sees each item as it was. Resolves at once (no promise) unless the file's stream
 * pushes back.
 */
export function writeRawLine(sink: TextSink, record: unknown): Promise<void> | undefined {
  const bytes = record instanceof SourceItem ? record.bytes : Buffer.isBuffer(record) ? record : undefined;
  if (!bytes) return sink.write(`${JSON.stringify(record) ?? 'null'}\n`);
  const pending = sink.write(bytes);
  return pending ? pending.then(() => sink.write(NEWLINE)) : sink.write(NEWLINE);
}
