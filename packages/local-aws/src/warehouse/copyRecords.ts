import type { CopyCommand } from './copyCommand';

const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;

/** A batch of whole input records, ready to be one COPY's input, with where each record came from. */
export interface RecordChunk {
  data: Buffer;
  /** Byte offset of each record in `data`. */
  starts: number[];
  /** Physical line (1-based, within `data`) each record starts on: what Postgres reports. */
  chunkLines: number[];
  /** Line in the source file each record starts on (1-based, header lines included). */
  fileLines: number[];
  /** A record's text as the file had it, where `rewriteRecord` changed it (by record index). */
  originals: Map<number, string>;
}

export interface RecordSplitterOptions {
  format: CopyCommand['format'];
  quote: string;
  ignoreHeader: number;
  /** Target size of a chunk; a record is never split. */
  chunkBytes: number;
  /** Turns one JSON Lines record into a CSV record, or undefined to skip it (format json only). */
  jsonToCsv?: (line: string, fileLine: number) => string | undefined;
  /** Rewrites one CSV or text record (Redshift's empty-field rules); never adds or removes a line. */
  rewriteRecord?: (record: Buffer) => Buffer;
}

/**
 * Splits a decompressed input stream into chunks of whole records, aware of CSV quoting
 * (a quoted newline does not end a record) and of backslash-escaped newlines in Redshift's
 * text format. Counts physical lines so a Postgres error "line N" maps back to the file.
 * Memory: one chunk at a time.
 */
export async function* recordChunks(input: AsyncIterable<Buffer>, options: RecordSplitterOptions): AsyncGenerator<RecordChunk> {
  const quote = options.quote.charCodeAt(0);
  let pending: Buffer[] = []; // pieces of the record being read
  let pendingLines = 0; // newlines inside the record being read
  let inQuotes = false;
  let escaped = false;
  let fileLine = 1;
  let skipped = 0;
  let chunk: Buffer[] = [];
  let chunkSize = 0;
  let chunkLine = 1;
  let meta = { starts: [] as number[], chunkLines: [] as number[], fileLines: [] as number[], originals: new Map<number, string>() };

  const flush = (): RecordChunk => {
    const out = { data: Buffer.concat(chunk, chunkSize), ...meta };
    chunk = [];
    chunkSize = 0;
    chunkLine = 1;
    meta = { starts: [], chunkLines: [], fileLines: [], originals: new Map() };
    return out;
  };

  /** Takes one complete record (ending with its newline); returns a chunk when one is full. */
  const takeRecord = (record: Buffer, lines: number): RecordChunk | undefined => {
    const startLine = fileLine;
    fileLine += lines;
    if (skipped < options.ignoreHeader) {
      skipped++;
      return undefined;
    }
    let bytes = record;
    let physical = lines;
    if (options.format === 'json') {
      const text = record.toString('utf8').trim();
      if (text === '') return undefined;
      const csv = options.jsonToCsv!(text, startLine);
      if (csv === undefined) return undefined;
      bytes = Buffer.from(csv, 'utf8');
      physical = countNewlines(bytes);
    } else if (record.length === 1 && record[0] === NEWLINE) {
      return undefined; // a blank line
    } else if (options.rewriteRecord) {
      bytes = options.rewriteRecord(record);
      // an error names the record as the file had it, never as rewritten
      if (bytes !== record) meta.originals.set(meta.starts.length, record.toString('utf8'));
    }
    meta.starts.push(chunkSize);
    meta.chunkLines.push(chunkLine);
    meta.fileLines.push(startLine);
    chunk.push(bytes);
    chunkSize += bytes.length;
    chunkLine += physical;
    return chunkSize >= options.chunkBytes ? flush() : undefined;
  };

  for await (const piece of input) {
    let start = 0;
    for (let i = 0; i < piece.length; i++) {
      const byte = piece[i]!;
      let recordEnds = false;
      if (options.format === 'csv') {
        if (byte === quote) inQuotes = !inQuotes;
        else if (byte === NEWLINE) {
          if (inQuotes) pendingLines++;
          else recordEnds = true;
        }
      } else if (escaped) {
        escaped = false;
        if (byte === NEWLINE) pendingLines++;
      } else if (byte === BACKSLASH && options.format === 'text') escaped = true;
      else if (byte === NEWLINE) recordEnds = true;
      if (!recordEnds) continue;
      pending.push(piece.subarray(start, i + 1));
      const full = takeRecord(pending.length === 1 ? pending[0]! : Buffer.concat(pending), pendingLines + 1);
      pending = [];
      pendingLines = 0;
      start = i + 1;
      if (full) yield full;
    }
    if (start < piece.length) pending.push(Buffer.from(piece.subarray(start)));
  }
  if (pending.length > 0) {
    const last = Buffer.concat([...pending, Buffer.from('\n')]);
    if (last.toString('utf8').trim() !== '') {
      const full = takeRecord(last, pendingLines + 1);
      if (full) yield full;
    }
  }
  if (chunkSize > 0) yield flush();
}

function countNewlines(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(NEWLINE); at >= 0; at = bytes.indexOf(NEWLINE, at + 1)) count++;
  return count;
}

/** The chunk without record `index` (for skipping a bad record under MAXERROR). */
export function withoutRecord(chunk: RecordChunk, index: number): RecordChunk {
  const start = chunk.starts[index]!;
  const end = chunk.starts[index + 1] ?? chunk.data.length;
  const removedBytes = end - start;
  const removedLines =
    (chunk.chunkLines[index + 1] ?? countNewlines(chunk.data.subarray(start)) + chunk.chunkLines[index]!) - chunk.chunkLines[index]!;
  return {
    data: Buffer.concat([chunk.data.subarray(0, start), chunk.data.subarray(end)]),
    starts: [...chunk.starts.slice(0, index), ...chunk.starts.slice(index + 1).map((s) => s - removedBytes)],
    chunkLines: [...chunk.chunkLines.slice(0, index), ...chunk.chunkLines.slice(index + 1).map((l) => l - removedLines)],
    fileLines: [...chunk.fileLines.slice(0, index), ...chunk.fileLines.slice(index + 1)],
    originals: new Map([...chunk.originals].filter(([at]) => at !== index).map(([at, text]) => [at > index ? at - 1 : at, text])),
  };
}

/** The record containing physical line `line` of the chunk. */
export function recordAtLine(chunk: RecordChunk, line: number): number | undefined {
  let found: number | undefined;
  for (let index = 0; index < chunk.chunkLines.length && chunk.chunkLines[index]! <= line; index++) found = index;
  return found;
}

export function recordText(chunk: RecordChunk, index: number): string {
  const original = chunk.originals.get(index);
  if (original !== undefined) return original.replace(/\r?\n$/, '');
  return chunk.data
    .subarray(chunk.starts[index]!, chunk.starts[index + 1] ?? chunk.data.length)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
