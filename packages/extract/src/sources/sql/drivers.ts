import type { DatabaseDrivers, SourceConnection } from '../sourceKind';
import { mysqlUri } from './sqlSource';

// Only the worker that reads databases passes these in (services/extract/src/handlers/sqlExtractWorker.ts),
// so no other function's bundle carries the drivers (~1.1 MB minified: mysql2 and iconv-lite, pg).
// Each is loaded when a source is read, not when the function starts.

/** Postgres, every value as its text (timestamps as the database writes them). */
async function postgresQuery(connectionString: string): Promise<SourceConnection> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString, types: { getTypeParser: () => (value: string) => value } });
  await client.connect();
  return { query: async (sql, values) => (await client.query<Record<string, unknown>>(sql, values)).rows, end: () => client.end() };
}

/** MySQL/MariaDB, dates and big numbers as strings. */
async function mysqlQuery(url: string): Promise<SourceConnection> {
  const { default: mysql } = await import('mysql2/promise');
  const connection = await mysql.createConnection({
    uri: mysqlUri(url),
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  return {
    query: async (sql, values) => ((await connection.query(sql, values)) as unknown as [Record<string, unknown>[]])[0],
    end: () => connection.end(),
  };
}

/** The database drivers, by engine. */
export const DATABASE_DRIVERS: DatabaseDrivers = { postgres: postgresQuery, mysql: mysqlQuery };
