import { qualifiedTable } from '@etl/pipeline-kit';
import type { Pipeline } from '@etl/pipeline-kit';
import { execute, query } from '@etl/warehouse';
import type { RunOptions, Warehouse } from '@etl/warehouse';

/** A table maintenance looked at: maintained (with its time), or skipped and why. */
export interface MaintainedTable {
  table: string;
  seconds: number;
  /** why VACUUM/ANALYZE did not run (the table does not exist yet) */
  skipped?: string;
  /**
   * Redshift's VACUUM by a user who neither owns the table nor holds the VACUUM permission
   * "completes successfully but has no effect": said here, not left to look like work done.
   */
  warning?: string;
}

/** The tables maintenance covers: each pipeline's target, then the load's own `etl_load_files`. */
function maintainedTables(pipelines: readonly Pipeline[]): { table: string; schema: string; name: string }[] {
  return [
    ...pipelines.map((p) => ({ table: qualifiedTable(p), schema: p.schema, name: p.table })),
    { table: 'etl_load_files', schema: 'public', name: 'etl_load_files' },
  ];
}

/**
 * Table maintenance, one table at a time (Redshift runs one VACUUM at a time per cluster):
 * `VACUUM` re-sorts rows and reclaims the space of rows MERGE replaced, `ANALYZE` refreshes the
 * planner's statistics, for each pipeline's target table and the pipeline's own `etl_load_files`.
 * A pipeline defined but never loaded on this stage has no table yet: it is skipped, not an
 * error that stops the tables after it. A table another user owns is maintained only if this
 * user holds VACUUM and ANALYZE (docs/warehouse-access.md): otherwise the result says so.
 */
export async function maintainTables(
  warehouse: Warehouse,
  pipelines: readonly Pipeline[],
  options: RunOptions = {},
): Promise<MaintainedTable[]> {
  const existing = await query(warehouse, 'SELECT schemaname, tablename, tableowner = current_user FROM pg_tables', {}, options);
  const owners = new Map(existing.map(([schema, name, owned]) => [`${String(schema)}.${String(name)}`, owned === true || owned === 't']));
  const done: MaintainedTable[] = [];
  for (const { table, schema, name } of maintainedTables(pipelines)) {
    const owned = owners.get(`${schema}.${name}`);
    if (owned === undefined) {
      done.push({ table, seconds: 0, skipped: 'no such table on this stage yet (no run has loaded it)' });
      continue;
    }
    const started = Date.now();
    await execute(warehouse, `VACUUM ${table}`, { ...options, name: 'etl-maintenance' });
    await execute(warehouse, `ANALYZE ${table}`, { ...options, name: 'etl-maintenance' });
    done.push({
      table,
      seconds: (Date.now() - started) / 1000,
      ...(owned
        ? {}
        : { warning: 'owned by another user: VACUUM and ANALYZE have effect only if this user holds the VACUUM and ANALYZE permissions' }),
    });
  }
  return done;
}
