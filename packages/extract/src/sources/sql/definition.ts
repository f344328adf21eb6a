/** A table of a Postgres or MySQL/MariaDB database, read by its cursor column. */
export interface SqlSource {
  kind: 'sql';
  /** Default: from the connection URL's scheme (`postgres://`/`postgresql://`, `mysql://`/`mariadb://`). */
  engine?: 'postgres' | 'mysql';
  /** Env var holding the connection URL: deployed, a Secrets Manager secret ARN under `etl/<stage>/`. */
  connectionEnv: string;
  table: string;
  /**
   * Fan a run out into several extract tasks, run in parallel: the planner splits the cursor
   * range from the watermark on into slices of about `rowsPerTask` rows (at most `maxTasks`,
   * default 16). Without it, a run is one task.
   */
  fanOut?: { rowsPerTask: number; maxTasks?: number };
}

declare module '@etl/pipeline-kit' {
  interface SourceKinds {
    sql: SqlSource;
  }
}
