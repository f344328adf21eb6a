/**
 * Benchmark 3: the product's load (manifest → COPY → MERGE, one Data API transaction) against
 * 1,000-row multi-row INSERTs of the same rows, on PGlite and on Postgres.
 *
 *   pnpm bench load [--rows 1000000] [--insert-rows 200000] [--engines pglite,postgres]
 *
 * Input: `--rows` clean orders (every row valid, every order distinct), transformed by the
 * product's transform into one staged gzip CSV in the local S3. Contender: `loadBatch` of that
 * staged file into an empty `public.orders`. Baselines, into an empty table of the same shape:
 * (a) INSERT … VALUES of 1,000 rows with named parameters through the same Redshift Data API
 * (ExecuteStatement, waiting for each), as a loader without COPY would; (b) the same INSERTs
 * straight on the database engine with no API in between — the lower bound of any INSERT loader.
 * The INSERTs run on the first `--insert-rows` rows (default 200,000): an append's rate does not
 * depend on how many rows came before, and through the API all 1M would take minutes an engine.
 * Goal: the product's rows/s ≥ 10 × the INSERT loader's, on both engines.
 */
import { parseArgs } from 'node:util';
import { ExecuteStatementCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import type { SqlParameter } from '@aws-sdk/client-redshift-data';
import { exampleRawFileReady } from '@etl/contracts';
import { lineBatches } from '@etl/files';
import { ensureTables, loadBatch } from '@etl/load';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '@etl/local-aws';
import { compileRowValidator, qualifiedTable, quoteIdentifier, SOURCE_COLUMN, stagedColumns } from '@etl/pipeline-kit';
import { orders } from '@etl/pipelines';
import { transformFile } from '@etl/transform';
import { execute, query, waitForStatement } from '@etl/warehouse';
import type { Warehouse } from '@etl/warehouse';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { ordersInput } from './inputs';
import type { OrdersInput } from './inputs';
import { postgresServerCpu, timedWithCpu as timed } from './processCpu';
import { benchStack } from './stack';
import type { BenchStack } from './stack';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    'insert-rows': { type: 'string', default: '200000' },
    engines: { type: 'string', default: 'pglite,postgres' },
  },
});
const ROWS = Number(values.rows);
/** The INSERT baselines run on this many of the rows (at ~2,000 rows/s through the API, all 1M would take 8 minutes an engine). */
const INSERT_PREFIX = Math.min(ROWS, Number(values['insert-rows']));
const INSERT_ROWS = 1_000;
const BASELINE_TABLE = 'orders_insert_baseline';
const columns = orders.columnNames;

/** The rows exactly as staged (validated, coerced, derived), in INSERT batches of 1,000. */
async function* insertBatches(input: OrdersInput): AsyncGenerator<(string | null)[][]> {
  const validate = compileRowValidator(orders);
  let batch: (string | null)[][] = [];
  let taken = 0;
  for await (const lines of lineBatches(createReadStream(input.file).pipe(createGunzip()))) {
    for (const { bytes } of lines) {
      if (taken++ === INSERT_PREFIX) {
        if (batch.length > 0) yield batch;
        return;
      }
      const result = validate(JSON.parse(bytes.toString('utf8')));
      if (!result.ok) throw new Error(`clean input has a bad row: ${JSON.stringify(result.rejections)}`);
      batch.push(result.values);
      if (batch.length === INSERT_ROWS) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}

/** `INSERT … VALUES (…), (…)` with a placeholder per non-null value (NULL is a keyword, not a value). */
function insertSql(rows: (string | null)[][], placeholder: (n: number) => string): { sql: string; params: string[] } {
  const params: string[] = [];
  const tuples = rows.map((row) => `(${row.map((v) => (v === null ? 'NULL' : (params.push(v), placeholder(params.length)))).join(', ')})`);
  const table = `${quoteIdentifier(orders.schema)}.${quoteIdentifier(BASELINE_TABLE)}`;
  return { sql: `INSERT INTO ${table} (${columns.map(quoteIdentifier).join(', ')}) VALUES ${tuples.join(', ')}`, params };
}

async function count(warehouse: Warehouse, table: string): Promise<number> {
  const [[rows]] = (await query(warehouse, `SELECT COUNT(*) FROM ${table}`)) as [[string]];
  return Number(rows);
}

async function benchEngine(engine: 'pglite' | 'postgres', input: OrdersInput) {
  const bench: BenchStack = await benchStack(engine);
  const client = new RedshiftDataClient({
    endpoint: bench.stack.endpoints.redshiftData,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const warehouse: Warehouse = {
    client,
    target: { WorkgroupName: 'etl-bench', Database: 'analytics' },
    copyRoleArn: 'arn:aws:iam::000000000000:role/bench',
  };
  try {
    const runId = '20261127T000000Z-loadbench';
    const file = await bench.putRaw(input, `raw/orders/${runId}/part-0.jsonl.gz`);
    const staged = await transformFile(
      bench.s3,
      orders,
      exampleRawFileReady({ runId, run: { parts: 1, cursorHigh: null }, part: 0, file }),
    );
    if (staged.staged.rows !== ROWS) throw new Error(`staged ${staged.staged.rows} rows, expected ${ROWS}`);
    await ensureTables(warehouse, orders);
    const target = qualifiedTable(orders);
    const baselineTable = `${quoteIdentifier(orders.schema)}.${quoteIdentifier(BASELINE_TABLE)}`;
    await execute(warehouse, `CREATE TABLE ${baselineTable} (LIKE ${target})`);

    const serverCpu = engine === 'postgres' ? postgresServerCpu : undefined;
    const copy = await timed(() => loadBatch(bench.s3, warehouse, orders, [staged]), serverCpu);
    const copied = await count(warehouse, target);

    // the floor of any load: one COPY of the same staged file into an empty table of its columns, nothing else
    const rawTable = `${quoteIdentifier(orders.schema)}.${quoteIdentifier('orders_raw_copy')}`;
    await execute(warehouse, `CREATE TABLE ${rawTable} (LIKE ${target})`);
    await execute(warehouse, `ALTER TABLE ${rawTable} ADD COLUMN ${quoteIdentifier(SOURCE_COLUMN)} VARCHAR(1024)`);
    const rawCopy = await timed(
      () =>
        execute(
          warehouse,
          `COPY ${rawTable} (${stagedColumns(orders).map(quoteIdentifier).join(', ')}) FROM 's3://${staged.staged.bucket}/${staged.staged.key}' ` +
            `IAM_ROLE '${warehouse.copyRoleArn}' GZIP CSV NULL AS '\\N' TIMEFORMAT 'auto' COMPUPDATE OFF STATUPDATE OFF`,
        ),
      serverCpu,
    );
    if ((await count(warehouse, rawTable)) !== ROWS) throw new Error('the raw COPY did not load every row');

    const viaApi = await timed(async () => {
      for await (const rows of insertBatches(input)) {
        const { sql, params } = insertSql(rows, (n) => `:p${n}`);
        const Parameters: SqlParameter[] = params.map((value, i) => ({ name: `p${i + 1}`, value }));
        const { Id } = await client.send(new ExecuteStatementCommand({ ...warehouse.target, Sql: sql, Parameters }));
        await waitForStatement(warehouse, Id!);
      }
    });
    const insertedViaApi = await count(warehouse, baselineTable);
    await execute(warehouse, `TRUNCATE ${baselineTable}`);

    const direct = await timed(async () => {
      for await (const rows of insertBatches(input)) {
        const { sql, params } = insertSql(rows, (n) => `$${n}`);
        await bench.stack.warehouse.transaction((session) => session.query(sql, params));
      }
    });
    const insertedDirect = await count(warehouse, baselineTable);
    if (copied !== ROWS || insertedViaApi !== INSERT_PREFIX || insertedDirect !== INSERT_PREFIX)
      throw new Error(
        `row counts differ: COPY ${copied} (expected ${ROWS}), INSERT via API ${insertedViaApi}, INSERT direct ${insertedDirect} (expected ${INSERT_PREFIX})`,
      );
    const perSecond = (rows: number, ms: number) => (rows / ms) * 1000;
    return {
      engine,
      copyMs: copy.ms,
      rawCopyMs: rawCopy.ms,
      copyCpuS: copy.cpuSeconds,
      rawCopyCpuS: rawCopy.cpuSeconds,
      insertApiMs: viaApi.ms,
      insertDirectMs: direct.ms,
      copyRowsPerS: perSecond(ROWS, copy.ms),
      insertApiRowsPerS: perSecond(INSERT_PREFIX, viaApi.ms),
      insertDirectRowsPerS: perSecond(INSERT_PREFIX, direct.ms),
    };
  } finally {
    client.destroy();
    await bench.stop();
  }
}

(async () => {
  const input = await ordersInput(ROWS, { clean: true, log: console.log });
  const results = [];
  for (const engine of values.engines.split(',') as ('pglite' | 'postgres')[]) {
    console.log(`  ${engine}: staging ${ROWS.toLocaleString('en')} rows, then COPY → MERGE, INSERT via the Data API, INSERT direct…`);
    results.push(await benchEngine(engine, input));
  }
  const rate = (perS: number) => `${Math.round(perS).toLocaleString('en')} rows/s`.padStart(15);
  console.log(
    `load into an empty table, rows/s: COPY→MERGE of ${ROWS.toLocaleString('en')} staged rows; INSERTs of ${INSERT_PREFIX.toLocaleString('en')} of them (× = COPY→MERGE ÷ INSERT)`,
  );
  console.log(
    `  ${'engine'.padEnd(9)} ${'COPY→MERGE'.padStart(15)} ${'INSERT via API'.padStart(15)} ${'×'.padStart(6)} ${'INSERT direct'.padStart(15)} ${'×'.padStart(6)}`,
  );
  for (const r of results) {
    console.log(
      `  ${r.engine.padEnd(9)} ${rate(r.copyRowsPerS)} ${rate(r.insertApiRowsPerS)} ${(r.copyRowsPerS / r.insertApiRowsPerS).toFixed(1).padStart(6)} ${rate(r.insertDirectRowsPerS)} ${(r.copyRowsPerS / r.insertDirectRowsPerS).toFixed(1).padStart(6)}`,
    );
  }
  for (const r of results) {
    const ratio = r.copyMs / r.rawCopyMs;
    console.log(
      `  ${r.engine.padEnd(9)} the load ${(r.copyMs / 1000).toFixed(1)} s (${r.copyCpuS.toFixed(1)} CPU-s) = ${ratio.toFixed(2)} × one raw COPY of the same staged file (${(r.rawCopyMs / 1000).toFixed(1)} s, ${r.rawCopyCpuS.toFixed(1)} CPU-s)${r.engine === 'postgres' ? ` (goal ≤ 2: ${ratio <= 2 ? 'met' : 'not met'})` : ''}`,
    );
  }
  const met = results.every((r) => r.copyRowsPerS / r.insertApiRowsPerS >= 10);
  console.log(
    JSON.stringify({
      bench: 'load-copy-vs-insert',
      rows: ROWS,
      insertPrefix: INSERT_PREFIX,
      rowsPerInsert: INSERT_ROWS,
      results,
      goal: 10,
      met,
      copyRatioGoal: 2,
      copyRatioMet: results.filter((r) => r.engine === 'postgres').every((r) => r.copyMs / r.rawCopyMs <= 2),
    }),
  );
})().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
