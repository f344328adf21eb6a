import { streamQuery } from '@etl/warehouse';
import type { Value } from '@etl/warehouse';
import type { Target } from './target';
import { renderTable } from './output';

/** How `etl query` prints a result. */
export type QueryFormat = 'table' | 'json' | 'jsonl' | 'csv';

/** Writes text, resolving once the output can take more (stdout's backpressure). */
export type Write = (text: string) => Promise<void>;

/** The rows a table shows at most: a table is for reading, the other formats for everything. */
export const TABLE_ROWS = 1_000;

/**
 * `etl query "<SQL>"`: one statement on the stage's warehouse, its result streamed page by page
 * as it comes from the Data API — `json` one JSON array of row arrays, `jsonl` one row array per
 * line, `csv` a header line then RFC 4180 rows (NULL an empty field, "" a quoted empty string) —
 * so a result of any size prints in bounded memory. `table` shows the first {@link TABLE_ROWS}.
 */
export async function queryCommand(target: Target, sql: string, format: QueryFormat, write: Write): Promise<void> {
  const result = await streamQuery(target.warehouse, sql);
  if (!result.hasResultSet) {
    await write(format === 'table' ? `${result.rowCount} row(s) affected\n` : format === 'json' ? '[]\n' : '');
    return;
  }
  if (format === 'table') {
    const shown: Value[][] = [];
    for await (const page of result.pages) {
      for (const row of page) if (shown.length < TABLE_ROWS) shown.push(row);
      if (shown.length >= TABLE_ROWS) break; // the rest is not fetched
    }
    const total = Math.max(result.rowCount, shown.length);
    const more = total > shown.length ? `; the first ${shown.length} shown — --csv, --jsonl or --json print them all` : '';
    await write(`${renderTable(result.columns, shown)}\n(${total} row${total === 1 ? '' : 's'}${more})\n`);
    return;
  }
  if (format === 'csv') await write(`${result.columns.map(csvCell).join(',')}\n`);
  let first = true;
  if (format === 'json') await write('[');
  for await (const page of result.pages) {
    let text = '';
    for (const row of page) {
      if (format === 'csv') text += `${row.map(csvCell).join(',')}\n`;
      else if (format === 'jsonl') text += `${JSON.stringify(row)}\n`;
      else {
        text += first ? JSON.stringify(row) : `,${JSON.stringify(row)}`;
        first = false;
      }
    }
    await write(text);
  }
  if (format === 'json') await write(']\n');
}

/** A CSV field: NULL as nothing, "" quoted (so the two differ), quotes doubled where needed. */
function csvCell(value: Value): string {
  if (value === null) return '';
  const text = String(value);
  return text === '' || /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Writes to a stream, waiting for 'drain' when its buffer is full. */
export function streamWriter(stream: NodeJS.WritableStream): Write {
  return (text) =>
    new Promise((resolve, reject) => {
      if (text === '') return resolve();
      if (stream.write(text, (error) => error && reject(error))) resolve();
      else stream.once('drain', () => resolve());
    });
}
