import { definePipeline, multiplyDecimalText, types } from '@etl/pipeline-kit';
import type { PipelineDefinition } from '@etl/pipeline-kit';

/** The orders table and how rows reach it, whatever the source. */
const ORDERS_TARGET = {
  target: {
    columns: {
      order_id: { type: types.varchar(32), nullable: false, encode: 'zstd' },
      customer_id: { type: types.varchar(32), nullable: false, encode: 'zstd' },
      order_ts: { type: types.timestamp(), nullable: false, encode: 'az64' },
      quantity: { type: types.integer(), nullable: false, encode: 'az64', check: { min: 1, max: 10_000 } },
      unit_price: { type: types.decimal(12, 2), nullable: false, encode: 'az64', check: { min: 0 } },
      currency: { type: types.char(3), nullable: false, encode: 'bytedict', check: 'iso4217' },
      status: {
        type: types.varchar(16),
        nullable: false,
        encode: 'bytedict',
        check: { oneOf: ['pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'] },
      },
      country: { type: types.char(2), nullable: false, encode: 'bytedict', check: 'iso3166-alpha2' },
      note: { type: types.varchar(256), encode: 'zstd' },
      updated_at: { type: types.timestamp(), nullable: false, encode: 'az64' },
    },
    derived: {
      total: {
        type: types.decimal(18, 2), // 10,000 × 9,999,999,999.99 fits
        encode: 'az64',
        compute: (row) => multiplyDecimalText(row.quantity!, row.unit_price!),
      },
    },
    primaryKey: ['order_id'],
    distKey: 'order_id',
    sortKey: ['updated_at'],
  },
  write: 'merge',
  newestWins: 'updated_at',
  incremental: { cursor: 'updated_at', lookback: 7_200 }, // rows up to 2 h late are still read; the merge keeps them exact
  drift: 'quarantine',
} satisfies Omit<PipelineDefinition, 'name' | 'source'>;

/**
 * Orders from the shop's HTTP API, merged into `public.orders` on `order_id`: the version
 * with the newest `updated_at` wins. `total` is derived exactly: quantity × unit_price.
 */
export const orders = definePipeline({
  name: 'orders',
  description: 'Shop orders, merged on order_id; newest updated_at wins.',
  source: {
    kind: 'http',
    urlEnv: 'ORDERS_API_URL',
    itemsField: 'items',
    pagination: { type: 'cursor', cursorParam: 'cursor', nextCursorField: 'next_cursor' },
    cursorParam: 'updated_since',
    concurrency: 4,
  },
  ...ORDERS_TARGET,
  schedule: 'rate(15 minutes)',
});

/**
 * The same orders read from the shop's database table `shop_orders` (Postgres or MySQL/MariaDB,
 * by the URL in ORDERS_DB_URL — a Secrets Manager ARN when deployed) into `public.orders_db`.
 * Drift policy `add-columns`: a column the shop adds to its table becomes a column of the target.
 * Fan-out: the planner splits a run into extract tasks of about 10,000 rows, run in parallel (a
 * small slice for the local sample; deployed, size a slice to a few minutes of one worker).
 * No schedule: `pnpm dev --source postgres|mariadb` plans its runs; deployed, the planner runs it
 * when invoked with `{"pipeline":"orders_db"}`.
 */
export const ordersDb = definePipeline({
  name: 'orders_db',
  description: 'Shop orders from the shop database, merged on order_id; newest updated_at wins.',
  source: { kind: 'sql', connectionEnv: 'ORDERS_DB_URL', table: 'shop_orders', fanOut: { rowsPerTask: 10_000, maxTasks: 8 } },
  ...ORDERS_TARGET,
  drift: 'add-columns',
});
