import { isWord, significant, tokenize } from './sqlTokens';
import type { Token } from './sqlTokens';

/** A Redshift `COPY ... FROM 's3://…'` as the local warehouse runs it. */
export interface CopyCommand {
  /** The target table as written (possibly schema-qualified or quoted). */
  table: string;
  /** The column list, as written, if any. */
  columns?: string[];
  bucket: string;
  /** A key prefix (every object under it is loaded) or, with `manifest`, the manifest's key. */
  key: string;
  manifest: boolean;
  format: 'csv' | 'json' | 'text';
  /** JSON only: match object keys to columns ignoring case (`JSON 'auto ignorecase'`). */
  ignoreCase: boolean;
  gzip: boolean;
  ignoreHeader: number;
  delimiter: string;
  quote: string;
  nullAs?: string;
  emptyAsNull: boolean;
  blanksAsNull: boolean;
  /** A Postgres datestyle for DATEFORMAT/TIMEFORMAT, when not 'auto'. */
  dateStyle?: string;
  maxError: number;
  /** `IAM_ROLE 'arn…'`: the role the warehouse assumes to read S3 (`default`: the namespace's default role) */
  iamRole?: string;
}

/** Options Redshift accepts that change nothing here (credentials, statistics, region). */
const IGNORED_WITH_VALUE = ['CREDENTIALS', 'ACCESS_KEY_ID', 'SECRET_ACCESS_KEY', 'SESSION_TOKEN', 'REGION', 'COMPUPDATE', 'STATUPDATE'];
const IGNORED_FLAGS = ['TIMEFORMAT_AUTO'];

export class CopySyntaxError extends Error {}

export function unquote(token: Token | undefined, option: string): string {
  if (token?.kind !== 'string') throw new CopySyntaxError(`COPY: ${option} needs a quoted value, got ${token?.text ?? 'nothing'}`);
  return token.text.replace(/^[eE]?'|'$/g, '').replace(/''/g, "'");
}

const DATE_STYLES: Record<string, string> = {
  auto: '',
  'YYYY-MM-DD': 'ISO, YMD',
  'YYYY-MM-DD HH:MI:SS': 'ISO, YMD',
  'YYYY-MM-DD HH24:MI:SS': 'ISO, YMD',
  'DD/MM/YYYY': 'ISO, DMY',
  'DD-MM-YYYY': 'ISO, DMY',
  'MM/DD/YYYY': 'ISO, MDY',
  'MM-DD-YYYY': 'ISO, MDY',
};

/**
 * Parses a Redshift COPY from S3. Supported: `[(cols)]`, `MANIFEST`, `CSV [QUOTE [AS] 'c']`,
 * `JSON 'auto' | 'auto ignorecase'`, `FORMAT [AS] CSV|JSON`, `GZIP`, `IGNOREHEADER [AS] n`,
 * `DELIMITER [AS] 'c'`, `NULL AS 's'`, `EMPTYASNULL`, `BLANKSASNULL`, `TIMEFORMAT`/`DATEFORMAT 'auto'` (or a
 * day-month order), `MAXERROR [AS] n`, `IAM_ROLE` (the role S3 is read as), and, without effect, `CREDENTIALS`,
 * `REGION`, `COMPUPDATE`, `STATUPDATE`.
 *
 * @throws {CopySyntaxError} naming the option that is wrong or not supported.
 */
export function parseCopy(sql: string): CopyCommand {
  const words = significant(tokenize(sql));
  let at = 1;
  const take = () => words[at++];
  const peek = () => words[at];

  let table = '';
  while (peek() && !isWord(peek(), 'FROM') && peek()!.text !== '(') table += take()!.text;
  if (!table) throw new CopySyntaxError('COPY: no table name');
  let columns: string[] | undefined;
  if (peek()?.text === '(') {
    take();
    columns = [];
    while (peek() && peek()!.text !== ')') {
      const token = take()!;
      if (token.text !== ',') columns.push(token.text);
    }
    if (take()?.text !== ')') throw new CopySyntaxError('COPY: unclosed column list');
  }
  if (!isWord(take(), 'FROM')) throw new CopySyntaxError('COPY: expected FROM after the table');
  const from = unquote(take(), 'FROM');
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(from);
  if (!s3) throw new CopySyntaxError(`COPY: FROM must be an s3:// URL, got '${from}'`);

  const command: CopyCommand = {
    table,
    columns,
    bucket: s3[1]!,
    key: s3[2]!,
    manifest: false,
    format: 'text',
    ignoreCase: false,
    gzip: false,
    ignoreHeader: 0,
    delimiter: '',
    quote: '"',
    emptyAsNull: false,
    blanksAsNull: false,
    maxError: 0,
  };
  const optionalAs = () => {
    if (isWord(peek(), 'AS')) take();
  };
  const integer = (option: string) => {
    optionalAs();
    const token = take();
    if (token?.kind !== 'number' || !/^\d+$/.test(token.text))
      throw new CopySyntaxError(`COPY: ${option} needs a whole number, got ${token?.text ?? 'nothing'}`);
    return Number(token.text);
  };

  while (peek()) {
    const token = take()!;
    const option = token.text.toUpperCase();
    if (token.kind !== 'word') throw new CopySyntaxError(`COPY: unexpected ${token.text}`);
    switch (option) {
      case 'MANIFEST':
        command.manifest = true;
        break;
      case 'CSV':
        command.format = 'csv';
        if (isWord(peek(), 'QUOTE')) {
          take();
          optionalAs();
          command.quote = unquote(take(), 'QUOTE');
        }
        break;
      case 'JSON': {
        command.format = 'json';
        const mode = peek()?.kind === 'string' ? unquote(take(), 'JSON').toLowerCase() : 'auto';
        if (mode !== 'auto' && mode !== 'auto ignorecase')
          throw new CopySyntaxError(`COPY: JSON '${mode}' (a JSONPaths file) is not supported; use JSON 'auto' or 'auto ignorecase'`);
        command.ignoreCase = mode === 'auto ignorecase';
        break;
      }
      case 'FORMAT': {
        optionalAs();
        const format = take()?.text.toUpperCase();
        if (format === 'CSV') command.format = 'csv';
        else if (format === 'JSON') {
          command.format = 'json';
          if (peek()?.kind === 'string') command.ignoreCase = unquote(take(), 'JSON').toLowerCase() === 'auto ignorecase';
        } else throw new CopySyntaxError(`COPY: FORMAT ${format} is not supported (CSV, JSON)`);
        break;
      }
      case 'GZIP':
        command.gzip = true;
        break;
      case 'IGNOREHEADER':
        command.ignoreHeader = integer(option);
        break;
      case 'DELIMITER':
        optionalAs();
        command.delimiter = unquote(take(), option);
        break;
      case 'NULL':
        optionalAs();
        command.nullAs = unquote(take(), 'NULL AS');
        break;
      case 'BLANKSASNULL':
        command.blanksAsNull = true;
        break;
      case 'EMPTYASNULL':
        command.emptyAsNull = true;
        break;
      case 'MAXERROR':
        command.maxError = integer(option);
        break;
      case 'TIMEFORMAT':
      case 'DATEFORMAT': {
        optionalAs();
        const format = unquote(take(), option);
        const style = DATE_STYLES[format] ?? DATE_STYLES[format.toUpperCase()];
        if (style === undefined)
          throw new CopySyntaxError(
            `COPY: ${option} '${format}' is not supported here (use 'auto', or one of ${Object.keys(DATE_STYLES).join(', ')})`,
          );
        if (style) command.dateStyle = style;
        break;
      }
      case 'IAM_ROLE':
        optionalAs();
        command.iamRole = iamRoleValue(take());
        break;
      default:
        if (IGNORED_WITH_VALUE.includes(option)) {
          optionalAs();
          take();
        } else if (!IGNORED_FLAGS.includes(option)) {
          throw new CopySyntaxError(`COPY: option ${token.text} is not supported by the local warehouse`);
        }
    }
  }
  if (!command.delimiter) command.delimiter = command.format === 'csv' ? ',' : '|';
  return command;
}

/** `IAM_ROLE 'arn:aws:iam::…:role/…'` or `IAM_ROLE default` (several chained ARNs are not taken here). */
export function iamRoleValue(token: Token | undefined): string {
  if (isWord(token, 'DEFAULT')) return 'default';
  const value = unquote(token, 'IAM_ROLE');
  if (value.includes(','))
    throw new CopySyntaxError('COPY: IAM_ROLE with chained roles is not supported by the local warehouse; name one role');
  return value;
}

/** Quotes a value as a Postgres string literal. */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
