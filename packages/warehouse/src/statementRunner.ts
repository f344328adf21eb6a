import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
} from '@aws-sdk/client-redshift-data';
import type { DescribeStatementCommandOutput, Field, RedshiftDataClient, SqlParameter } from '@aws-sdk/client-redshift-data';
import { EtlError } from '@etl/contracts';
import type { RetryClass } from '@etl/contracts';
import type { Retry } from '@etl/middleware';
import { withRetry } from '@etl/middleware';

/** Where statements run: the Data API client and the workgroup (or cluster) and database. */
export interface Warehouse {
  client: RedshiftDataClient;
  target: { WorkgroupName?: string; ClusterIdentifier?: string; Database: string; SecretArn?: string };
  /** Role Redshift assumes to read staged files in COPY. */
  copyRoleArn: string;
}

/** A statement (or a batch) that did not finish: FAILED or ABORTED, with the warehouse's error text. */
export class StatementFailed extends EtlError {
  override readonly name = 'StatementFailed';
  readonly code: string;
  readonly retry: RetryClass;

  constructor(
    readonly statementId: string,
    readonly status: string,
    readonly detail: string,
  ) {
    super(`statement ${statementId} ${status}: ${detail}`);
    ({ code: this.code, retry: this.retry } = statementFailure(status, detail));
  }
}

/**
 * What a failed statement's error text says about retrying. A conflict with a concurrent
 * transaction (Redshift's 1023 serializable isolation violation, a deadlock, a lock timeout), a
 * dropped connection or an aborted statement may pass; anything else the warehouse refused
 * (content a COPY rejects, a missing grant, SQL it does not take) fails the same way again.
 */
export function statementFailure(status: string, detail: string): { code: string; retry: RetryClass } {
  if (/Serializable isolation violation|could not serialize access|deadlock detected|lock timeout|could not obtain lock/i.test(detail))
    return { code: 'WAREHOUSE_CONFLICT', retry: 'transient' };
  if (status === 'ABORTED' || /connection|terminating|Disk Full|out of memory/i.test(detail))
    return { code: 'WAREHOUSE_INTERRUPTED', retry: 'transient' };
  if (/^ERROR: Load into table .* failed/m.test(detail)) return { code: 'WAREHOUSE_LOAD_REFUSED', retry: 'permanent' };
  if (/permission denied/i.test(detail)) return { code: 'WAREHOUSE_PERMISSION_DENIED', retry: 'permanent' };
  return { code: 'WAREHOUSE_STATEMENT_FAILED', retry: 'permanent' };
}

/** Waiting longer would run past the invocation's deadline; the statement goes on in the warehouse. */
export class StatementStillRunning extends EtlError {
  override readonly name = 'StatementStillRunning';
  readonly code = 'WAREHOUSE_STATEMENT_STILL_RUNNING';
  readonly retry = 'transient';
}

export interface RunOptions {
  retry?: Retry;
  /** Milliseconds left in the invocation; polling stops with time to spare. */
  remainingTimeMs?: () => number;
}

/**
 * Waits for a Data API statement, polling DescribeStatement with a backoff (50 ms growing to 500 ms).
 *
 * @throws {StatementFailed} when it failed or was aborted; {@link StatementStillRunning} when the deadline nears.
 */
export async function waitForStatement(
  warehouse: Warehouse,
  id: string,
  { retry = withRetry, remainingTimeMs }: RunOptions = {},
): Promise<DescribeStatementCommandOutput> {
  // capped at 500 ms: a statement that ends is seen within half a second (at 2 s, a 4 s load was seen at 5.6 s), at
  // two DescribeStatement calls a second per statement in flight
  for (let wait = 50; ; wait = Math.min(500, Math.round(wait * 1.5))) {
    const description = await retry(() => warehouse.client.send(new DescribeStatementCommand({ Id: id })));
    if (description.Status === 'FINISHED') return description;
    if (description.Status === 'FAILED' || description.Status === 'ABORTED') {
      const failedSub = description.SubStatements?.find((s) => s.Status === 'FAILED');
      throw new StatementFailed(
        id,
        description.Status,
        `${description.Error ?? failedSub?.Error ?? 'no error text'}${failedSub ? `\n  in: ${failedSub.QueryString?.slice(0, 300)}` : ''}`,
      );
    }
    if (remainingTimeMs && remainingTimeMs() < wait + 3_000)
      throw new StatementStillRunning(`statement ${id} is still ${description.Status}; giving up before the invocation times out`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** Runs statements in one transaction and waits for them; returns the batch's id and its finished description (sub-statements with durations). */
export async function runBatch(
  warehouse: Warehouse,
  sqls: string[],
  options: RunOptions & { name?: string } = {},
): Promise<DescribeStatementCommandOutput & { Id: string }> {
  const retry = options.retry ?? withRetry;
  const { Id } = await retry(() =>
    warehouse.client.send(new BatchExecuteStatementCommand({ ...warehouse.target, Sqls: sqls, StatementName: options.name })),
  );
  return { ...(await waitForStatement(warehouse, Id!, options)), Id: Id! };
}

/** Runs one statement outside a transaction (VACUUM needs that), waits, and returns its id. */
export async function execute(warehouse: Warehouse, sql: string, options: RunOptions & { name?: string } = {}): Promise<string> {
  const retry = options.retry ?? withRetry;
  const { Id } = await retry(() =>
    warehouse.client.send(new ExecuteStatementCommand({ ...warehouse.target, Sql: sql, StatementName: options.name })),
  );
  await waitForStatement(warehouse, Id!, options);
  return Id!;
}

/** Runs one statement with named parameters (`:name`), waits, and returns its rows as plain values. */
export async function query(
  warehouse: Warehouse,
  sql: string,
  parameters: Record<string, string> = {},
  options: RunOptions = {},
): Promise<Value[][]> {
  return (await queryTable(warehouse, sql, parameters, options)).rows;
}

/** All rows of a finished statement (or sub-statement `<id>:<n>`), following NextToken. */
export async function resultRows(warehouse: Warehouse, id: string, options: RunOptions = {}): Promise<Value[][]> {
  return allRows((await resultPages(warehouse, id, options)).pages);
}

/** A value as the Data API returns it, made plain. */
export type Value = string | number | boolean | null;

/** Every row of a result's pages, in order. */
async function allRows(pages: AsyncIterable<Value[][]>): Promise<Value[][]> {
  const rows: Value[][] = [];
  // one by one: spreading a page of 100,000 rows into push() overflows the call stack
  for await (const page of pages) for (const row of page) rows.push(row);
  return rows;
}

/**
 * A finished statement's result page by page (GetStatementResult, following NextToken): its
 * column names, known from the first page, and the pages as they are fetched — each fetched
 * only when the one before has been taken, so a result of any size streams in bounded memory.
 */
async function resultPages(
  warehouse: Warehouse,
  id: string,
  { retry = withRetry }: RunOptions = {},
): Promise<{ columns: string[]; pages: AsyncGenerator<Value[][]> }> {
  const fetch = (NextToken?: string) => retry(() => warehouse.client.send(new GetStatementResultCommand({ Id: id, NextToken })));
  const first = await fetch();
  const columns = (first.ColumnMetadata ?? []).map((column, i) => column.label ?? column.name ?? `column${i + 1}`);
  async function* pages(): AsyncGenerator<Value[][]> {
    let page = first;
    for (;;) {
      yield (page.Records ?? []).map((record) => record.map(plainValue));
      if (!page.NextToken) return;
      page = await fetch(page.NextToken);
    }
  }
  return { columns, pages: pages() };
}

/** A statement's result as a stream: see {@link streamQuery}. */
export interface ResultStream {
  /** Column names; none for a statement without a result set. */
  columns: string[];
  /** Rows of the result set (the Data API's ResultRows), or rows the statement affected. */
  rowCount: number;
  hasResultSet: boolean;
  /** The rows, a page at a time (empty without a result set). */
  pages: AsyncGenerator<Value[][]>;
}

/** Runs one statement with named parameters and streams its result, page by page (for results of any size). */
export async function streamQuery(
  warehouse: Warehouse,
  sql: string,
  parameters: Record<string, string> = {},
  options: RunOptions = {},
): Promise<ResultStream> {
  const id = await startStatement(warehouse, sql, parameters, options);
  const description = await waitForStatement(warehouse, id, options);
  const rowCount = Number(description.ResultRows ?? 0);
  if (!description.HasResultSet) return { columns: [], rowCount, hasResultSet: false, pages: (async function* () {})() };
  return { ...(await resultPages(warehouse, id, options)), rowCount, hasResultSet: true };
}

async function startStatement(warehouse: Warehouse, sql: string, parameters: Record<string, string>, options: RunOptions): Promise<string> {
  const retry = options.retry ?? withRetry;
  const Parameters: SqlParameter[] = Object.entries(parameters).map(([name, value]) => ({ name, value }));
  const { Id } = await retry(() =>
    warehouse.client.send(
      new ExecuteStatementCommand({ ...warehouse.target, Sql: sql, Parameters: Parameters.length ? Parameters : undefined }),
    ),
  );
  return Id!;
}

/**
 * Runs one statement with named parameters and returns its result as a table — column names and
 * rows, none for a statement without a result set — and the rows it affected.
 */
export async function queryTable(
  warehouse: Warehouse,
  sql: string,
  parameters: Record<string, string> = {},
  options: RunOptions = {},
): Promise<{ columns: string[]; rows: Value[][]; rowsAffected: number }> {
  const result = await streamQuery(warehouse, sql, parameters, options);
  const rows = await allRows(result.pages);
  return { columns: result.columns, rows, rowsAffected: result.rowCount || rows.length };
}

function plainValue(field: Field): string | number | boolean | null {
  if (field.isNull) return null;
  return field.stringValue ?? field.longValue ?? field.doubleValue ?? field.booleanValue ?? null;
}
