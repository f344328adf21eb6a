import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { GetObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { CopyCommand } from './copyCommand';
import { literal } from './copyCommand';
import { recordAtLine, recordChunks, recordText, withoutRecord } from './copyRecords';
import type { RecordChunk } from './copyRecords';
import type { Session } from './database';
import { emptyFieldRewriter } from './copyEmptyFields';
import type { ColumnKind } from './copyEmptyFields';
import { postgresError } from './database';

/** One rejected input record, as `stl_load_errors` keeps it. */
export interface LoadError {
  filename: string;
  lineNumber: number;
  colname: string | null;
  rawLine: string;
  rawFieldValue: string | null;
  sqlstate: string | null;
  reason: string;
}

/** The load failed (more errors than MAXERROR, or an error no record can be blamed for). */
export class LoadFailed extends Error {
  constructor(
    readonly table: string,
    readonly errors: LoadError[],
    cause?: string,
  ) {
    const first = errors[0];
    super(
      `Load into table '${table}' failed. ${
        first
          ? `${first.filename} line ${first.lineNumber}${first.colname ? `, column ${first.colname}` : ''}: ${first.reason}. `
          : (cause ?? '')
      }Check '${LOAD_ERRORS_VIEW}' system table for details.`,
    );
  }
}

/** Where a failed COPY says to look; a cluster's COPY names STL_LOAD_ERRORS instead (statements.ts). */
export const LOAD_ERRORS_VIEW = 'sys_load_error_detail';

export interface CopyResult {
  rows: number;
  files: number;
  /** Records skipped under MAXERROR, and the one that made the load fail. */
  errors: LoadError[];
}

const CHUNK_BYTES = 8 * 1024 * 1024;

/** The S3 objects a COPY reads: every key under the prefix, or the manifest's entries. */
async function sourceFiles(s3: S3Client, command: CopyCommand): Promise<{ bucket: string; key: string; mandatory: boolean }[]> {
  if (command.manifest) {
    const object = await s3.send(new GetObjectCommand({ Bucket: command.bucket, Key: command.key }));
    const text = await object.Body!.transformToString();
    let manifest: { entries?: { url?: string; mandatory?: boolean }[] };
    try {
      manifest = JSON.parse(text) as typeof manifest;
    } catch (error) {
      throw new Error(`Manifest file s3://${command.bucket}/${command.key} is not valid JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(manifest.entries)) throw new Error(`Manifest file s3://${command.bucket}/${command.key} has no "entries" array`);
    return manifest.entries.map((entry, index) => {
      const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(entry.url ?? '');
      if (!match) throw new Error(`Manifest s3://${command.bucket}/${command.key}: entry ${index} has no s3:// url`);
      return { bucket: match[1]!, key: match[2]!, mandatory: entry.mandatory === true };
    });
  }
  const files: { bucket: string; key: string; mandatory: boolean }[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: command.bucket, Prefix: command.key })) {
    for (const object of page.Contents ?? [])
      if (!object.Key!.endsWith('/')) files.push({ bucket: command.bucket, key: object.Key!, mandatory: true });
  }
  if (files.length === 0) throw new Error(`The specified S3 prefix '${command.key}' does not exist in bucket ${command.bucket}`);
  return files;
}

interface TargetColumn {
  name: string;
  kind: ColumnKind;
}

/** The columns COPY fills, in input order, and whether each holds character data (CHAR, VARCHAR, TEXT). */
async function targetColumns(session: Session, command: CopyCommand): Promise<TargetColumn[]> {
  const result = await session.query(
    `SELECT a.attname, t.typcategory = 'S' FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [command.table],
  );
  const all = result.rows.map(([name, character]): TargetColumn => ({ name: name!, kind: character === 't' ? 'character' : 'other' }));
  if (!command.columns) return all;
  return command.columns.map((written) => {
    const name = written.replace(/^"|"$/g, '');
    // unquoted names fold to lower case, as Postgres folds them
    const found = all.find((c) => c.name === name) ?? all.find((c) => c.name === name.toLowerCase());
    return found ?? { name, kind: 'character' }; // Postgres reports the unknown column
  });
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return `"${text.replace(/"/g, '""')}"`;
}

/**
 * JSON 'auto': each object's keys matched to the target columns; missing keys load NULL.
 * A line that is not a JSON object is reported to `reject` and skipped.
 */
function jsonConverter(columns: string[], ignoreCase: boolean, filename: string, reject: (error: LoadError) => void) {
  const index = new Map(columns.map((column) => [ignoreCase ? column.toLowerCase() : column, column]));
  return (line: string, fileLine: number): string | undefined => {
    let object: unknown;
    let reason: string | undefined;
    try {
      object = JSON.parse(line);
      if (typeof object !== 'object' || object === null || Array.isArray(object)) reason = 'a JSON record must be an object';
    } catch (error) {
      reason = `invalid JSON: ${(error as Error).message}`;
    }
    if (reason) {
      reject({ filename, lineNumber: fileLine, colname: null, rawLine: line.slice(0, 1024), rawFieldValue: null, sqlstate: null, reason });
      return undefined;
    }
    const values = new Map<string, unknown>();
    for (const [key, value] of Object.entries(object as Record<string, unknown>)) {
      const column = index.get(ignoreCase ? key.toLowerCase() : key);
      if (column) values.set(column, value);
    }
    return `${columns.map((column) => csvField(values.get(column))).join(',')}\n`;
  };
}

/** The text that loads as NULL: `NULL AS`, else Redshift's default `\N`. */
const nullString = (command: CopyCommand) => command.nullAs ?? '\\N';

function pgCopySql(command: CopyCommand): string {
  const columnList = command.columns ? ` (${command.columns.join(', ')})` : '';
  const options =
    command.format === 'text'
      ? [`FORMAT text`, `DELIMITER ${literal(command.delimiter)}`, `NULL ${literal(nullString(command))}`]
      : [
          `FORMAT csv`,
          `DELIMITER ${literal(command.format === 'json' ? ',' : command.delimiter)}`,
          `QUOTE ${literal(command.format === 'json' ? '"' : command.quote)}`,
          `NULL ${literal(command.format === 'json' ? '' : nullString(command))}`,
        ];
  return `COPY ${command.table}${columnList} FROM STDIN WITH (${options.join(', ')})`;
}

/** Maps a Postgres COPY error to the record it blames ("CONTEXT: COPY t, line 5, column qty: \"x\""). */
function blame(error: unknown, chunk: RecordChunk, filename: string): { index: number; loadError: LoadError } | undefined {
  const fields = postgresError(error);
  const context = /line (\d+)(?:, column ([^:]+))?(?::\s*"?(.*?)"?)?$/m.exec(fields.where ?? '');
  if (!context) return undefined;
  const index = recordAtLine(chunk, Number(context[1]));
  if (index === undefined) return undefined;
  return {
    index,
    loadError: {
      filename,
      lineNumber: chunk.fileLines[index]!,
      colname: context[2] ?? null,
      rawLine: recordText(chunk, index).slice(0, 1024),
      rawFieldValue: context[3]?.slice(0, 1024) ?? null,
      sqlstate: fields.code ?? null,
      reason: fields.message,
    },
  };
}

/** COPY needs INSERT on its table, as Redshift checks it (the engine's own COPY may run with more). */
async function requireInsert(session: Session, table: string): Promise<void> {
  const [allowed] = (await session.query("SELECT has_table_privilege(current_user, $1, 'INSERT')::text", [table])).rows[0] ?? [];
  if (allowed !== 'true') throw Object.assign(new Error(`permission denied for relation ${table.replace(/"/g, '')}`), { code: '42501' });
}

/**
 * Runs a Redshift COPY from the local S3 on a session (in the caller's transaction): streams
 * each object (gunzipped if GZIP), splits it into chunks of whole records and feeds each
 * chunk to Postgres `COPY ... FROM STDIN`. With MAXERROR n, up to n bad records are skipped
 * (each retry of its chunk is rolled back to a savepoint first) and reported in `errors`.
 *
 * @throws {LoadFailed} naming the file, line and column of the first bad record.
 */
export async function runCopy(session: Session, s3: S3Client, command: CopyCommand): Promise<CopyResult> {
  await requireInsert(session, command.table);
  const files = await sourceFiles(s3, command);
  const targets = await targetColumns(session, command);
  const columns = targets.map((c) => c.name);
  const copySql = pgCopySql(command);
  const rewriteRecord =
    command.format === 'json'
      ? undefined
      : emptyFieldRewriter({
          format: command.format,
          delimiter: command.delimiter,
          quote: command.quote,
          nullString: nullString(command),
          emptyAsNull: command.emptyAsNull,
          blanksAsNull: command.blanksAsNull,
          columns: targets.map((c) => c.kind),
        });
  if (command.dateStyle) await session.query(`SET LOCAL datestyle = ${literal(command.dateStyle)}`);
  const errors: LoadError[] = [];
  const reject = (error: LoadError) => {
    errors.push(error);
    if (errors.length > command.maxError) throw new LoadFailed(command.table, errors);
  };
  let rows = 0;

  for (const file of files) {
    const filename = `s3://${file.bucket}/${file.key}`;
    let body: Readable;
    try {
      body = (await s3.send(new GetObjectCommand({ Bucket: file.bucket, Key: file.key }))).Body as Readable;
    } catch (error) {
      if (!file.mandatory && (error as { name?: string }).name === 'NoSuchKey') continue;
      throw new Error(`COPY: cannot read ${filename}: ${(error as Error).message}`);
    }
    // 64 KiB pieces (zlib's default is 16): gunzip and split 1M staged rows ~25 % cheaper
    const input = command.gzip ? body.pipe(createGunzip({ chunkSize: 64 * 1024 })) : body;
    if (command.gzip) body.on('error', (error) => input.destroy(error));
    const chunks = recordChunks(input, {
      format: command.format,
      quote: command.quote,
      ignoreHeader: command.ignoreHeader,
      chunkBytes: CHUNK_BYTES,
      jsonToCsv: command.format === 'json' ? jsonConverter(columns, command.ignoreCase, filename, reject) : undefined,
      rewriteRecord,
    });
    try {
      for await (let chunk of chunks) {
        for (;;) {
          if (command.maxError > 0) await session.query('SAVEPOINT local_copy_chunk');
          try {
            rows += await session.copyFrom(copySql, chunk.data);
            if (command.maxError > 0) await session.query('RELEASE SAVEPOINT local_copy_chunk');
            break;
          } catch (error) {
            const blamed = blame(error, chunk, filename);
            if (!blamed) throw new LoadFailed(command.table, errors, `${filename}: ${postgresError(error).message}. `);
            reject(blamed.loadError);
            await session.query('ROLLBACK TO SAVEPOINT local_copy_chunk');
            chunk = withoutRecord(chunk, blamed.index);
            if (chunk.starts.length === 0) break;
          }
        }
      }
    } catch (error) {
      if (error instanceof LoadFailed) throw error;
      throw new Error(`COPY: reading ${filename}: ${(error as Error).message}`);
    }
  }
  return { rows, files: files.length, errors };
}
