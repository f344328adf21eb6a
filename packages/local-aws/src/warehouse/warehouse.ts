import path from 'node:path';
import type { Database } from './database';
import { openPglite } from './pgliteDatabase';
import { openPostgres } from './postgresDatabase';
import { COMPATIBILITY_SQL } from './compatibilitySql';
import { splitStatements } from './sqlTokens';
import type { LoadError } from './copyLoader';

export interface WarehouseOptions {
  /** A Postgres connection string; when absent, PGlite keeps the database in `dir`. */
  databaseUrl?: string;
  /** Folder for PGlite's data (ignored with `databaseUrl`); undefined keeps it in memory. */
  dir?: string;
}

const SETUP_SQL = `
CREATE SCHEMA IF NOT EXISTS local_aws;
CREATE SEQUENCE IF NOT EXISTS local_aws.query_ids;
CREATE TABLE IF NOT EXISTS local_aws.load_errors (
  userid int, slice int, tbl int, starttime timestamp, session int, query int,
  filename varchar(256), line_number bigint, colname varchar(127), type varchar(10), col_length varchar(10),
  position int, raw_line varchar(1024), raw_field_value varchar(1024), err_code int, err_reason varchar(1024),
  statement_id varchar(64), sqlstate varchar(5)
);
CREATE OR REPLACE VIEW stl_load_errors AS SELECT * FROM local_aws.load_errors;
${COMPATIBILITY_SQL}
`;

/** Opens the warehouse database and makes sure its Redshift compatibility objects exist. */
export async function openWarehouseDatabase({ databaseUrl, dir }: WarehouseOptions): Promise<Database> {
  const db = databaseUrl ? await openPostgres(databaseUrl) : await openPglite(dir ? path.resolve(dir) : undefined);
  await db.autocommit(async (session) => {
    // concurrent first starts on one Postgres could race on CREATE: serialise them
    if (db.kind === 'postgres') await session.query('SELECT pg_advisory_lock(4242)');
    try {
      for (const statement of splitStatements(SETUP_SQL)) await session.query(statement);
    } finally {
      if (db.kind === 'postgres') await session.query('SELECT pg_advisory_unlock(4242)');
    }
  });
  return db;
}

export async function nextQueryId(db: Database): Promise<number> {
  return db.autocommit(async (session) => Number((await session.query("SELECT nextval('local_aws.query_ids')")).rows[0]![0]));
}

/** Records rejected input records where `stl_load_errors` shows them (outside the load's transaction, so a rollback keeps them). */
export async function recordLoadErrors(
  db: Database,
  queryId: number,
  statementId: string,
  table: string,
  errors: LoadError[],
): Promise<void> {
  if (errors.length === 0) return;
  await db.autocommit(async (session) => {
    const tbl = (await session.query('SELECT to_regclass($1)::oid::int', [table]).catch(() => ({ rows: [[null]] }))).rows[0]![0] ?? null;
    for (const error of errors) {
      await session.query(
        `INSERT INTO local_aws.load_errors (userid, slice, tbl, starttime, session, query, filename, line_number, colname, raw_line, raw_field_value, err_code, err_reason, statement_id, sqlstate)
         VALUES (100, 0, $1, localtimestamp, 0, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          tbl,
          String(queryId),
          error.filename,
          String(error.lineNumber),
          error.colname,
          error.rawLine,
          error.rawFieldValue,
          '1200',
          error.reason.slice(0, 1024),
          statementId,
          error.sqlstate,
        ],
      );
    }
  });
}
