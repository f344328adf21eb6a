import { gzipSync } from 'node:zlib';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { CopySyntaxError, iamRoleValue, unquote } from './copyCommand';
import type { QueryResult } from './database';
import { isWord, significant, tokenize } from './sqlTokens';

/** A Redshift `UNLOAD ('query') TO 's3://…'` as the local warehouse runs it. */
export interface UnloadCommand {
  query: string;
  bucket: string;
  prefix: string;
  format: 'text' | 'csv';
  delimiter: string;
  header: boolean;
  gzip: boolean;
  parallel: boolean;
  manifest: 'none' | 'plain' | 'verbose';
  allowOverwrite: boolean;
  nullAs: string;
  addQuotes: boolean;
  escape: boolean;
  extension?: string;
  /** `IAM_ROLE`: the role the warehouse assumes to write S3 */
  iamRole?: string;
}

/** Options Redshift accepts that change nothing on one node (credentials, file sizes, encryption, region). */
const IGNORED_WITH_VALUE = new Set(['CREDENTIALS', 'ACCESS_KEY_ID', 'SECRET_ACCESS_KEY', 'SESSION_TOKEN', 'REGION', 'KMS_KEY_ID']);
const IGNORED_FLAGS = new Set(['ENCRYPTED', 'CLEANPATH']);

/**
 * Parses UNLOAD. Supported: `FORMAT [AS] CSV`, `CSV`, `DELIMITER [AS] 'c'`, `HEADER`, `GZIP`,
 * `PARALLEL ON|OFF|TRUE|FALSE`, `MANIFEST [VERBOSE]`, `ALLOWOVERWRITE`, `NULL [AS] 's'`,
 * `ADDQUOTES`, `ESCAPE`, `EXTENSION 'e'`, `MAXFILESIZE` (one file holds everything locally),
 * `IAM_ROLE` (the role S3 is written as), and, without effect, `CREDENTIALS`, `REGION`, `ENCRYPTED`, `KMS_KEY_ID`, `CLEANPATH`.
 *
 * @throws {CopySyntaxError} naming the option that is wrong or not supported (PARQUET, JSON, PARTITION BY…).
 */
export function parseUnload(sql: string): UnloadCommand {
  const words = significant(tokenize(sql));
  let at = 1;
  const take = () => words[at++];
  const peek = () => words[at];
  const optionalAs = () => {
    if (isWord(peek(), 'AS')) take();
  };
  if (take()?.text !== '(') throw new CopySyntaxError("UNLOAD: expected ('select …') after UNLOAD");
  const query = unquote(take(), 'UNLOAD');
  if (outerLimit(query))
    throw new CopySyntaxError(
      'UNLOAD: a LIMIT in the outermost SELECT is not supported (Redshift); put it in a subquery: SELECT * FROM (SELECT … LIMIT n)',
    );
  if (take()?.text !== ')' || !isWord(take(), 'TO')) throw new CopySyntaxError("UNLOAD: expected ) TO 's3://…' after the query");
  const to = /^s3:\/\/([^/]+)\/(.*)$/.exec(unquote(take(), 'TO'));
  if (!to) throw new CopySyntaxError('UNLOAD: TO must be an s3://bucket/prefix URL');
  const command: UnloadCommand = {
    query,
    bucket: to[1]!,
    prefix: to[2]!,
    format: 'text',
    delimiter: '|',
    header: false,
    gzip: false,
    parallel: true,
    manifest: 'none',
    allowOverwrite: false,
    nullAs: '',
    addQuotes: false,
    escape: false,
  };
  let delimiterGiven = false;
  while (peek()) {
    const token = take()!;
    const option = token.text.toUpperCase();
    if (token.kind !== 'word') throw new CopySyntaxError(`UNLOAD: unexpected ${token.text}`);
    if (IGNORED_WITH_VALUE.has(option)) {
      take();
      continue;
    }
    if (IGNORED_FLAGS.has(option)) continue;
    switch (option) {
      case 'IAM_ROLE':
        command.iamRole = iamRoleValue(take());
        break;
      case 'FORMAT': {
        optionalAs();
        const format = take()?.text.toUpperCase();
        if (format !== 'CSV')
          throw new CopySyntaxError(`UNLOAD: FORMAT ${format} is not supported by the local warehouse (CSV or the default text)`);
        command.format = 'csv';
        break;
      }
      case 'CSV':
        command.format = 'csv';
        break;
      case 'DELIMITER':
        optionalAs();
        command.delimiter = unquote(take(), option);
        delimiterGiven = true;
        break;
      case 'HEADER':
        command.header = true;
        break;
      case 'GZIP':
        command.gzip = true;
        break;
      case 'PARALLEL': {
        const value = take()?.text.toUpperCase();
        if (!['ON', 'OFF', 'TRUE', 'FALSE'].includes(value ?? '')) throw new CopySyntaxError('UNLOAD: PARALLEL takes ON or OFF');
        command.parallel = value === 'ON' || value === 'TRUE';
        break;
      }
      case 'MANIFEST':
        command.manifest = isWord(peek(), 'VERBOSE') ? (take(), 'verbose') : 'plain';
        break;
      case 'ALLOWOVERWRITE':
        command.allowOverwrite = true;
        break;
      case 'NULL':
        optionalAs();
        command.nullAs = unquote(take(), 'NULL AS');
        break;
      case 'ADDQUOTES':
        command.addQuotes = true;
        break;
      case 'ESCAPE':
        command.escape = true;
        break;
      case 'EXTENSION':
        command.extension = unquote(take(), option).replace(/^\./, '');
        break;
      case 'MAXFILESIZE':
        optionalAs();
        take();
        if (isWord(peek(), 'MB', 'GB')) take();
        break;
      default:
        throw new CopySyntaxError(`UNLOAD: option ${token.text} is not supported by the local warehouse`);
    }
  }
  if (command.format === 'csv' && !delimiterGiven) command.delimiter = ',';
  if (command.format === 'csv' && (command.addQuotes || command.escape))
    throw new CopySyntaxError('UNLOAD: ADDQUOTES and ESCAPE cannot be used with CSV');
  return command;
}

/** One value as the unload writes it. */
function field(value: string | null, command: UnloadCommand): string {
  if (value === null) return command.nullAs;
  if (command.format === 'csv')
    return /[",\r\n]/.test(value) || value.includes(command.delimiter) ? `"${value.replace(/"/g, '""')}"` : value;
  let text = value;
  if (command.escape)
    text = text
      .replace(/[\\\n\r"']/g, (c) => `\\${c}`)
      .split(command.delimiter)
      .join(`\\${command.delimiter}`);
  return command.addQuotes ? `"${text}"` : text;
}

/** The key of the one data file: `<prefix>000` with PARALLEL OFF, else slice 0's `<prefix>0000_part_00`. */
export function unloadFileKey(command: UnloadCommand): string {
  const extension = [command.extension, command.gzip ? 'gz' : undefined].filter(Boolean).join('.');
  return `${command.prefix}${command.parallel ? '0000_part_00' : '000'}${extension ? `.${extension}` : ''}`;
}

/**
 * Writes a query's result to S3 as UNLOAD does, on one slice: one data file (an empty result
 * writes an empty file, with HEADER just the header), and the manifest when asked. Without
 * ALLOWOVERWRITE a file already there fails the statement with Redshift's message. Returns the
 * rows unloaded.
 */
export async function writeUnload(s3: S3Client, command: UnloadCommand, result: QueryResult): Promise<number> {
  const dataKey = unloadFileKey(command);
  const manifestKey = `${command.prefix}manifest`;
  if (!command.allowOverwrite) {
    for (const key of command.manifest === 'none' ? [dataKey] : [dataKey, manifestKey]) {
      const exists = await s3.send(new HeadObjectCommand({ Bucket: command.bucket, Key: key })).then(
        () => true,
        (error: { name?: string }) => (error.name === 'NotFound' || error.name === 'NoSuchKey' ? false : Promise.reject(error)),
      );
      if (exists)
        throw new Error(
          'Specified unload destination on S3 is not empty. Consider using a different bucket / prefix, manually removing the target files in S3, or using the ALLOWOVERWRITE option.',
        );
    }
  }
  const lines = result.rows.map((row) => row.map((value) => field(value, command)).join(command.delimiter));
  if (command.header) lines.unshift(result.fields.map((f) => field(f.name, command)).join(command.delimiter));
  const text = Buffer.from(lines.map((line) => `${line}\n`).join(''), 'utf8');
  const body = command.gzip ? gzipSync(text) : text;
  await s3.send(new PutObjectCommand({ Bucket: command.bucket, Key: dataKey, Body: body }));
  if (command.manifest !== 'none') {
    const url = `s3://${command.bucket}/${dataKey}`;
    const meta = { content_length: body.length, record_count: result.rows.length };
    const manifest =
      command.manifest === 'verbose'
        ? {
            entries: [{ url, meta }],
            schema: { elements: result.fields.map((f) => ({ name: f.name })) },
            author: { name: 'Amazon Redshift', version: '1.0.0' },
            meta,
          }
        : { entries: [{ url }] };
    await s3.send(new PutObjectCommand({ Bucket: command.bucket, Key: manifestKey, Body: JSON.stringify(manifest) }));
  }
  return result.rows.length;
}

/** Whether a query has LIMIT at its own level (not inside parentheses), which Redshift's UNLOAD refuses. */
function outerLimit(query: string): boolean {
  let depth = 0;
  for (const token of significant(tokenize(query))) {
    if (token.text === '(') depth++;
    else if (token.text === ')') depth--;
    else if (depth === 0 && isWord(token, 'LIMIT')) return true;
  }
  return false;
}
