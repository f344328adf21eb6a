/** A result column: name and Postgres type OID. */
export interface Field {
  name: string;
  typeId: number;
  /** the OID of the table the column was read from, 0 for an expression (RowDescription) */
  tableId?: number;
  /** its column number in that table, 0 for an expression */
  columnId?: number;
  /** the type modifier: VARCHAR(20), NUMERIC(12,2); -1 for none */
  typeModifier?: number;
}

/** A query's result with every value as Postgres's text form (or null), in column order. */
export interface QueryResult {
  fields: Field[];
  rows: (string | null)[][];
  /** Rows returned or affected (command tag). */
  rowCount: number;
  command: string;
}

/** One connection, in or out of a transaction. */
export interface Session {
  query(sql: string, params?: readonly (string | null)[]): Promise<QueryResult>;
  /** Runs `COPY <table> [(cols)] FROM STDIN WITH (...)` with `data` as its input; returns rows loaded. */
  copyFrom(copySql: string, data: Buffer): Promise<number>;
  /** The Postgres backend pid, to cancel what this session runs. */
  readonly pid: number;
}

/** The SQL engine behind the local Redshift: embedded PGlite, or a real Postgres. */
export interface Database {
  readonly kind: 'pglite' | 'postgres';
  /** How the database's transactions are isolated (ALTER DATABASE … ISOLATION LEVEL); snapshot by default. */
  isolation: Isolation;
  /** How many statements may run at once. */
  readonly concurrency: number;
  /**
   * Runs `work` in one transaction: committed if it resolves, rolled back if it throws. With
   * `user`, the session is that database user's (its privileges, its ownership); without, the
   * engine's superuser's.
   */
  transaction<T>(work: (session: Session) => Promise<T>, user?: string): Promise<T>;
  /** Runs `work` on a connection in autocommit mode (for VACUUM, which refuses a transaction), as `user` if given. */
  autocommit<T>(work: (session: Session) => Promise<T>, user?: string): Promise<T>;
  /** Cancels what the session with this pid is running, if the engine can. */
  cancel(pid: number): Promise<boolean>;
  typeName(typeId: number): string;
  close(): Promise<void>;
}

/** Redshift's two isolation levels ("Isolation levels in Amazon Redshift"). */
export type Isolation = 'snapshot' | 'serializable';

/**
 * How a Data API transaction begins. Snapshot isolation, Redshift's default for new workgroups
 * and clusters, is what Postgres calls REPEATABLE READ: each transaction reads the snapshot taken
 * at its first statement, not what others commit meanwhile, and a write to a row another
 * transaction changed since fails. SERIALIZABLE also fails a transaction whose reads another's
 * writes invalidated (Redshift's "1023 Serializable isolation violation").
 */
export function beginTransaction(isolation: Isolation): string {
  return isolation === 'serializable' ? 'BEGIN ISOLATION LEVEL SERIALIZABLE' : 'BEGIN ISOLATION LEVEL REPEATABLE READ';
}

/** A name as a quoted SQL identifier (`IAMR:etl-load` needs the quotes). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Makes the session the database user's until it ends: Postgres then checks that user's
 * privileges, and what it creates is that user's. `SET ROLE`, not `SET SESSION AUTHORIZATION`:
 * PGlite's `DISCARD ALL` (which ends every Data API call) undoes only the former. The user's
 * own SQL may not change it back ({@link changesIdentity}).
 */
export async function actAs(session: Session, user: string | undefined): Promise<void> {
  if (user !== undefined) await session.query(`SET ROLE ${quoteIdentifier(user)}`);
}

/**
 * Whether SQL would change who the session is (`SET ROLE`, `SET SESSION AUTHORIZATION`, their
 * `RESET`s, `RESET ALL`, `set_config('role', …)`): refused to a database user, as Redshift
 * refuses them to anyone but a superuser.
 */
export function changesIdentity(sql: string): boolean {
  return (
    /^\s*(SET|RESET)\s+(LOCAL\s+|SESSION\s+)?(ROLE|SESSION\s+AUTHORIZATION|ALL)\b/i.test(sql) ||
    /\bset_config\s*\(\s*'(role|session_authorization)'/i.test(sql)
  );
}

/** The parts of a Postgres error the Data API reports. */
export interface PostgresErrorFields {
  message: string;
  code?: string;
  detail?: string;
  hint?: string;
  position?: string;
  where?: string;
}

export function postgresError(error: unknown): PostgresErrorFields {
  if (typeof error === 'object' && error !== null && 'message' in error) return error as PostgresErrorFields;
  return { message: String(error) };
}

/** Type names by OID, read from pg_type once. */
export async function loadTypeNames(query: (sql: string) => Promise<QueryResult>): Promise<Map<number, string>> {
  const result = await query('SELECT oid::int::text, typname FROM pg_type');
  return new Map(result.rows.map(([oid, name]) => [Number(oid), name!]));
}
