/** A result column: name and Postgres type OID. */
export interface Field {
  name: string;
  typeId: number;
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
  /** How many statements may run at once. */
  readonly concurrency: number;
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (session: Session) => Promise<T>): Promise<T>;
  /** Runs `work` on a connection in autocommit mode (for VACUUM, which refuses a transaction). */
  autocommit<T>(work: (session: Session) => Promise<T>): Promise<T>;
  /** Cancels what the session with this pid is running, if the engine can. */
  cancel(pid: number): Promise<boolean>;
  typeName(typeId: number): string;
  close(): Promise<void>;
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
