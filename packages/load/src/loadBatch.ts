import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { contracts, dataKeys, EtlError, serializeMessage } from '@etl/contracts';
import type { DescribeStatementCommandOutput } from '@aws-sdk/client-redshift-data';
import type { StagedFileReady } from '@etl/contracts';
import { csvField } from '@etl/files';
import { ADDED_COLUMN_BYTES, createTableSql, quoteIdentifier, redshiftType } from '@etl/pipeline-kit';
import type { Pipeline } from '@etl/pipeline-kit';
import { loadStatements } from './loadSql';
import type { AddedColumns } from './loadSql';
import { LEDGER_DDL, resultRows, runBatch, StatementFailed, tableColumns } from '@etl/warehouse';
import type { RunOptions, TableColumn, Warehouse } from '@etl/warehouse';

/** What loading one staged file did: rows in = inserted + updated + rejected + collapsed. */
export interface LoadedFile {
  stagedKey: string;
  runId: string;
  rowsIn: number;
  rowsRejected: number;
  collapsed: number;
  rowsInserted: number;
  rowsUpdated: number;
}

export interface LoadBatchResult {
  batchId: string;
  /** Files this batch loaded; files loaded before (redeliveries) are not listed. */
  loaded: LoadedFile[];
  /** Drift policy `add-columns`: columns this batch added to the target table. */
  addedColumns: string[];
  /** Writing the batch's load reports failed (the load itself committed): why. */
  reportError?: string;
}

/** A source field cannot fill the target's column of that name: the column is not one `add-columns` made. */
export class AddedColumnConflict extends EtlError {
  override readonly name = 'AddedColumnConflict';
  readonly code = 'ADDED_COLUMN_CONFLICT';
  readonly retry = 'permanent';
}

/**
 * Drift policy `add-columns`: which columns of the target are added ones (not in the definition,
 * VARCHAR(65535) as `add-columns` makes them), and which of the batch's fields need a new one.
 *
 * @throws {AddedColumnConflict} when a field's name is taken by a column `add-columns` did not make.
 */
function addedColumns(pipeline: Pipeline, existing: TableColumn[], files: StagedFileReady[]): AddedColumns {
  const declared = new Set(pipeline.columnNames);
  const isAdded = (c: TableColumn) => c.type === 'character varying' && c.length === ADDED_COLUMN_BYTES;
  const all = existing.filter((c) => !declared.has(c.name) && isAdded(c)).map((c) => c.name);
  const byName = new Map(existing.map((c) => [c.name, c]));
  const create: string[] = [];
  for (const field of [...new Set(files.flatMap((f) => f.addedFields ?? []))].sort()) {
    const column = byName.get(field);
    if (column === undefined) create.push(field);
    else if (declared.has(field) || !isAdded(column))
      throw new AddedColumnConflict(
        `field "${field}" of ${files.find((f) => f.addedFields?.includes(field))!.staged.key} would fill column "${field}" of ${pipeline.schema}.${pipeline.table}, ` +
          `which is ${column.type}${column.length ? `(${column.length})` : ''}, not a column add-columns made: declare it in pipeline "${pipeline.name}"`,
      );
  }
  return { all: [...all, ...create], create };
}

/** Pipelines whose tables are known to exist, per warehouse client (one container talks to one warehouse). */
const ensured = new WeakMap<object, Set<string>>();

/**
 * Creates the target table and the pipeline's own tables if missing, and adds columns the
 * definition has gained since (new columns are nullable). Once per container and pipeline.
 */
export async function ensureTables(warehouse: Warehouse, pipeline: Pipeline, options: RunOptions = {}): Promise<void> {
  const done = ensured.get(warehouse.client) ?? new Set<string>();
  ensured.set(warehouse.client, done);
  if (done.has(pipeline.name)) return;
  const create = () => runBatch(warehouse, [createTableSql(pipeline), ...LEDGER_DDL], { ...options, name: `etl-ensure-${pipeline.name}` });
  await create().catch(async (error: unknown) => {
    // two containers' first batches of a pipeline create its tables at once; the one that loses the
    // race on the catalogue fails, and once the other has committed, IF NOT EXISTS finds them made
    if (!(error instanceof StatementFailed)) throw error;
    await new Promise((resolve) => setTimeout(resolve, 250));
    await create();
  });
  const existing = new Set((await tableColumns(warehouse, pipeline.schema, pipeline.table, options)).map((c) => c.name));
  const columns = {
    ...Object.fromEntries(Object.entries(pipeline.target.columns).map(([name, c]) => [name, c.type])),
    ...Object.fromEntries(Object.entries(pipeline.target.derived ?? {}).map(([name, c]) => [name, c.type])),
  };
  const missing = Object.entries(columns).filter(([name]) => !existing.has(name));
  if (missing.length > 0) {
    const table = `${quoteIdentifier(pipeline.schema)}.${quoteIdentifier(pipeline.table)}`;
    // Redshift allows one column per ALTER TABLE ADD COLUMN
    await runBatch(
      warehouse,
      missing.map(([name, type]) => `ALTER TABLE ${table} ADD COLUMN ${quoteIdentifier(name)} ${redshiftType(type)}`),
      options,
    );
  }
  done.add(pipeline.name);
}

/** The file list of a batch, as `etl_batch_files` reads it (see BATCH_FILE_COLUMNS). */
function batchFilesCsv(files: StagedFileReady[]): string {
  return files
    .map((m) =>
      [
        m.pipeline,
        m.staged.key,
        m.runId,
        String(m.part),
        String(m.run.parts),
        m.run.cursorHigh,
        String(m.accounting.rowsIn),
        String(m.accounting.rowsRejected),
        String(m.accounting.duplicatesCollapsed),
        String(m.accounting.rowsStaged),
        JSON.stringify(m.rejectsByRule),
        String(m.source.bytes),
        String(m.staged.bytes),
        m.extractedAt,
        m.transformedAt,
      ]
        .map(csvField)
        .join(','),
    )
    .join('\n')
    .concat('\n');
}

/**
 * Loads staged files of one pipeline in one transaction through the Data API: writes the COPY
 * manifest and the file list next to the data, then COPY → MERGE (or append/replace) →
 * accounting → watermark, all or nothing. Idempotent: files loaded before load nothing again,
 * so a redelivered message or a retried batch changes no row.
 *
 * @throws {StatementFailed} with the warehouse's error; the messages should be retried.
 */
export async function loadBatch(
  s3: S3Client,
  warehouse: Warehouse,
  pipeline: Pipeline,
  messages: StagedFileReady[],
  options: RunOptions = {},
): Promise<LoadBatchResult> {
  const files = [...new Map(messages.map((m) => [m.staged.key, m])).values()].sort((a, b) => a.staged.key.localeCompare(b.staged.key));
  const wrong = files.find((m) => m.pipeline !== pipeline.name);
  if (wrong) throw new Error(`loadBatch(${pipeline.name}) got a file of pipeline ${wrong.pipeline}: ${wrong.staged.key}`);
  const bucket = files[0]!.staged.bucket;
  const batchId = createHash('sha256')
    .update(files.map((f) => f.staged.key).join('\n'))
    .digest('hex')
    .slice(0, 32);
  const manifestKey = dataKeys.copyManifest(pipeline.name, batchId);
  const filesKey = dataKeys.batchFiles(pipeline.name, batchId);
  const manifest = {
    entries: files.map((f) => ({
      url: `s3://${f.staged.bucket}/${f.staged.key}`,
      mandatory: true,
      meta: { content_length: f.staged.bytes },
    })),
  };
  await Promise.all([
    s3.send(new PutObjectCommand({ Bucket: bucket, Key: manifestKey, Body: JSON.stringify(manifest), ContentType: 'application/json' })),
    s3.send(new PutObjectCommand({ Bucket: bucket, Key: filesKey, Body: batchFilesCsv(files), ContentType: 'text/csv' })),
  ]);

  await ensureTables(warehouse, pipeline, options);
  // the target's columns change under add-columns (other loads add them too): read them every batch
  const added =
    pipeline.drift === 'add-columns'
      ? addedColumns(pipeline, await tableColumns(warehouse, pipeline.schema, pipeline.table, options), files)
      : undefined;
  const statements = loadStatements(
    pipeline,
    { manifestUrl: `s3://${bucket}/${manifestKey}`, filesUrl: `s3://${bucket}/${filesKey}`, copyRoleArn: warehouse.copyRoleArn },
    added,
  );
  const run = () => runBatch(warehouse, statements, { ...options, name: `etl-load-${pipeline.name}-${batchId.slice(0, 8)}` });
  const finished = await run().catch(async (error: unknown) => {
    if (!(error instanceof StatementFailed && /relation "[^"]+" does not exist/.test(error.detail))) throw error;
    // the tables this container made are gone (a warehouse restored or reset under it): make them again, then retry once
    ensured.get(warehouse.client)?.delete(pipeline.name);
    await ensureTables(warehouse, pipeline, options);
    return run();
  });
  const report = statements.findIndex((sql) => sql.trimStart().startsWith('SELECT l.staged_key'));
  const rows = await resultRows(warehouse, `${finished.Id}:${report + 1}`, options);
  const loaded = rows.map(([stagedKey, runId, rowsIn, rowsRejected, collapsed, rowsInserted, rowsUpdated]) => ({
    stagedKey: String(stagedKey),
    runId: String(runId),
    rowsIn: Number(rowsIn),
    rowsRejected: Number(rowsRejected),
    collapsed: Number(collapsed),
    rowsInserted: Number(rowsInserted),
    rowsUpdated: Number(rowsUpdated),
  }));
  // the data has committed: a report that cannot be written is told, not a reason to retry the batch
  const reportError = await writeLoadReports(s3, bucket, pipeline.name, batchId, files.length, finished, loaded).then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  return { batchId, addedColumns: [...(added?.create ?? [])], loaded, ...(reportError ? { reportError } : {}) };
}

/** Per run the batch loaded files of: its load report (statements, timings, its files), for `etl show` and the dashboard. */
async function writeLoadReports(
  s3: S3Client,
  bucket: string,
  pipeline: string,
  batchId: string,
  batchFiles: number,
  finished: DescribeStatementCommandOutput & { Id: string },
  loaded: LoadedFile[],
): Promise<void> {
  const statements = (finished.SubStatements ?? []).map((sub) => ({
    sql: sub.QueryString ?? '',
    seconds: (sub.Duration ?? 0) / 1e9,
    rows: sub.ResultRows ?? -1,
  }));
  const finishedAt = (finished.UpdatedAt ?? new Date()).toISOString();
  const byRun = Map.groupBy(loaded, (file) => file.runId);
  await Promise.all(
    [...byRun].map(([runId, files]) =>
      s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: dataKeys.loadReport(pipeline, runId, batchId),
          ContentType: 'application/json',
          Body: serializeMessage(contracts.loadReport, {
            pipeline,
            runId,
            batchId,
            statementId: finished.Id,
            finishedAt,
            files: files.map((f) => f.stagedKey),
            batchFiles,
            statements,
          }),
        }),
      ),
    ),
  );
}
