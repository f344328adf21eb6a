import mysql from 'mysql2/promise';
import pg from 'pg';
import { engineOf, mysqlUri } from '@etl/extract';
import type { SampleLine } from '@etl/pipelines';

/** The shop database table `pnpm dev --source postgres|mariadb` fills (the `orders_db` pipeline's source). */
export const SAMPLE_TABLE = 'shop_orders';

const TEXT_COLUMNS = ['order_id', 'customer_id', 'order_ts', 'quantity', 'unit_price', 'currency', 'status', 'country', 'note'];
const ROWS_PER_INSERT = 500;

/**
 * From generation 1 on, the shop has added a column to its table: `channel`. The `orders_db`
 * pipeline (drift policy `add-columns`) follows it into the warehouse.
 */
const ADDED_IN_GENERATION_1 = 'channel';
const CHANNELS = ['web', 'app', 'store'];

function channelOf(orderId: unknown): string {
  const id = String(orderId ?? '');
  return CHANNELS[id.length === 0 ? 0 : id.charCodeAt(id.length - 1) % CHANNELS.length]!;
}

/**
 * `updated_at` as the database's timestamp text in UTC, or null when the line has none or an
 * impossible one — such a row has no place on the watermark's timeline; the extractor reads it on
 * every run and the transform quarantines it.
 */
function dbTimestamp(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * The generation's lines as table rows. Every column but `updated_at` is text, so dirty values
 * (a quantity of "three", an impossible order date, a bad currency) reach the pipeline as a
 * sloppy shop database would hand them over; lines that are not JSON objects, and fields the
 * table has no column for, cannot be in a table and are left out.
 */
function tableRows(lines: SampleLine[], textColumns: string[]): (string | null)[][] {
  return lines.flatMap(({ line }) => {
    if (typeof line !== 'object' || line === null) return [];
    const record = line as Record<string, unknown>;
    const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
    const value = (c: string) => (c === ADDED_IN_GENERATION_1 ? channelOf(record.order_id) : text(record[c]));
    return [[...textColumns.map(value), dbTimestamp(record.updated_at)]];
  });
}

/**
 * Writes a sample generation (every line so far: generations only add) as `shop_orders` in the
 * Postgres or MySQL/MariaDB at `url`, table made anew, values bound as parameters. Updated orders
 * are further rows with a later `updated_at`, as in a change table; the pipeline keeps the
 * newest, and reads only from its watermark on. From generation 1 on the table has one more
 * column, `channel`. Returns how many rows went in.
 */
export async function writeSampleTable(url: string, lines: SampleLine[], generation: number): Promise<number> {
  const textColumns = generation >= 1 ? [...TEXT_COLUMNS, ADDED_IN_GENERATION_1] : TEXT_COLUMNS;
  const columns = [...textColumns, 'updated_at'];
  const rows = tableRows(lines, textColumns);
  const engine = engineOf(url);
  if (engine === 'postgres') {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`DROP TABLE IF EXISTS ${SAMPLE_TABLE}`);
      await client.query(`CREATE TABLE ${SAMPLE_TABLE} (${textColumns.map((c) => `${c} TEXT`).join(', ')}, updated_at TIMESTAMP NULL)`);
      await client.query(`CREATE INDEX ${SAMPLE_TABLE}_cursor ON ${SAMPLE_TABLE} (updated_at, order_id)`);
      for (let at = 0; at < rows.length; at += ROWS_PER_INSERT) {
        const slice = rows.slice(at, at + ROWS_PER_INSERT);
        const tuples = slice.map((_, i) => `(${columns.map((__, j) => `$${i * columns.length + j + 1}`).join(', ')})`);
        await client.query(`INSERT INTO ${SAMPLE_TABLE} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, slice.flat());
      }
    } finally {
      await client.end();
    }
  } else {
    const connection = await mysql.createConnection({ uri: mysqlUri(url) });
    try {
      await connection.query(`DROP TABLE IF EXISTS ${SAMPLE_TABLE}`);
      await connection.query(
        `CREATE TABLE ${SAMPLE_TABLE} (${textColumns.map((c) => `${c} ${c === 'order_id' ? 'VARCHAR(64)' : 'TEXT'}`).join(', ')}, updated_at DATETIME(6) NULL, KEY (updated_at, order_id)) CHARACTER SET utf8mb4`,
      );
      for (let at = 0; at < rows.length; at += ROWS_PER_INSERT)
        await connection.query(`INSERT INTO ${SAMPLE_TABLE} (${columns.join(', ')}) VALUES ?`, [rows.slice(at, at + ROWS_PER_INSERT)]);
    } finally {
      await connection.end();
    }
  }
  return rows.length;
}
