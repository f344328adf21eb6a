import type { Database } from './database';
import type { Statement } from './statements';

/**
 * The workgroup's monitoring views (Redshift Serverless's SYS_QUERY_HISTORY and SYS_LOAD_HISTORY)
 * over one table the runner writes after each Data API call, outside its transaction. A user sees
 * its own queries, a superuser all, as in Redshift.
 */
export const QUERY_HISTORY_SQL = `
CREATE TABLE IF NOT EXISTS local_aws.query_history (
  user_id int, query_id bigint, transaction_id bigint, session_id int, query_type varchar(32), status varchar(10),
  start_time timestamp, end_time timestamp, elapsed_time bigint, error_message varchar(512), returned_rows bigint,
  query_text varchar(4000), username name, serverless boolean, table_name varchar(127), data_source varchar(1024),
  file_format varchar(16), loaded_rows bigint, error_count bigint
);
CREATE OR REPLACE VIEW sys_query_history AS
  SELECT user_id, query_id, transaction_id, session_id, local_aws.database_name()::char(128) AS database_name, query_type::char(32) AS query_type,
         status::char(10) AS status, start_time, end_time, elapsed_time, error_message::char(512) AS error_message, returned_rows,
         query_text::char(4000) AS query_text, username
  FROM local_aws.query_history
  WHERE serverless AND (username IS NULL OR username = current_user OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user));
GRANT SELECT ON sys_query_history TO PUBLIC;
CREATE OR REPLACE VIEW sys_load_history AS
  SELECT user_id, query_id, transaction_id, session_id, local_aws.database_name()::text AS database_name,
         CASE status WHEN 'success' THEN 'completed' ELSE 'aborted' END AS status, table_name, start_time, end_time,
         elapsed_time AS duration, data_source, file_format, loaded_rows, error_count
  FROM local_aws.query_history
  WHERE query_type = 'COPY' AND serverless
    AND (username IS NULL OR username = current_user OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user));
GRANT SELECT ON sys_load_history TO PUBLIC;
`;

const QUERY_TYPES: Record<string, string> = {
  SELECT: 'SELECT',
  WITH: 'SELECT',
  INSERT: 'INSERT',
  UPDATE: 'UPDATE',
  DELETE: 'DELETE',
  MERGE: 'UPDATE',
  COPY: 'COPY',
  UNLOAD: 'UNLOAD',
  CREATE: 'DDL',
  ALTER: 'DDL',
  DROP: 'DDL',
  TRUNCATE: 'DDL',
  GRANT: 'UTILITY',
  REVOKE: 'UTILITY',
};

const STATUS = { FINISHED: 'success', FAILED: 'failed', ABORTED: 'canceled' } as const;

/** What a COPY read, for SYS_LOAD_HISTORY. */
export interface LoadFacts {
  table: string;
  source: string;
  format: string;
  errors: number;
}

/** Records a call's sub-statements that ran to an end, in one INSERT. */
export async function recordQueryHistory(db: Database, statement: Statement, loads: Map<number, LoadFacts>): Promise<void> {
  const done = statement.subs.filter((sub) => sub.status in STATUS);
  if (done.length === 0) return;
  const serverless = statement.target.clusterIdentifier === undefined;
  const rows: (string | null)[] = [];
  for (const sub of done) {
    const word = /^\s*(\w+)/.exec(sub.sql)?.[1]?.toUpperCase() ?? '';
    const load = loads.get(sub.queryId);
    rows.push(
      String(sub.queryId),
      QUERY_TYPES[word] ?? 'OTHER',
      STATUS[sub.status as keyof typeof STATUS],
      new Date(sub.createdAt).toISOString(),
      new Date(sub.updatedAt).toISOString(),
      String(Math.round(sub.durationNs / 1000)),
      sub.error?.slice(0, 512) ?? null,
      String(Math.max(0, sub.result?.rows.length ?? 0)),
      sub.sql.slice(0, 4000),
      statement.runAs ?? null,
      String(serverless),
      load?.table ?? null,
      load?.source ?? null,
      load?.format ?? null,
      load ? String(Math.max(0, sub.resultRows)) : null,
      load ? String(load.errors) : null,
    );
  }
  const width = 16;
  const values = done
    .map(
      (_, row) =>
        `(100, $${row * width + 1}, 0, 0, ${Array.from({ length: width - 1 }, (_unused, i) => `$${row * width + i + 2}`).join(', ')})`,
    )
    .join(', ');
  await db.autocommit((session) =>
    session.query(
      `INSERT INTO local_aws.query_history (user_id, query_id, transaction_id, session_id, query_type, status, start_time, end_time, elapsed_time,
         error_message, returned_rows, query_text, username, serverless, table_name, data_source, file_format, loaded_rows, error_count)
       VALUES ${values}`,
      rows,
    ),
  );
}
