import {
  ADDED_COLUMN_TYPE,
  ADDED_FIELDS_COLUMN,
  IDENTIFIER,
  qualifiedTable,
  quoteIdentifier,
  redshiftType,
  rowOrder,
  SOURCE_COLUMN,
  stagedColumns,
} from '@etl/pipeline-kit';
import type { Pipeline } from '@etl/pipeline-kit';
import { BATCH_FILE_COLUMNS } from './metadataTables';

/** Where a batch's inputs are, and the role Redshift reads them with. */
export interface BatchInputs {
  manifestUrl: string;
  filesUrl: string;
  copyRoleArn: string;
}

/**
 * Drift policy `add-columns`: the target's added columns (filled from each staged row's JSON
 * of added fields) and, of those, the ones this batch creates.
 */
export interface AddedColumns {
  all: readonly string[];
  create: readonly string[];
}

const S3_URL = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[A-Za-z0-9!_.*'()/-]+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/**
 * A string literal for the places Redshift takes no parameters: COPY's S3 URL and IAM role, and
 * the key JSON_EXTRACT_PATH_TEXT reads an added column from (no parameters inside a batch).
 * Each is checked against a strict pattern first, so nothing but a URL, an ARN or a plain
 * identifier can land in the SQL.
 */
function checkedLiteral(value: string, pattern: RegExp, what: string, where = 'COPY'): string {
  if (!pattern.test(value)) throw new Error(`refusing to put ${what} "${value}" into ${where}: it does not look like one`);
  return `'${value}'`;
}

/**
 * The statements of one load transaction (BatchExecuteStatement: all or nothing), for a batch
 * of staged files of one pipeline, after a LOCK of its target (loads of one pipeline in turn):
 *
 * 0. (drift policy `add-columns`) new fields become columns of the target;
 * 1. the batch's file list and staged rows are COPYed into temp tables (manifest, gzip CSV),
 *    added columns filled from each row's JSON of added fields;
 * 2. files already loaded (a redelivered message, a retried batch) leave the file list, and their
 *    rows are left out of the ranking;
 * 3. rows are ranked per primary key (by the pipeline's row order: newest `newestWins` first, then
 *    the greater content; without `newestWins` the later file) and each gets its outcome against the
 *    target: inserted, updated, or collapsed (a duplicate, or not beating what the table holds);
 * 4. every file's accounting goes to `etl_load_files`;
 * 5. the winning rows are merged (the others deleted from the ranked rows first), or appended,
 *    or replace the table;
 * 6. the watermark moves to the cursor high-water mark of runs now loaded completely.
 *
 * The last statement returns the accounting of the files this batch loaded.
 */
export function loadStatements(pipeline: Pipeline, inputs: BatchInputs, added: AddedColumns = { all: [], create: [] }): string[] {
  const target = qualifiedTable(pipeline);
  const manifest = checkedLiteral(inputs.manifestUrl, S3_URL, 'the manifest URL');
  const files = checkedLiteral(inputs.filesUrl, S3_URL, 'the file list URL');
  const role = checkedLiteral(inputs.copyRoleArn, ROLE_ARN, 'the COPY role ARN');
  const columns = [...pipeline.columnNames, ...added.all].map(quoteIdentifier);
  const addsColumns = pipeline.drift === 'add-columns';
  const addedFields = quoteIdentifier(ADDED_FIELDS_COLUMN);
  const source = quoteIdentifier(SOURCE_COLUMN);
  const copyColumns = stagedColumns(pipeline).map(quoteIdentifier).join(', '); // the transform wrote them in this order
  const keys = pipeline.target.primaryKey.map(quoteIdentifier);
  const keyMatch = (left: string, right: string) => keys.map((k) => `${left}.${k} = ${right}.${k}`).join(' AND ');
  // versions of a key: by the pipeline's row order (newest, then content — rowOrder.ts), the rule the transform dedupes by;
  // without newestWins, the later file wins
  const order = rowOrder(pipeline);
  const orderBy = [...(order ? [order.orderBySql('s')] : []), `s.${source} DESC`].join(', ');

  const outcome =
    pipeline.write === 'append'
      ? `'inserted'`
      : pipeline.write === 'replace'
        ? `CASE WHEN r._etl_rank = 1 THEN 'inserted' ELSE 'collapsed' END`
        : `CASE WHEN r._etl_rank > 1 THEN 'collapsed' WHEN t.${keys[0]} IS NULL THEN 'inserted' ${
            order ? `WHEN ${order.beatsSql('r', 't')} THEN 'updated' ELSE 'collapsed'` : `ELSE 'updated'`
          } END`;
  const join = pipeline.write === 'merge' ? `LEFT JOIN ${target} t ON ${keyMatch('r', 't')}` : '';
  const count = (what: string) => `SUM(CASE WHEN outcome = '${what}' THEN 1 ELSE 0 END)`;

  // Redshift's MERGE takes a table as its source, never a subquery, CTE or view: the rows go to temp tables first
  const write =
    pipeline.write === 'merge'
      ? [
          // MERGE has no condition of its own on a source row: the rows that lose leave the source first
          `DELETE FROM etl_rows WHERE outcome = 'collapsed'`,
          `MERGE INTO ${target} USING etl_rows s ON ${keyMatch(target, 's')}
           WHEN MATCHED THEN UPDATE SET ${columns
             .filter((c) => !keys.includes(c))
             .map((c) => `${c} = s.${c}`)
             .join(', ')}
           WHEN NOT MATCHED THEN INSERT (${columns.join(', ')}) VALUES (${columns.map((c) => `s.${c}`).join(', ')})`,
        ]
      : pipeline.write === 'replace'
        ? [
            `DELETE FROM ${target}`,
            `INSERT INTO ${target} (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM etl_rows WHERE outcome = 'inserted'`,
          ]
        : [`INSERT INTO ${target} (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM etl_rows`];

  return [
    // Loads of one pipeline take turns: under snapshot isolation (Redshift's default) two loads of the
    // same file — an SQS duplicate, a replay — would both find it not loaded yet and both commit it.
    // Locked before anything is read, each load's snapshot holds what the one before it committed.
    `LOCK ${target}`,
    // Redshift allows one column per ADD COLUMN, and ADD COLUMN inside a transaction
    ...added.create.map((name) => `ALTER TABLE ${target} ADD COLUMN ${quoteIdentifier(name)} ${redshiftType(ADDED_COLUMN_TYPE)}`),
    `CREATE TEMP TABLE etl_batch_files (${BATCH_FILE_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')})`,
    `COPY etl_batch_files FROM ${files} IAM_ROLE ${role} CSV NULL AS '\\N' TIMEFORMAT 'auto' COMPUPDATE OFF STATUPDATE OFF`,
    `DELETE FROM etl_batch_files USING etl_load_files l WHERE l.pipeline = etl_batch_files.pipeline AND l.staged_key = etl_batch_files.staged_key`,
    `CREATE TEMP TABLE etl_stage (LIKE ${target})`,
    ...(addsColumns ? [`ALTER TABLE etl_stage ADD COLUMN ${addedFields} ${redshiftType(ADDED_COLUMN_TYPE)}`] : []),
    `ALTER TABLE etl_stage ADD COLUMN ${source} VARCHAR(1024)`,
    `COPY etl_stage (${copyColumns}) FROM ${manifest} IAM_ROLE ${role} MANIFEST GZIP CSV NULL AS '\\N' TIMEFORMAT 'auto' COMPUPDATE OFF STATUPDATE OFF`,
    ...(added.all.length > 0
      ? [
          `UPDATE etl_stage SET ${added.all
            .map(
              (name) =>
                `${quoteIdentifier(name)} = JSON_EXTRACT_PATH_TEXT(${addedFields}, ${checkedLiteral(name, IDENTIFIER, 'the added field', 'JSON_EXTRACT_PATH_TEXT')})`,
            )
            .join(', ')} WHERE ${addedFields} IS NOT NULL`,
        ]
      : []),
    `CREATE TEMP TABLE etl_rows AS
       SELECT r.*, ${outcome} AS outcome FROM (
         SELECT s.*, ROW_NUMBER() OVER (PARTITION BY ${keys.map((k) => `s.${k}`).join(', ')} ORDER BY ${orderBy}) AS _etl_rank FROM etl_stage s
         WHERE s.${source} IN (SELECT staged_key FROM etl_batch_files)
       ) r ${join}`,
    `INSERT INTO etl_load_files
       SELECT f.pipeline, f.run_id, f.part, f.staged_key, f.run_parts, f.cursor_high, f.rows_in, f.rows_rejected, f.collapsed_in_transform, f.rows_staged,
              COALESCE(o.inserted, 0), COALESCE(o.updated, 0), COALESCE(o.collapsed, 0),
              f.rejects_by_rule, f.raw_bytes, f.staged_bytes, f.extracted_at, f.transformed_at, GETDATE()
       FROM etl_batch_files f LEFT JOIN (
         SELECT ${source}, ${count('inserted')} AS inserted, ${count('updated')} AS updated, ${count('collapsed')} AS collapsed FROM etl_rows GROUP BY ${source}
       ) o ON o.${source} = f.staged_key`,
    ...write,
    `CREATE TEMP TABLE etl_watermark_moves AS
       SELECT pipeline, MAX(cursor_high) AS cursor_high, MAX(run_id) AS run_id FROM (
         SELECT l.pipeline, l.run_id, MAX(l.cursor_high) AS cursor_high
         FROM etl_load_files l JOIN (SELECT DISTINCT pipeline, run_id FROM etl_batch_files) b ON b.pipeline = l.pipeline AND b.run_id = l.run_id
         GROUP BY l.pipeline, l.run_id
         HAVING COUNT(*) = MAX(l.run_parts)
       ) complete WHERE cursor_high IS NOT NULL GROUP BY pipeline`,
    `MERGE INTO etl_watermarks USING etl_watermark_moves s ON etl_watermarks.pipeline = s.pipeline
     WHEN MATCHED THEN UPDATE SET
       cursor_value = CASE WHEN s.cursor_high > etl_watermarks.cursor_value OR etl_watermarks.cursor_value IS NULL THEN s.cursor_high ELSE etl_watermarks.cursor_value END,
       run_id = CASE WHEN s.cursor_high > etl_watermarks.cursor_value OR etl_watermarks.cursor_value IS NULL THEN s.run_id ELSE etl_watermarks.run_id END,
       updated_at = GETDATE()
     WHEN NOT MATCHED THEN INSERT (pipeline, cursor_value, run_id, updated_at) VALUES (s.pipeline, s.cursor_high, s.run_id, GETDATE())`,
    `SELECT l.staged_key, l.run_id, l.rows_in, l.rows_rejected, l.collapsed_in_transform + l.collapsed_in_load AS collapsed, l.rows_inserted, l.rows_updated
       FROM etl_load_files l JOIN etl_batch_files b ON b.pipeline = l.pipeline AND b.staged_key = l.staged_key ORDER BY l.staged_key`,
    `DROP TABLE etl_watermark_moves`,
    `DROP TABLE etl_rows`,
    `DROP TABLE etl_stage`,
    `DROP TABLE etl_batch_files`,
  ];
}
