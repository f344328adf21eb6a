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
  /**
   * Rewrites one CSV or text record, `bytes[start, end)` with its newline (Redshift's empty-field
   * rules): the new bytes, or undefined when it stays as it is; never adds or removes a line.
   */
  rewriteRecord?: (bytes: Buffer, start: number, end: number) => Buffer | undefined;
}

/** Where the scan of a record that has not ended yet stands. */
interface ScanState {
  inQuotes: boolean;
  escaped: boolean;
  /** Newlines inside the record so far (quoted, or escaped). */
  lines: number;
}

/** The newline that ends the record being scanned, from `from` on; -1 when the piece ends first. */
type RecordEnd = (piece: Buffer, from: number, state: ScanState) => number;

/**
 * CSV: a newline inside quotes is data (a doubled quote toggles twice, so it needs no case of its
 * own). Most records hold no quote: those are found by native searches for the next newline and
 * the next quote, not a loop over their bytes; a record with a quote is walked byte by byte.
 */
const csvRecordEnd = (quote: number): RecordEnd => {
  let searched: Buffer | undefined; // the piece `nextQuote` belongs to
  let nextQuote = -1; // the first quote at or after the last search, or -1: none in the piece
  return (piece, from, state) => {
    if (!state.inQuotes) {
      if (piece !== searched || (nextQuote >= 0 && nextQuote < from)) {
        searched = piece;
        nextQuote = piece.indexOf(quote, from);
      }
      const newline = piece.indexOf(NEWLINE, from);
      if (nextQuote < 0 || (newline >= 0 && newline < nextQuote)) return newline;
    }
    let inQuotes = state.inQuotes;
    for (let at = from; at < piece.length; at++) {
      const byte = piece[at];
      if (byte === quote) inQuotes = !inQuotes;
      else if (byte === NEWLINE) {
        if (!inQuotes) {
          state.inQuotes = false;
          return at;
        }
        state.lines++;
      }
    }
    state.inQuotes = inQuotes;
    return -1;
  };
};

/** Redshift's text format: a backslash escapes the byte after it, a newline too. */
const textRecordEnd: RecordEnd = (piece, from, state) => {
  let escaped = state.escaped;
  for (let at = from; at < piece.length; at++) {
    const byte = piece[at];
    if (escaped) {
      escaped = false;
      if (byte === NEWLINE) state.lines++;
    } else if (byte === BACKSLASH) escaped = true;
    else if (byte === NEWLINE) {
      state.escaped = false;
      return at;
    }
  }
  state.escaped = escaped;
  return -1;
};

const lineEnd: RecordEnd = (piece, from) => piece.indexOf(NEWLINE, from);

/** The chunk being filled: runs of input bytes (whole records, as they were) and rewritten records. */
class ChunkBuilder {
  private parts: Buffer[] = [];
  size = 0;
  private chunkLine = 1;
  private meta = { starts: [] as number[], chunkLines: [] as number[], fileLines: [] as number[], originals: new Map<number, string>() };

  /** Notes a record of `bytes` bytes and `lines` physical lines (its bytes come with a run or `add`). */
  record(bytes: number, lines: number, fileLine: number): number {
    const index = this.meta.starts.length;
    this.meta.starts.push(this.size);
    this.meta.chunkLines.push(this.chunkLine);
    this.meta.fileLines.push(fileLine);
    this.size += bytes;
    this.chunkLine += lines;
    return index;
  }

  add(bytes: Buffer): void {
    if (bytes.length > 0) this.parts.push(bytes);
  }

  original(index: number, text: string): void {
    this.meta.originals.set(index, text);
  }

  take(): RecordChunk {
    const chunk = { data: this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size), ...this.meta };
    this.parts = [];
    this.size = 0;
    this.chunkLine = 1;
    this.meta = { starts: [], chunkLines: [], fileLines: [], originals: new Map() };
    return chunk;
  }
}

/**
 * Splits a decompressed input stream into chunks of whole records, aware of CSV quoting
 * (a quoted newline does not end a record) and of backslash-escaped newlines in Redshift's
 * text format. Counts physical lines so a Postgres error "line N" maps back to the file.
 * Records that stay as they are go into the chunk as runs of the input's bytes (no copy per
 * record: this is the local COPY's hot loop). Memory: one chunk at a time.
 */
export async function* recordChunks(input: AsyncIterable<Buffer>, options: RecordSplitterOptions): AsyncGenerator<RecordChunk> {
  const { format, rewriteRecord } = options;
  const recordEnd = format === 'csv' ? csvRecordEnd(options.quote.charCodeAt(0)) : format === 'text' ? textRecordEnd : lineEnd;
  const state: ScanState = { inQuotes: false, escaped: false, lines: 0 };
  const chunk = new ChunkBuilder();
  let fileLine = 1;
  let skipped = 0;
  let carry: Buffer | undefined; // the start of a record the last piece did not end (scanned already)

  /**
   * Takes the record `piece[start, end)` (its newline included): undefined when its bytes go into
   * the chunk as they are, else what goes in instead (null: nothing).
   */
  const take = (piece: Buffer, start: number, end: number): Buffer | null | undefined => {
    const lines = state.lines + 1;
    state.lines = 0;
    const startLine = fileLine;
    fileLine += lines;
    if (skipped < options.ignoreHeader) {
      skipped++;
      return null;
    }
    if (format === 'json') {
      const text = piece.toString('utf8', start, end).trim();
      const csv = text === '' ? undefined : options.jsonToCsv!(text, startLine);
      if (csv === undefined) return null;
      const bytes = Buffer.from(csv, 'utf8');
      chunk.record(bytes.length, countNewlines(bytes), startLine);
      return bytes;
    }
    if (end - start === 1) return null; // a blank line
    const rewritten = rewriteRecord?.(piece, start, end);
    const index = chunk.record(rewritten ? rewritten.length : end - start, lines, startLine);
    // an error names the record as the file had it, never as rewritten
    if (rewritten) chunk.original(index, piece.toString('utf8', start, end));
    return rewritten;
  };

  for await (const piece of input) {
    let at = 0; // where the scan goes on
    let start = 0; // of the record being scanned
    let run = 0; // of the bytes not yet in the chunk
    if (carry) {
      // the record the last piece began: joined with its rest alone, not with the whole piece
      const end = recordEnd(piece, 0, state);
      if (end < 0) {
        carry = Buffer.concat([carry, piece]);
        continue;
      }
      const record = Buffer.concat([carry, piece.subarray(0, end + 1)]);
      carry = undefined;
      const instead = take(record, 0, record.length);
      if (instead !== null) chunk.add(instead ?? record);
      at = start = run = end + 1;
      if (chunk.size >= options.chunkBytes) yield chunk.take();
    }
    for (let end = recordEnd(piece, at, state); end >= 0; end = recordEnd(piece, at, state)) {
      at = end + 1;
      const instead = take(piece, start, at);
      if (instead !== undefined) {
        chunk.add(piece.subarray(run, start));
        if (instead) chunk.add(instead);
        run = at;
      }
      start = at;
      if (chunk.size >= options.chunkBytes) {
        chunk.add(piece.subarray(run, start));
        run = start;
        yield chunk.take();
      }
    }
    chunk.add(piece.subarray(run, start));
    carry = start < piece.length ? piece.subarray(start) : undefined;
  }
  if (carry && carry.toString('utf8').trim() !== '') {
    const last = Buffer.concat([carry, Buffer.from('\n')]);
    const instead = take(last, 0, last.length);
    if (instead !== null) chunk.add(instead ?? last);
  }
  if (chunk.size > 0) yield chunk.take();
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
