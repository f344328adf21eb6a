import { queryTable } from '@etl/warehouse';
import type { Target } from './target';
import type { CommandOutput } from './output';
import { renderTable } from './output';

/** `etl query "<SQL>"`: one statement on the stage's warehouse; `--json` gives one JSON array of row arrays. */
export async function queryCommand(target: Target, sql: string): Promise<CommandOutput> {
  const result = await queryTable(target.warehouse, sql);
  if (result.columns.length === 0) return { json: [], text: `${result.rowsAffected} row(s) affected` };
  return {
    json: result.rows,
    // drawn only when printed as text: `--json` of a big result never pays for the table
    get text() {
      return `${renderTable(result.columns, result.rows)}\n(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`;
    },
  };
}
