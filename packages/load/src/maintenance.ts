import { qualifiedTable } from '@etl/pipeline-kit';
import type { Pipeline } from '@etl/pipeline-kit';
import { execute } from '@etl/warehouse';
import type { RunOptions, Warehouse } from '@etl/warehouse';

export interface MaintainedTable {
  table: string;
  seconds: number;
}

/**
 * Table maintenance, one table at a time (Redshift runs one VACUUM at a time per cluster):
 * `VACUUM` re-sorts rows and reclaims the space of rows MERGE replaced, `ANALYZE` refreshes the
 * planner's statistics, for each pipeline's target table and the pipeline's own `etl_load_files`.
 */
export async function maintainTables(
  warehouse: Warehouse,
  pipelines: readonly Pipeline[],
  options: RunOptions = {},
): Promise<MaintainedTable[]> {
  const tables = [...pipelines.map(qualifiedTable), 'etl_load_files'];
  const done: MaintainedTable[] = [];
  for (const table of tables) {
    const started = Date.now();
    await execute(warehouse, `VACUUM ${table}`, { ...options, name: 'etl-maintenance' });
    await execute(warehouse, `ANALYZE ${table}`, { ...options, name: 'etl-maintenance' });
    done.push({ table, seconds: (Date.now() - started) / 1000 });
  }
  return done;
}
