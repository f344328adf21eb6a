import mysql from 'mysql2/promise';
import pg from 'pg';
import { definePipeline } from '@etl/pipeline';
import { CI_POSTGRES } from '@etl/local-aws/testing';
import { compileRowValidator } from '@etl/pipeline';
import { orders, sampleOrder } from '@etl/pipelines';
import type { SampleOrder } from '@etl/pipelines';
import { sqlRecords } from '../src';

jest.setTimeout(60_000);

const CI_MARIADB = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const ROWS = 3_000;
const table = `orders_src_${process.pid}`;

/** Orders in a source table; every tenth shares one updated_at, so pages break inside equal cursor values. */
function sourceRows(): SampleOrder[] {
  return Array.from({ length: ROWS }, (_, n) => {
    const order = sampleOrder(n);
    return n % 10 === 0 ? { ...order, updated_at: '2026-10-15T12:00:00Z' } : order;
  });
}

const columns = [
  'order_id',
  'customer_id',
  'order_ts',
  'quantity',
  'unit_price',
  'currency',
  'status',
  'country',
  'note',
  'updated_at',
] as const;
const asDbTimestamp = (iso: string) => iso.replace('T', ' ').replace('Z', '');

async function collect(iterable: AsyncIterable<Record<string, unknown>>): Promise<Record<string, unknown>[]> {
  const all: Record<string, unknown>[] = [];
  for await (const row of iterable) all.push(row);
  return all;
}

describe.each([
  {
    engine: 'postgres' as const,
    url: CI_POSTGRES.replace(/\/[^/]*$/, '/test'),
    async run(sql: string) {
      const client = new pg.Client({ connectionString: this.url });
      await client.connect();
      await client.query(sql);
      await client.end();
    },
    async setUp(rows: SampleOrder[]) {
      const client = new pg.Client({ connectionString: this.url });
      await client.connect();
      await client.query(
        `CREATE TABLE ${table} (order_id VARCHAR(32) PRIMARY KEY, customer_id VARCHAR(32), order_ts TIMESTAMP, quantity INT, unit_price NUMERIC(12,2), currency CHAR(3), status VARCHAR(16), country CHAR(2), note TEXT, updated_at TIMESTAMP)`,
      );
      for (let at = 0; at < rows.length; at += 500) {
        const slice = rows.slice(at, at + 500);
        const values = slice.flatMap((o) => columns.map((c) => (c === 'order_ts' || c === 'updated_at' ? asDbTimestamp(o[c]) : o[c])));
        await client.query(
          `INSERT INTO ${table} VALUES ${slice.map((_, i) => `(${columns.map((__, j) => `$${i * columns.length + j + 1}`).join(', ')})`).join(', ')}`,
          values,
        );
      }
      await client.end();
    },
    async tearDown() {
      const client = new pg.Client({ connectionString: this.url });
      await client.connect();
      await client.query(`DROP TABLE IF EXISTS ${table}`);
      await client.end();
    },
  },
  {
    engine: 'mysql' as const,
    url: CI_MARIADB,
    async run(sql: string) {
      const connection = await mysql.createConnection({ uri: this.url });
      await connection.query(sql);
      await connection.end();
    },
    async setUp(rows: SampleOrder[]) {
      const connection = await mysql.createConnection({ uri: this.url });
      await connection.query(
        `CREATE TABLE ${table} (order_id VARCHAR(32) PRIMARY KEY, customer_id VARCHAR(32), order_ts DATETIME, quantity INT, unit_price DECIMAL(12,2), currency CHAR(3), status VARCHAR(16), country CHAR(2), note TEXT, updated_at DATETIME, KEY (updated_at, order_id)) CHARACTER SET utf8mb4`,
      );
      for (let at = 0; at < rows.length; at += 500) {
        const slice = rows
          .slice(at, at + 500)
          .map((o) => columns.map((c) => (c === 'order_ts' || c === 'updated_at' ? asDbTimestamp(o[c]) : o[c])));
        await connection.query(`INSERT INTO ${table} VALUES ?`, [slice]);
      }
      await connection.end();
    },
    async tearDown() {
      const connection = await mysql.createConnection({ uri: this.url });
      await connection.query(`DROP TABLE IF EXISTS ${table}`);
      await connection.end();
    },
  },
])('sqlRecords from $engine', (database) => {
  const rows = sourceRows();
  const pipeline = definePipeline({
    ...orders,
    name: 'orders_sql',
    source: { kind: 'sql', engine: database.engine, connectionEnv: 'ORDERS_DB_URL', table },
  });
  beforeAll(() => database.setUp(rows));
  afterAll(() => database.tearDown());

  it('reads every row once, in cursor order, across pages that split equal cursor values, and the rows pass the pipeline', async () => {
    const read = await collect(
      sqlRecords(pipeline, pipeline.source as Extract<typeof pipeline.source, { kind: 'sql' }>, {
        connectionUrl: database.url,
        since: null,
        pageRows: 250,
      }),
    );
    expect(read).toHaveLength(ROWS);
    expect(new Set(read.map((r) => r.order_id)).size).toBe(ROWS);
    const cursors = read.map((r) => String(r.updated_at));
    expect(cursors).toEqual([...cursors].sort());
    const validate = compileRowValidator(pipeline);
    expect(read.filter((r) => !validate(r).ok)).toEqual([]);
  });

  it('reads from the watermark on, inclusive', async () => {
    const since = '2026-10-15 12:00:00';
    const read = await collect(
      sqlRecords(pipeline, pipeline.source as Extract<typeof pipeline.source, { kind: 'sql' }>, {
        connectionUrl: database.url,
        since,
        pageRows: 100,
      }),
    );
    expect(read).toHaveLength(rows.filter((o) => asDbTimestamp(o.updated_at) >= since).length);
  });

  it('under drift policy add-columns reads every column of the table, so a column added to it reaches the pipeline', async () => {
    await database.run(`ALTER TABLE ${table} ADD COLUMN channel VARCHAR(16)`);
    try {
      await database.run(`UPDATE ${table} SET channel = 'web' WHERE order_id = '${rows[5]!.order_id}'`);
      const adding = definePipeline({ ...pipeline, drift: 'add-columns' });
      const source = adding.source as Extract<typeof adding.source, { kind: 'sql' }>;
      const read = await collect(sqlRecords(adding, source, { connectionUrl: database.url, since: null, pageRows: 1_000 }));
      expect(read).toHaveLength(ROWS);
      const validate = compileRowValidator(adding);
      const withChannel = read.find((r) => r.order_id === rows[5]!.order_id)!;
      expect(validate(withChannel)).toMatchObject({ ok: true, added: { names: ['channel'], json: '{"channel":"web"}' } });
      expect(read.filter((r) => !validate(r).ok)).toEqual([]);
      // the other policies read the declared columns only: a new source column changes nothing for them
      const declared = await collect(sqlRecords(pipeline, source, { connectionUrl: database.url, since: null, pageRows: 1_000 }));
      expect(declared.every((r) => !('channel' in r))).toBe(true);
    } finally {
      await database.run(`ALTER TABLE ${table} DROP COLUMN channel`);
    }
  });

  it('reads rows without a cursor value on every run, full or incremental, so none is lost', async () => {
    await database.run(
      `INSERT INTO ${table} (order_id, customer_id, updated_at) VALUES ('zz-null-1', 'c1', NULL), ('zz-null-2', 'c2', NULL), ('zz-null-3', 'c3', NULL)`,
    );
    try {
      const source = pipeline.source as Extract<typeof pipeline.source, { kind: 'sql' }>;
      const full = await collect(sqlRecords(pipeline, source, { connectionUrl: database.url, since: null, pageRows: 2 }));
      expect(full).toHaveLength(ROWS + 3);
      expect(new Set(full.map((r) => r.order_id)).size).toBe(ROWS + 3);
      const since = '2026-10-15 12:00:00';
      const incremental = await collect(sqlRecords(pipeline, source, { connectionUrl: database.url, since, pageRows: 2 }));
      expect(incremental.filter((r) => r.updated_at === null).map((r) => r.order_id)).toEqual(['zz-null-1', 'zz-null-2', 'zz-null-3']);
      expect(incremental).toHaveLength(rows.filter((o) => asDbTimestamp(o.updated_at) >= since).length + 3);
      // and the pipeline says why they cannot be loaded
      const validate = compileRowValidator(pipeline);
      expect(validate(incremental[0])).toMatchObject({
        ok: false,
        rejections: expect.arrayContaining([expect.objectContaining({ field: 'updated_at', rule: 'required' })]),
      });
    } finally {
      await database.run(`DELETE FROM ${table} WHERE updated_at IS NULL`);
    }
  });
});
