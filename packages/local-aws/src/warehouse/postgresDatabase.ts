import pg from 'pg';
import type { PoolClient } from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import type { Database, QueryResult, Session } from './database';
import { actAs, loadTypeNames, beginTransaction } from './database';

async function session(client: PoolClient): Promise<Session> {
  const pid = Number((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
  return {
    pid,
    query: async (sql, params = []) => {
      const result = await client.query({ text: sql, values: [...params], rowMode: 'array' });
      return {
        fields: (result.fields ?? []).map((f) => ({
          name: f.name,
          typeId: f.dataTypeID,
          tableId: f.tableID,
          columnId: f.columnID,
          typeModifier: f.dataTypeModifier,
        })),
        rows: (result.rows ?? []) as (string | null)[][],
        rowCount: result.rowCount ?? 0,
        command: result.command ?? '',
      } satisfies QueryResult;
    },
    copyFrom: (copySql, data) =>
      new Promise<number>((resolve, reject) => {
        const stream = client.query(copyFromStdin(copySql));
        stream.on('error', reject);
        stream.on('finish', () => resolve(stream.rowCount ?? 0));
        stream.end(data);
      }),
  };
}

/**
 * Redshift orders and compares text by its UTF-8 bytes, whatever the locale ("Collation
 * sequences"); a database with a linguistic collation (en_US.UTF-8, an ICU locale: 'a' < 'B') would
 * sort, rank and break ties otherwise — a local run that the AWS run contradicts. Such a database is
 * refused. Asked by behaviour, so every collation provider (libc, ICU, builtin) is judged alike.
 */
async function assertByteOrderCollation(client: PoolClient): Promise<void> {
  const { rows } = await client.query<{ name: string; collation: string; bytes: boolean }>(
    `SELECT datname AS name, datcollate AS collation, ('B' < 'a' AND U&'\\+01F600' > U&'\\E000') AS bytes
     FROM pg_database WHERE datname = current_database()`,
  );
  const { name, collation, bytes } = rows[0]!;
  if (String(bytes) !== 't' && bytes !== true)
    throw new Error(
      `the local warehouse's database "${name}" (collation ${collation}) orders text unlike Redshift, which orders it by UTF-8 bytes: ` +
        `use a database created with CREATE DATABASE … TEMPLATE template0 LC_COLLATE 'C' (createdb -T template0 --lc-collate=C …)`,
    );
}

/** A real Postgres (`DATABASE_URL`), through a pool: statements run concurrently, one connection each. */
export async function openPostgres(connectionString: string, poolSize = 4): Promise<Database> {
  // every value as Postgres's text form, as the Data API reports it; sessions in UTC, as Redshift's.
  // No JIT: a load batch's ranking against a 931k-row target spent 0.46 s of its 1.59 s compiling
  // with LLVM (EXPLAIN ANALYZE) — more than it saved on a few hundred thousand rows.
  const pool = new pg.Pool({
    connectionString,
    options: '-c TimeZone=UTC -c jit=off',
    max: poolSize + 1,
    types: { getTypeParser: () => (value: string) => value },
  });
  pool.on('error', () => undefined); // an idle client dropped by the server: the pool replaces it
  const withClient = async <T>(work: (client: PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      return await work(client);
    } finally {
      // a Data API call is its own session: no temp table or SET outlives it on a pooled connection
      const reset = await client.query('DISCARD ALL').then(
        () => undefined,
        (error: Error) => error,
      );
      client.release(reset);
    }
  };
  await withClient(assertByteOrderCollation);
  const types = await withClient(async (client) => loadTypeNames(async (sql) => (await session(client)).query(sql)));
  const database: Database = {
    isolation: 'snapshot',
    kind: 'postgres',
    concurrency: poolSize,
    transaction: (work, user) =>
      withClient(async (client) => {
        // the session (its pid query) before BEGIN: a SELECT inside would fix the transaction's snapshot
        // before the work's first statement (a LOCK must come before it, as in Redshift)
        const connection = await session(client);
        await client.query(beginTransaction(database.isolation));
        try {
          await actAs(connection, user);
          const result = await work(connection);
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
    autocommit: (work, user) =>
      withClient(async (client) => {
        const connection = await session(client);
        await actAs(connection, user);
        return work(connection);
      }),
    cancel: async (pid) =>
      withClient(async (client) => (await client.query<{ ok: string }>('SELECT pg_cancel_backend($1) AS ok', [pid])).rows[0]?.ok === 't'),
    typeName: (typeId) => types.get(typeId) ?? 'unknown',
    close: () => pool.end(),
  };
  return database;
}
