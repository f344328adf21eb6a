import type { Pipeline } from '@etl/pipeline-kit';
import type { DatabaseDrivers, SourceConnection } from '../sourceKind';
import type { SqlSource } from './definition';
import { batchedRecords } from '../../sourceRecords';
import type { SourceRecords } from '../../sourceRecords';

export interface SqlReadOptions {
  /** Connection URL (`postgres://…`, `mysql://…`): in AWS from Secrets Manager / SSM, never a plain env value. */
  connectionUrl: string;
  /** The drivers of the function reading it, by engine (sql/drivers.ts). */
  databases: DatabaseDrivers;
  /** The watermark: rows with a cursor at or after it are read (at: so a late row with the same timestamp is not missed). */
  since: string | null;
  /** One slice of a fanned-out run: rows with a cursor before this (the source's cursor text) only. */
  until?: string | null;
  /** Read the rows without a cursor value too (default true; in a fanned-out run, slice 0 does). */
  nullCursorRows?: boolean;
  pageRows?: number;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** The engine a connection URL names by its scheme. */
export function engineOf(connectionUrl: string): 'postgres' | 'mysql' {
  const scheme = /^([a-z]+):\/\//.exec(connectionUrl)?.[1];
  if (scheme === 'postgres' || scheme === 'postgresql') return 'postgres';
  if (scheme === 'mysql' || scheme === 'mariadb') return 'mysql';
  // the URL itself is never echoed: it may carry a password
  throw new Error(
    `a SQL source URL must start with postgres://, postgresql://, mysql:// or mariadb:// (its scheme is ${scheme ? `"${scheme}"` : 'missing'})`,
  );
}

/** A MySQL/MariaDB URL as mysql2 reads it: it knows the `mysql://` scheme only. */
export const mysqlUri = (url: string): string => url.replace(/^mariadb:/, 'mysql:');

/**
 * The columns to read — every declared column's source field, or all of them (`*`) under drift
 * policy `add-columns`, so columns added to the source table reach the target — and the cursor
 * and key for paging.
 */
function sourceColumns(pipeline: Pipeline, source: SqlSource): { columns: string[] | '*'; cursor: string; key: string; table: string[] } {
  if (!pipeline.incremental) throw new Error(`pipeline ${pipeline.name}: a SQL source needs incremental.cursor`);
  if (pipeline.target.primaryKey.length !== 1)
    throw new Error(`pipeline ${pipeline.name}: a SQL source pages on a single-column primary key`);
  const field = (name: string) => pipeline.target.columns[name]!.from ?? name;
  const columns = Object.keys(pipeline.target.columns).map(field);
  const table = source.table.split('.');
  const cursor = field(pipeline.incremental.cursor);
  const key = field(pipeline.target.primaryKey[0]!);
  for (const name of [...columns, ...table, cursor, key])
    if (!IDENTIFIER.test(name))
      throw new Error(`pipeline ${pipeline.name}: "${name}" is not a plain identifier; refusing to put it into SQL`);
  return { columns: pipeline.drift === 'add-columns' ? '*' : columns, cursor, key, table };
}

/**
 * Reads a table incrementally with keyset pagination — `WHERE cursor > $1 OR (cursor = $1 AND
 * key > $2) ORDER BY cursor, key LIMIT n` — every value a bound parameter, every identifier
 * from the checked definition and quoted. Postgres and MySQL/MariaDB. Timestamps come back as
 * the database's text and are read by the pipeline's own coercion. Rows whose cursor is NULL
 * come first, on every run (see below).
 */
export function sqlRecords(
  pipeline: Pipeline,
  source: SqlSource,
  options: SqlReadOptions,
): AsyncGenerator<Record<string, unknown>> & SourceRecords {
  return batchedRecords(sqlPages(pipeline, source, options));
}

/** {@link sqlRecords}, a page of rows at a time. */
async function* sqlPages(
  pipeline: Pipeline,
  source: SqlSource,
  { connectionUrl, databases, since, until = null, nullCursorRows = true, pageRows = 5_000 }: SqlReadOptions,
): AsyncGenerator<Record<string, unknown>[]> {
  const { columns, cursor, key, from, engine, quote, parameters } = sqlTarget(pipeline, source, connectionUrl);
  const connection = await connect(engine, connectionUrl, databases);
  const [c, k] = [quote(cursor), quote(key)];
  const select = `SELECT ${columns === '*' ? '*' : columns.map(quote).join(', ')} FROM ${from}`;

  /** Pages of `where` in `orderBy` order; `where` gets the last row of the previous page to continue after. */
  async function* pages(where: (bind: Bind, last?: Record<string, unknown>) => string, orderBy: string) {
    let last: Record<string, unknown> | undefined;
    for (;;) {
      const { values, bind } = parameters();
      const rows = await connection.query(`${select} ${where(bind, last)} ORDER BY ${orderBy} LIMIT ${bind(pageRows)}`, values);
      if (rows.length > 0) yield rows;
      if (rows.length < pageRows) return;
      last = rows[rows.length - 1]!;
    }
  }

  try {
    // A row without a cursor value cannot be placed after a watermark: read it on every run (the
    // pipeline's checks quarantine it with the reason) rather than never — nothing is dropped silently.
    if (nullCursorRows)
      yield* pages((bind, last) => (last ? `WHERE ${c} IS NULL AND ${k} > ${bind(String(last[key]))}` : `WHERE ${c} IS NULL`), k);
    yield* pages((bind, last) => {
      const before = (where: string) => (until === null ? `WHERE ${where}` : `WHERE (${where}) AND ${c} < ${bind(until)}`);
      if (last) {
        const at = String(last[cursor]);
        return before(`${c} > ${bind(at)} OR (${c} = ${bind(at)} AND ${k} > ${bind(String(last[key]))})`);
      }
      return before(since === null ? `${c} IS NOT NULL` : `${c} >= ${bind(since)}`);
    }, `${c}, ${k}`);
  } finally {
    await connection.end();
  }
}

/**
 * Where to split a run into slices of about `rowsPerTask` rows: every `rowsPerTask`-th cursor
 * value from the watermark on (one pass, a window function), distinct and ascending, at most
 * `maxTasks - 1` of them. The slices are `[since, b1)`, `[b1, b2)` … `[bn, ∞)`; rows with equal
 * cursor values always fall in one slice.
 */
export async function cursorBoundaries(
  pipeline: Pipeline,
  source: SqlSource,
  {
    connectionUrl,
    databases,
    since,
    rowsPerTask,
    maxTasks,
  }: { connectionUrl: string; databases: DatabaseDrivers; since: string | null; rowsPerTask: number; maxTasks: number },
): Promise<string[]> {
  const { cursor, from, engine, quote, parameters } = sqlTarget(pipeline, source, connectionUrl);
  const connection = await connect(engine, connectionUrl, databases);
  const { values, bind } = parameters();
  const c = quote(cursor);
  try {
    const where = since === null ? `${c} IS NOT NULL` : `${c} >= ${bind(since)}`;
    const rows = await connection.query(
      `SELECT ${c} AS boundary FROM (SELECT ${c}, ROW_NUMBER() OVER (ORDER BY ${c}) AS etl_row FROM ${from} WHERE ${where}) numbered
       WHERE MOD(etl_row - 1, ${bind(rowsPerTask)}) = 0 AND etl_row > 1 ORDER BY etl_row LIMIT ${bind(maxTasks - 1)}`,
      values,
    );
    const boundaries: string[] = [];
    for (const { boundary } of rows) if (String(boundary) !== boundaries[boundaries.length - 1]) boundaries.push(String(boundary));
    return boundaries;
  } finally {
    await connection.end();
  }
}

/**
 * The checked names and the engine of a SQL source: its identifier quoting, the quoted table
 * (`from`), and `parameters()`, a fresh list of bound values whose `bind` puts each value in as
 * a placeholder (`$n` for Postgres, `?` for MySQL, in order of appearance).
 */
function sqlTarget(pipeline: Pipeline, source: SqlSource, connectionUrl: string) {
  const engine = source.engine ?? engineOf(connectionUrl);
  const quote = (name: string) => (engine === 'postgres' ? `"${name}"` : `\`${name}\``);
  const names = sourceColumns(pipeline, source);
  const parameters = () => {
    const values: unknown[] = [];
    const bind: Bind = (value) => (values.push(value), engine === 'postgres' ? `$${values.length}` : '?');
    return { values, bind };
  };
  return { ...names, engine, quote, from: names.table.map(quote).join('.'), parameters };
}

/** Opens the source database with the driver of its engine: the worker that reads SQL sources carries them (sql/drivers.ts). */
function connect(engine: 'postgres' | 'mysql', url: string, databases: DatabaseDrivers): Promise<SourceConnection> {
  const open = databases[engine];
  if (!open)
    throw new Error(`no ${engine} driver in this function: SQL sources are read by the extractSql queue's worker, which carries them`);
  return open(url);
}

type Bind = (value: unknown) => string;
