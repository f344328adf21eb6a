import { isMissingTable } from './missingTable';
import { query } from './statementRunner';
import type { RunOptions, Warehouse } from './statementRunner';

/** The committed watermark of a pipeline (the cursor value extraction continues from), or null before its first complete run. */
export async function committedWatermark(warehouse: Warehouse, pipeline: string, options: RunOptions = {}): Promise<string | null> {
  try {
    const rows = await query(warehouse, 'SELECT cursor_value FROM etl_watermarks WHERE pipeline = :pipeline', { pipeline }, options);
    return rows[0]?.[0] === undefined || rows[0][0] === null ? null : String(rows[0][0]);
  } catch (error) {
    // before the first load the table does not exist: no watermark yet
    if (isMissingTable(error, 'etl_watermarks')) return null;
    throw error;
  }
}
