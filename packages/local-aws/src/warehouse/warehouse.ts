import path from 'node:path';
import type { Database, Isolation } from './database';
import { postgresError, quoteIdentifier } from './database';
import { openPglite } from './pgliteDatabase';
import { openPostgres } from './postgresDatabase';
import { COMPATIBILITY_SQL } from './compatibilitySql';
import { QUERY_HISTORY_SQL } from './queryHistory';
import { splitStatements } from './sqlTokens';
import type { LoadError } from './copyLoader';

export interface WarehouseOptions {
  /** A Postgres connection string; when absent, PGlite keeps the database in `dir`. */
  databaseUrl?: string;
  /** Folder for PGlite's data (ignored with `databaseUrl`); undefined keeps it in memory. */
  dir?: string;
  /** The database's name as Redshift's clients know it (the Data API's `Database`), which the system views show. */
  name: string;
}

const LOAD_ERROR_COLUMNS =
  'userid, slice, tbl, starttime, session, query, filename, line_number, colname, type, col_length, position, raw_line, raw_field_value, err_code, err_reason, statement_id, sqlstate';

const SETUP_SQL = `
CREATE SCHEMA IF NOT EXISTS local_aws;
CREATE SEQUENCE IF NOT EXISTS local_aws.query_ids;
-- the name clients use for this database (Postgres's own name differs: 'postgres' on PGlite, a scratch name in tests)
CREATE TABLE IF NOT EXISTS local_aws.database_name (name name NOT NULL);
CREATE OR REPLACE FUNCTION local_aws.database_name() RETURNS name LANGUAGE sql STABLE
  AS $$ SELECT COALESCE((SELECT name FROM local_aws.database_name LIMIT 1), current_database()) $$;
GRANT SELECT ON local_aws.database_name TO PUBLIC;
CREATE TABLE IF NOT EXISTS local_aws.load_errors (
  userid int, slice int, tbl int, starttime timestamp, session int, query int,
  filename varchar(256), line_number bigint, colname varchar(127), type varchar(10), col_length varchar(10),
  position int, raw_line varchar(1024), raw_field_value varchar(1024), err_code int, err_reason varchar(1024),
  statement_id varchar(64), sqlstate varchar(5)
);
ALTER TABLE local_aws.load_errors ADD COLUMN IF NOT EXISTS username name;
ALTER TABLE local_aws.load_errors ADD COLUMN IF NOT EXISTS serverless boolean NOT NULL DEFAULT false;
-- as in Redshift, a user sees the rows of its own loads, a superuser all; STL_LOAD_ERRORS holds the loads of
-- provisioned clusters (ClusterIdentifier) only, SYS_LOAD_ERROR_DETAIL those of serverless workgroups
CREATE OR REPLACE VIEW stl_load_errors AS
  SELECT ${LOAD_ERROR_COLUMNS} FROM local_aws.load_errors
  WHERE NOT serverless AND (username IS NULL OR username = current_user OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user));
GRANT SELECT ON stl_load_errors TO PUBLIC;
CREATE OR REPLACE VIEW sys_load_error_detail AS
  SELECT userid AS user_id, query::bigint AS query_id, 0::bigint AS transaction_id, session AS session_id,
         local_aws.database_name()::char(64) AS database_name, tbl AS table_id, starttime AS start_time,
         filename::char(256) AS file_name, line_number, colname::char(127) AS column_name, type::char(10) AS column_type,
         col_length::char(10) AS column_length, position, err_code AS error_code, err_reason::char(512) AS error_message
  FROM local_aws.load_errors
  WHERE serverless AND (username IS NULL OR username = current_user OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user));
GRANT SELECT ON sys_load_error_detail TO PUBLIC;
-- ALTER DATABASE … ISOLATION LEVEL: what it set (no row: snapshot, Redshift's default)
CREATE TABLE IF NOT EXISTS local_aws.database_isolation (level text NOT NULL);
GRANT SELECT ON local_aws.database_isolation TO PUBLIC;
CREATE OR REPLACE VIEW stv_db_isolation_level AS
  SELECT local_aws.database_name()::char(128) AS db_name,
         (CASE WHEN (SELECT level FROM local_aws.database_isolation LIMIT 1) = 'serializable' THEN 'Serializable' ELSE 'Snapshot Isolation' END)::char(20) AS isolation_level;
GRANT SELECT ON stv_db_isolation_level TO PUBLIC;
-- the translated SQL calls helpers in local_aws; its tables and sequence stay the superuser's
GRANT USAGE ON SCHEMA local_aws TO PUBLIC;
-- as in Redshift, every user may create tables in schema public (Postgres 15 took that from PUBLIC)
GRANT USAGE, CREATE ON SCHEMA public TO PUBLIC;
${QUERY_HISTORY_SQL}
${COMPATIBILITY_SQL}
`;

/** Opens the warehouse database and makes sure its Redshift compatibility objects exist. */
export async function openWarehouseDatabase({ databaseUrl, dir, name }: WarehouseOptions): Promise<Database> {
  const db = databaseUrl ? await openPostgres(databaseUrl) : await openPglite(dir ? path.resolve(dir) : undefined);
  await db.autocommit(async (session) => {
    // concurrent first starts on one Postgres could race on CREATE: serialise them
    if (db.kind === 'postgres') await session.query('SELECT pg_advisory_lock(4242)');
    try {
      for (const statement of splitStatements(SETUP_SQL)) await session.query(statement);
      await session.query('DELETE FROM local_aws.database_name');
      await session.query('INSERT INTO local_aws.database_name VALUES ($1)', [name]);
    } finally {
      if (db.kind === 'postgres') await session.query('SELECT pg_advisory_unlock(4242)');
    }
    const [level] = (await session.query('SELECT level FROM local_aws.database_isolation')).rows[0] ?? [];
    db.isolation = level === 'serializable' ? 'serializable' : 'snapshot';
  });
  return db;
}

/** `ALTER DATABASE … ISOLATION LEVEL` ($1: an {@link Isolation}): kept across restarts. */
export const RECORD_ISOLATION_SQL = [
  'DELETE FROM local_aws.database_isolation',
  'INSERT INTO local_aws.database_isolation VALUES ($1)',
] as const;

const DATABASE_USER = /^[\w+=,.@:-]{1,127}$/;
const existingUsers = new WeakMap<Database, Set<string>>();

/**
 * Creates the database user on its first sign-in, as Redshift Serverless creates `IAMR:<role>`
 * for a role's first Data API call: a plain user (no superuser, no CREATE ROLE), member of
 * PUBLIC only. What it may touch beyond that is what it owns and what it is granted.
 */
export async function ensureDatabaseUser(db: Database, name: string): Promise<void> {
  const known = existingUsers.get(db) ?? new Set<string>();
  existingUsers.set(db, known);
  if (known.has(name)) return;
  if (!DATABASE_USER.test(name)) throw new Error(`FATAL: "${name}" is not a valid database user name`);
  await db.autocommit(async (session) => {
    if ((await session.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).rows.length > 0) return;
    // roles are the cluster's on a real Postgres: another database's stack may create it first
    await session.query(`CREATE ROLE ${quoteIdentifier(name)} LOGIN`).catch((error: unknown) => {
      if (postgresError(error).code !== '42710') throw error;
    });
  });
  known.add(name);
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
  /** the database user whose COPY it was: only it (and a superuser) sees the rows */
  user?: string,
  /** a workgroup's load (SYS_LOAD_ERROR_DETAIL), not a cluster's (STL_LOAD_ERRORS) */
  serverless = true,
): Promise<void> {
  if (errors.length === 0) return;
  await db.autocommit(async (session) => {
    const tbl = (await session.query('SELECT to_regclass($1)::oid::int', [table]).catch(() => ({ rows: [[null]] }))).rows[0]![0] ?? null;
    for (const error of errors) {
      await session.query(
        `INSERT INTO local_aws.load_errors (userid, slice, tbl, starttime, session, query, filename, line_number, colname, raw_line, raw_field_value, err_code, err_reason, statement_id, sqlstate, username, serverless)
         VALUES (100, 0, $1, localtimestamp, 0, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
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
          user ?? null,
          String(serverless),
        ],
      );
    }
  });
}
