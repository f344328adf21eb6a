import mysql from 'mysql2/promise';
import pg from 'pg';
import type { Pipeline, SourceDefinition } from '@etl/pipeline';

type SqlSource = Extract<SourceDefinition, { kind: 'sql' }>;

export interface SqlReadOptions {
  /** Connection URL (`postgres://…`, `mysql://…`): in AWS from Secrets Manager / SSM, never a plain env value. */
  connectionUrl: string;
  /** The watermark: rows with a cursor at or after it are read (at: so a late row with the same timestamp is not missed). */
  since: string | null;
  pageRows?: number;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** The columns to read: every source column's source field, and the cursor and key for paging. */
function sourceColumns(pipeline: Pipeline, source: SqlSource): { columns: string[]; cursor: string; key: string; table: string[] } {
  if (!pipeline.incremental) throw new Error(`pipeline ${pipeline.name}: a SQL source needs incremental.cursor`);
  if (pipeline.target.primaryKey.length !== 1)
    throw new Error(`pipeline ${pipeline.name}: a SQL source pages on a single-column primary key`);
  const field = (name: string) => pipeline.target.columns[name]!.from ?? name;
  const columns = Object.keys(pipeline.target.columns).map(field);
  const table = source.table.split('.');
  for (const name of [...columns, ...table])
    if (!IDENTIFIER.test(name))
      throw new Error(`pipeline ${pipeline.name}: "${name}" is not a plain identifier; refusing to put it into SQL`);
  return { columns, cursor: field(pipeline.incremental.cursor), key: field(pipeline.target.primaryKey[0]!), table };
}

/**
 * Reads a table incrementally with keyset pagination — `WHERE cursor > $1 OR (cursor = $1 AND
 * key > $2) ORDER BY cursor, key LIMIT n` — every value a bound parameter, every identifier
 * from the checked definition and quoted. Postgres and MySQL/MariaDB. Timestamps come back as
 * the database's text and are read by the pipeline's own coercion.
 */
export async function* sqlRecords(
  pipeline: Pipeline,
  source: SqlSource,
  { connectionUrl, since, pageRows = 5_000 }: SqlReadOptions,
): AsyncGenerator<Record<string, unknown>> {
  const { columns, cursor, key, table } = sourceColumns(pipeline, source);
  if (source.engine === 'postgres') {
    const quote = (name: string) => `"${name}"`;
    const select = `SELECT ${columns.map(quote).join(', ')} FROM ${table.map(quote).join('.')}`;
    const client = new pg.Client({ connectionString: connectionUrl, types: { getTypeParser: () => (value: string) => value } });
    await client.connect();
    try {
      let after: [string, string] | undefined;
      for (;;) {
        const { text, values } = after
          ? {
              text: `${select} WHERE ${quote(cursor)} > $1 OR (${quote(cursor)} = $1 AND ${quote(key)} > $2) ORDER BY ${quote(cursor)}, ${quote(key)} LIMIT $3`,
              values: [...after, pageRows],
            }
          : since === null
            ? { text: `${select} ORDER BY ${quote(cursor)}, ${quote(key)} LIMIT $1`, values: [pageRows] }
            : {
                text: `${select} WHERE ${quote(cursor)} >= $1 ORDER BY ${quote(cursor)}, ${quote(key)} LIMIT $2`,
                values: [since, pageRows],
              };
        const { rows } = await client.query<Record<string, unknown>>(text, values as unknown[]);
        yield* rows;
        if (rows.length < pageRows) return;
        const last = rows[rows.length - 1]!;
        after = [String(last[cursor]), String(last[key])];
      }
    } finally {
      await client.end();
    }
  }
  const quote = (name: string) => `\`${name}\``;
  const select = `SELECT ${columns.map(quote).join(', ')} FROM ${table.map(quote).join('.')}`;
  const connection = await mysql.createConnection({
    uri: connectionUrl,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  try {
    let after: [string, string] | undefined;
    for (;;) {
      const [rows] = (after
        ? await connection.query(
            `${select} WHERE ${quote(cursor)} > ? OR (${quote(cursor)} = ? AND ${quote(key)} > ?) ORDER BY ${quote(cursor)}, ${quote(key)} LIMIT ?`,
            [after[0], after[0], after[1], pageRows],
          )
        : since === null
          ? await connection.query(`${select} ORDER BY ${quote(cursor)}, ${quote(key)} LIMIT ?`, [pageRows])
          : await connection.query(`${select} WHERE ${quote(cursor)} >= ? ORDER BY ${quote(cursor)}, ${quote(key)} LIMIT ?`, [
              since,
              pageRows,
            ])) as unknown as [Record<string, unknown>[]];
      yield* rows;
      if (rows.length < pageRows) return;
      const last = rows[rows.length - 1]!;
      after = [String(last[cursor]), String(last[key])];
    }
  } finally {
    await connection.end();
  }
}
