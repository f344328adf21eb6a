import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse';
import { makeRunId } from '@etl/contracts';
import { decodeUtf8KeepingBadBytes, gunzipInPieces, lines } from '@etl/files';
import type { Pipeline } from '@etl/pipeline-kit';
import { withNumbers } from '../../sourceRecords';
import type { SourceRecords } from '../../sourceRecords';
import { csvHeaderError, csvHeaderProblems } from './csvHeader';

import type { S3DropSource } from './definition';

/** Where any pipeline takes files dropped for it, whatever its source: `landing/<pipeline>/`. */
export const landingPrefix = (pipeline: string) => `landing/${pipeline}/`;

/** The format a dropped file's name states: JSON Lines (`.jsonl`, `.ndjson`, `.json`) or CSV (`.csv`), each also gzipped (`.gz`). */
export function dropFormat(key: string): 'csv' | 'jsonl' | undefined {
  const name = key.replace(/\.gz$/, '');
  if (/\.(jsonl|ndjson|json)$/.test(name)) return 'jsonl';
  if (name.endsWith('.csv')) return 'csv';
  return undefined;
}

/**
 * Where a file named `name` is dropped for `pipeline` — its s3-drop prefix, else
 * `landing/<pipeline>/` — and the format it is read in: the one its name states, else the one the
 * s3-drop definition declares (undefined: neither says). The one rule for every path a file takes.
 */
export function dropPlace(pipeline: Pipeline, name: string): { key: string; format: 'csv' | 'jsonl' | undefined } {
  const declared = pipeline.source.kind === 's3-drop' ? pipeline.source : undefined;
  return { key: `${declared?.prefix ?? landingPrefix(pipeline.name)}${name}`, format: dropFormat(name) ?? declared?.format };
}

/**
 * The pipeline a dropped file is for: an `s3-drop` pipeline whose prefix it is under, or else any
 * pipeline under `landing/<pipeline>/` — an HTTP or SQL pipeline loading files of the same rows.
 * Read in the format the file's name states (`.csv`, `.jsonl`…), else in the one the `s3-drop`
 * definition declares. Undefined when none takes it.
 */
export function droppedFile(
  pipelines: Readonly<Record<string, Pipeline>>,
  key: string,
): { pipeline: Pipeline; source: S3DropSource } | undefined {
  if (key.endsWith('/')) return undefined;
  const format = dropFormat(key);
  for (const pipeline of Object.values(pipelines)) {
    // the file's name says what it is (a .csv under a JSON Lines pipeline's prefix is read as CSV); the definition, when it says nothing
    if (pipeline.source.kind === 's3-drop' && key.startsWith(pipeline.source.prefix))
      return { pipeline, source: { ...pipeline.source, format: dropPlace(pipeline, key.slice(pipeline.source.prefix.length)).format! } };
  }
  const pipeline = Object.values(pipelines).find((p) => key.startsWith(landingPrefix(p.name)));
  if (!pipeline || !format) return undefined;
  return { pipeline, source: { kind: 's3-drop', prefix: landingPrefix(pipeline.name), format } };
}

/**
 * A run id for a dropped object: its event time and a hash of the key and ETag, so a redelivered
 * event for the same object version makes the same run (same keys; the load skips it).
 */
export function dropRunId(key: string, etag: string, eventTime: string): string {
  return makeRunId(new Date(eventTime), createHash('sha256').update(`${key}\n${etag}`).digest('hex').slice(0, 8));
}

/**
 * The records of a dropped file, streamed: JSON Lines pass through as the bytes they are (so
 * the transform judges broken JSON and non-UTF-8 precisely); CSV is parsed with its header row
 * naming the fields (quoted fields may hold commas, quotes and newlines), a header that does not fit
 * the pipeline refused before any row ({@link CsvHeaderError}). `.gz` is gunzipped.
 */
export function dropRecords(s3: S3Client, bucket: string, key: string, source: S3DropSource, pipeline: Pipeline): SourceRecords {
  // CSV fields are text, never JSON numbers; a JSON Lines line passes as its bytes, numbers unread
  return withNumbers(fileRecords(s3, bucket, key, source, pipeline), () => (source.format === 'csv' ? 'plain' : undefined));
}

/**
 * One entry of a dropped file, in the file's order: a JSON Lines line (its bytes), a CSV record
 * (its fields) or a CSV record the parser could not read (its reason), with the lines it spans
 * (1-based; for a malformed record, the line the parser stopped at).
 */
export type DropEntry = { line: number; lastLine: number } & (
  { kind: 'line'; bytes: Buffer } | { kind: 'record'; fields: Record<string, string | null> } | { kind: 'malformed'; reason: string }
);

/** The object's bytes, gunzipped when its key ends in `.gz`. */
async function dropBody(s3: S3Client, bucket: string, key: string): Promise<Readable> {
  const body = (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body as Readable;
  if (!key.endsWith('.gz')) return body;
  const input = body.pipe(gunzipInPieces());
  body.on('error', (error) => input.destroy(error));
  return input;
}

const newlines = (text: string) => {
  let count = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
  return count;
};

/** A CSV cell read as Latin-1 (a character a byte) as the UTF-8 text its bytes are, bad bytes kept as escapes. */
const utf8Text = (latin1: string) => (NOT_ASCII.test(latin1) ? decodeUtf8KeepingBadBytes(Buffer.from(latin1, 'latin1')) : latin1);
const NOT_ASCII = /[\u0080-\u00ff]/;
/** UTF-8's byte order mark read as Latin-1. */
const LATIN1_BOM = '\u00ef\u00bb\u00bf';

/**
 * A dropped file's entries, in its order — the one reading of a drop: the extract writes one raw
 * line per entry, so the n-th line of a run's raw parts is the n-th entry (`dropEntryOrigins`).
 */
export async function* dropEntries(
  input: Readable,
  { key, source, pipeline }: { key: string; source: S3DropSource; pipeline: Pipeline },
): AsyncGenerator<DropEntry> {
  if (source.format === 'jsonl') {
    for await (const { bytes, number } of lines(input)) yield { kind: 'line', bytes, line: number, lastLine: number };
    return;
  }
  // A malformed CSV record (wrong number of fields, a stray quote) must not stop the good ones: it
  // becomes an entry of its own, in its place — the parser reports it (on_skip) while records read
  // before it may still wait in the stream, so each record carries how many came before it.
  let read = 0;
  const skipped: { before: number; entry: DropEntry }[] = [];
  const parser = input.pipe(
    parse({
      // the header is checked before any row is read: a file that does not fit is refused whole
      columns: (cells: string[]) => {
        const header = cells.map((cell, i) => utf8Text(i === 0 && cell.startsWith(LATIN1_BOM) ? cell.slice(LATIN1_BOM.length) : cell));
        const problems = csvHeaderProblems(pipeline, header);
        if (problems.length > 0) throw csvHeaderError(pipeline, key, problems);
        return header;
      },
      // read as Latin-1, one character per byte, and each cell made UTF-8 text here — keeping a byte
      // that is not UTF-8 as an escape the transform names (as an API's): the parser's own UTF-8
      // decoding would make it U+FFFD, silently. CSV's delimiters are ASCII, which no UTF-8
      // sequence holds. (Its `bom` option would switch that decoding on: the header strips a BOM.)
      encoding: 'latin1',
      // the pipeline's opt-in: an empty, unquoted cell is NULL; `""` stays an empty string
      ...(pipeline.csv?.emptyAsNull
        ? {
            cast: (value: string, context: { header: boolean; quoting: boolean }) =>
              !context.header && value.length === 0 && !context.quoting ? null : value,
          }
        : {}),
      skip_empty_lines: true,
      skip_records_with_error: true,
      // each record with the line it ends on and how many came before it (the parser's types know only records)
      on_record: ((record: Record<string, string | null>, info: { lines: number }) => ({
        record,
        lastLine: info.lines,
        index: read++,
      })) as unknown as (record: unknown) => unknown,
      on_skip: (error: (Error & { lines?: number }) | undefined) =>
        void skipped.push({
          before: read,
          entry: {
            kind: 'malformed',
            reason: error ? utf8Text(error.message) : 'unreadable', // it may quote the record
            line: error?.lines ?? 0,
            lastLine: error?.lines ?? 0,
          },
        }),
    }),
  );
  input.on('error', (error) => parser.destroy(error));
  type Parsed = { record: Record<string, string | null>; lastLine: number; index: number };
  for await (const { record, lastLine, index } of parser as AsyncIterable<Parsed>) {
    while (skipped.length > 0 && skipped[0]!.before <= index) yield skipped.shift()!.entry;
    let spans = 0; // a record spans more lines only where a quoted field holds a newline
    for (const name in record) {
      const cell = record[name]!;
      if (cell === null) continue;
      record[name] = utf8Text(cell);
      if (cell.includes('\n')) spans += newlines(cell);
    }
    yield { kind: 'record', fields: record, line: lastLine - spans, lastLine };
  }
  for (const { entry } of skipped) yield entry;
}

async function* fileRecords(s3: S3Client, bucket: string, key: string, source: S3DropSource, pipeline: Pipeline): AsyncGenerator<unknown> {
  for await (const entry of dropEntries(await dropBody(s3, bucket, key), { key, source, pipeline })) {
    if (entry.kind === 'line') yield entry.bytes;
    // passed on as a raw line of text (not JSON), which the transform quarantines with the parser's reason
    else if (entry.kind === 'malformed') yield Buffer.from(`malformed CSV record: ${entry.reason}`);
    else yield entry.fields;
  }
}

/**
 * Where entries of a dropped file are in it: for each wanted entry number (0-based, the order
 * `dropEntries` reads them — the run's raw lines in order), its first line and its text as the
 * file has it (its lines, blank ones apart). Reads the file until every wanted entry is found,
 * then its lines up to the last of them.
 */
export async function dropEntryOrigins(
  s3: S3Client,
  bucket: string,
  { key, source, pipeline }: { key: string; source: S3DropSource; pipeline: Pipeline },
  wanted: ReadonlySet<number>,
): Promise<Map<number, { line: number; text: string }>> {
  const spans = new Map<number, { line: number; lastLine: number }>();
  let index = 0;
  for await (const entry of dropEntries(await dropBody(s3, bucket, key), { key, source, pipeline })) {
    if (spans.size === wanted.size) break;
    if (wanted.has(index)) spans.set(index, { line: entry.line, lastLine: entry.lastLine });
    index++;
  }
  const wantedLines = new Set<number>();
  for (const { line, lastLine } of spans.values()) for (let at = line; at <= lastLine; at++) wantedLines.add(at);
  const last = Math.max(0, ...wantedLines);
  const text = new Map<number, string>(); // only the wanted lines: a file may be larger than memory
  for await (const { bytes, number } of lines(await dropBody(s3, bucket, key))) {
    if (number > last) break;
    if (wantedLines.has(number)) text.set(number, bytes.toString('utf8'));
  }
  const found = new Map<number, { line: number; text: string }>();
  for (const [entry, { line, lastLine }] of spans) {
    const own: string[] = [];
    for (let at = line; at <= lastLine; at++) if (text.has(at)) own.push(text.get(at)!);
    found.set(entry, { line, text: own.join('\n') });
  }
  return found;
}
