import { query } from './statementRunner';
import type { RunOptions, Warehouse } from './statementRunner';

/** A column of a warehouse table as `information_schema.columns` describes it. */
export interface TableColumn {
  name: string;
  /** e.g. `character varying`, `integer`. */
  type: string;
  /** For character types, the length in bytes; null otherwise. */
  length: number | null;
}

/** The columns a table has now, in table order (none when it does not exist). */
export async function tableColumns(warehouse: Warehouse, schema: string, table: string, options: RunOptions = {}): Promise<TableColumn[]> {
  const rows = await query(
    warehouse,
    `SELECT column_name, data_type, character_maximum_length FROM information_schema.columns
     WHERE table_schema = :schema AND table_name = :table ORDER BY ordinal_position`,
    { schema, table },
    options,
  );
  return rows.map(([name, type, length]) => ({ name: String(name), type: String(type), length: length === null ? null : Number(length) }));
}
