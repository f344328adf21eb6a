import { runIdTime } from '@etl/contracts';
import { isMissingTable } from './missingTable';
import { query } from './statementRunner';
import type { RunOptions, Value, Warehouse } from './statementRunner';

/**
 * The warehouse tables the pipeline keeps about itself, in Redshift DDL:
 * - `etl_load_files`: one row per staged file loaded, with every row of it accounted for
 *   (rows_in = rows_rejected + collapsed_in_transform + rows_staged, and
 *   rows_staged = rows_inserted + rows_updated + collapsed_in_load). A file is loaded once:
 *   a redelivered file finds its row here and loads nothing.
 * - `etl_watermarks`: per pipeline, the highest cursor value of runs loaded completely.
 * - `etl_runs`: per run, the sums of its files.
 */
export const LEDGER_DDL = [
  `CREATE TABLE IF NOT EXISTS etl_load_files (
    pipeline VARCHAR(63) NOT NULL,
    run_id VARCHAR(64) NOT NULL,
    part INTEGER NOT NULL,
    staged_key VARCHAR(1024) NOT NULL,
    run_parts INTEGER NOT NULL,
    cursor_high VARCHAR(256),
    rows_in BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    collapsed_in_transform BIGINT NOT NULL,
    rows_staged BIGINT NOT NULL,
    rows_inserted BIGINT NOT NULL,
    rows_updated BIGINT NOT NULL,
    collapsed_in_load BIGINT NOT NULL,
    rejects_by_rule VARCHAR(4096),
    raw_bytes BIGINT,
    staged_bytes BIGINT,
    extracted_at TIMESTAMP,
    transformed_at TIMESTAMP,
    loaded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (pipeline, staged_key)
  ) DISTSTYLE ALL SORTKEY (pipeline, run_id)`,
  `CREATE TABLE IF NOT EXISTS etl_watermarks (
    pipeline VARCHAR(63) NOT NULL,
    cursor_value VARCHAR(256),
    run_id VARCHAR(64),
    updated_at TIMESTAMP,
    PRIMARY KEY (pipeline)
  ) DISTSTYLE ALL`,
  `CREATE OR REPLACE VIEW etl_runs AS
    SELECT pipeline, run_id,
      MAX(run_parts) AS parts, COUNT(*) AS parts_loaded,
      SUM(rows_in)::BIGINT AS rows_extracted, SUM(rows_staged)::BIGINT AS rows_staged, SUM(rows_rejected)::BIGINT AS rows_rejected,
      SUM(collapsed_in_transform + collapsed_in_load)::BIGINT AS duplicates_collapsed,
      SUM(rows_inserted)::BIGINT AS rows_inserted, SUM(rows_updated)::BIGINT AS rows_updated,
      SUM(raw_bytes)::BIGINT AS raw_bytes, SUM(staged_bytes)::BIGINT AS staged_bytes,
      MIN(extracted_at) AS extracted_at, MAX(transformed_at) AS transformed_at, MAX(loaded_at) AS loaded_at,
      SUM(collapsed_in_transform)::BIGINT AS collapsed_in_transform, SUM(collapsed_in_load)::BIGINT AS collapsed_in_load
    FROM etl_load_files GROUP BY pipeline, run_id`,
  // The load's user owns these; the planner's user reads runs and watermarks, operators read it all.
  // Redshift's users are created at their first sign-in, so a GRANT naming one may come before it
  // exists: the ledger (run ids, counts, cursor values; no source rows) is readable by every database user.
  `GRANT SELECT ON etl_load_files, etl_watermarks, etl_runs TO PUBLIC`,
];

/**
 * A run's rows, stage by stage, as `etl_runs` has them. Each stage accounts for every row it was given:
 * - transform: extracted = rejected + collapsedInTransform + staged
 * - load: staged = collapsedInLoad + inserted + updated
 * (`staged` counts the rows the transform wrote, before the load collapses duplicates that were
 * in different files or blocks.)
 */
export interface RunRows {
  extracted: number;
  rejected: number;
  collapsedInTransform: number;
  staged: number;
  collapsedInLoad: number;
  inserted: number;
  updated: number;
  /** All duplicates collapsed: collapsedInTransform + collapsedInLoad. */
  collapsed: number;
}

export interface RowChecks {
  transform: boolean;
  load: boolean;
}

/** Whether each stage's rows add up. */
export function rowChecks(rows: RunRows): RowChecks {
  return {
    transform: rows.extracted === rows.rejected + rows.collapsedInTransform + rows.staged,
    load: rows.staged === rows.collapsedInLoad + rows.inserted + rows.updated,
  };
}

/** A run's rows from the ledger's counts (the two duplicate counts summed into `collapsed`). */
function runRows(
  extracted: number,
  rejected: number,
  collapsedInTransform: number,
  staged: number,
  collapsedInLoad: number,
  inserted: number,
  updated: number,
): RunRows {
  return {
    extracted,
    rejected,
    collapsedInTransform,
    staged,
    collapsedInLoad,
    inserted,
    updated,
    collapsed: collapsedInTransform + collapsedInLoad,
  };
}

/** A query of a ledger table, which does not exist before the first load: no rows then. */
async function ledgerRows(
  warehouse: Warehouse,
  table: 'etl_runs' | 'etl_load_files' | 'etl_watermarks',
  sql: string,
  parameters: Record<string, string>,
  options: RunOptions,
): Promise<Value[][]> {
  try {
    return await query(warehouse, sql, parameters, options);
  } catch (error) {
    if (isMissingTable(error, table)) return [];
    throw error;
  }
}

/** The committed watermark of a pipeline (the cursor value extraction continues from), or null before its first complete run. */
export async function committedWatermark(warehouse: Warehouse, pipeline: string, options: RunOptions = {}): Promise<string | null> {
  try {
    const rows = await query(warehouse, 'SELECT cursor_value FROM etl_watermarks WHERE pipeline = :pipeline', { pipeline }, options);
    return rows[0]?.[0] === undefined || rows[0][0] === null ? null : String(rows[0][0]);
  } catch (error) {
    // before the first load the table does not exist: no watermark yet
    if (isMissingTable(error, 'etl_watermarks')) return null;
    throw error;
  }
}

/** How far a run is: its parts (null until a first file of it is loaded) and how many are loaded. */
export async function runProgress(
  warehouse: Warehouse,
  pipeline: string,
  runId: string,
  options: RunOptions = {},
): Promise<{ parts: number | null; loaded: number }> {
  const rows = await ledgerRows(
    warehouse,
    'etl_runs',
    'SELECT parts, parts_loaded FROM etl_runs WHERE pipeline = :pipeline AND run_id = :run',
    { pipeline, run: runId },
    options,
  );
  const [parts, loaded] = (rows[0] ?? [null, 0]) as [number | null, number];
  return { parts: parts === null ? null : Number(parts), loaded: Number(loaded) };
}

/**
 * How many files of a run were loaded at or after `since` (an ISO time): what a replay recorded
 * then loaded. The ledger's `loaded_at` is the warehouse's clock (GETDATE(), UTC).
 */
export async function filesLoadedSince(
  warehouse: Warehouse,
  pipeline: string,
  runId: string,
  since: string,
  options: RunOptions = {},
): Promise<number> {
  const rows = await ledgerRows(
    warehouse,
    'etl_load_files',
    'SELECT COUNT(*) FROM etl_load_files WHERE pipeline = :pipeline AND run_id = :run AND loaded_at >= CAST(:since AS TIMESTAMP)',
    // a TIMESTAMP literal as Redshift reads one, in UTC
    { pipeline, run: runId, since: new Date(since).toISOString().replace('T', ' ').replace('Z', '') },
    options,
  );
  return Number(rows[0]?.[0] ?? 0);
}

/** A run as `etl_runs` has it: its rows stage by stage, and when each stage finished (epoch seconds); undefined if none of it is loaded. */
export async function runAccount(
  warehouse: Warehouse,
  pipeline: string,
  runId: string,
  options: RunOptions = {},
): Promise<{ rows: RunRows; finishedAt: { extract: number; transform: number; load: number } } | undefined> {
  const found = await ledgerRows(
    warehouse,
    'etl_runs',
    `SELECT rows_extracted, rows_staged, rows_rejected, collapsed_in_transform, collapsed_in_load, rows_inserted, rows_updated,
            extract(epoch FROM extracted_at), extract(epoch FROM transformed_at), extract(epoch FROM loaded_at)
       FROM etl_runs WHERE pipeline = :pipeline AND run_id = :run`,
    { pipeline, run: runId },
    options,
  );
  if (found.length === 0) return undefined;
  const [extracted, staged, rejected, collapsedInTransform, collapsedInLoad, inserted, updated, extractAt, transformAt, loadAt] =
    found[0]!.map(Number) as [number, number, number, number, number, number, number, number, number, number];
  return {
    rows: runRows(extracted, rejected, collapsedInTransform, staged, collapsedInLoad, inserted, updated),
    finishedAt: { extract: extractAt, transform: transformAt, load: loadAt },
  };
}

/** A run's rejected rows by the rule that rejected them, summed over its files. */
export async function rejectsByRule(
  warehouse: Warehouse,
  pipeline: string,
  runId: string,
  options: RunOptions = {},
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const rows = await query(
    warehouse,
    'SELECT rejects_by_rule FROM etl_load_files WHERE pipeline = :pipeline AND run_id = :run',
    { pipeline, run: runId },
    options,
  );
  for (const [json] of rows) {
    for (const [rule, count] of Object.entries(JSON.parse(String(json ?? '{}')) as Record<string, number>))
      counts[rule] = (counts[rule] ?? 0) + count;
  }
  return counts;
}

/** One run as the ledger lists it. */
export interface RunListing {
  pipeline: string;
  runId: string;
  parts: number;
  partsLoaded: number;
  rows: RunRows;
  /** When the run was planned (the time its id starts with), ISO. */
  plannedAt: string;
  /** ISO times; null while nothing of that stage is recorded. */
  extractedAt: string | null;
  transformedAt: string | null;
  loadedAt: string | null;
  /** Stage by stage, from the planning time its id starts with to its last file loaded (so far). */
  seconds: StageSeconds;
}

/** How long each stage of a run took: extract from planning to its last raw file, transform to its last staged file, load to its last load. */
export interface StageSeconds {
  extract: number;
  transform: number;
  load: number;
  total: number;
}

/** A run's stage durations from its planning time (epoch seconds) and when each stage last finished. */
export function stageSeconds(plannedAt: number, finishedAt: { extract: number; transform: number; load: number }): StageSeconds {
  // the load's time is the warehouse's GETDATE(), whole seconds (as Redshift's), the others the
  // workers' clocks to the millisecond: a load ended in the second of the last transform would
  // show as negative — it ended no earlier than that transform
  const loaded = Math.max(finishedAt.load, finishedAt.transform);
  return {
    extract: finishedAt.extract - plannedAt,
    transform: finishedAt.transform - finishedAt.extract,
    load: loaded - finishedAt.transform,
    total: loaded - plannedAt,
  };
}

const sqlTime = (value: unknown) => (value === null || value === undefined ? null : `${String(value).replace(' ', 'T')}Z`);
const epochSeconds = (iso: string | null) => (iso === null ? Number.NaN : Date.parse(iso) / 1000);

/** The newest runs (by run id, which starts with its planning time), of one pipeline or all, or the one `runId`; none before the first load. */
export async function recentRuns(
  warehouse: Warehouse,
  { pipeline, runId, limit = 10 }: { pipeline?: string; runId?: string; limit?: number } = {},
  options: RunOptions = {},
): Promise<RunListing[]> {
  if (!(Number.isInteger(limit) && limit >= 1)) throw new Error(`limit must be a whole number ≥ 1, not ${limit}`);
  const filters = { ...(pipeline === undefined ? {} : { pipeline }), ...(runId === undefined ? {} : { run: runId }) };
  const where = Object.keys(filters).map((name) => (name === 'run' ? 'run_id = :run' : 'pipeline = :pipeline'));
  const rows = await ledgerRows(
    warehouse,
    'etl_runs',
    `SELECT pipeline, run_id, parts, parts_loaded, rows_extracted, rows_rejected, collapsed_in_transform, rows_staged,
            collapsed_in_load, rows_inserted, rows_updated, extracted_at, transformed_at, loaded_at
       FROM etl_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY run_id DESC LIMIT ${limit}`, // a checked integer: LIMIT takes no parameter in Redshift
    filters,
    options,
  );
  return rows.map(
    ([
      p,
      runId,
      parts,
      loaded,
      extracted,
      rejected,
      inTransform,
      staged,
      inLoad,
      inserted,
      updated,
      extractedAt,
      transformedAt,
      loadedAt,
    ]) => {
      const planned = runIdTime(String(runId));
      const times = { extractedAt: sqlTime(extractedAt), transformedAt: sqlTime(transformedAt), loadedAt: sqlTime(loadedAt) };
      return {
        pipeline: String(p),
        runId: String(runId),
        parts: Number(parts),
        partsLoaded: Number(loaded),
        rows: runRows(...([extracted, rejected, inTransform, staged, inLoad, inserted, updated].map(Number) as Parameters<typeof runRows>)),
        plannedAt: planned.toISOString(),
        ...times,
        seconds: stageSeconds(planned.getTime() / 1000, {
          extract: epochSeconds(times.extractedAt),
          transform: epochSeconds(times.transformedAt),
          load: epochSeconds(times.loadedAt),
        }),
      };
    },
  );
}

/** One loaded file of a run, every row of it accounted for (see LEDGER_DDL). */
export interface LoadedFileListing {
  part: number;
  stagedKey: string;
  rows: RunRows;
  rawBytes: number | null;
  stagedBytes: number | null;
  rejectsByRule: Record<string, number>;
  extractedAt: string | null;
  transformedAt: string | null;
  loadedAt: string | null;
}

/** The files of a run the ledger has loaded, by part; none before the first load. */
export async function runFiles(
  warehouse: Warehouse,
  pipeline: string,
  runId: string,
  options: RunOptions = {},
): Promise<LoadedFileListing[]> {
  const rows = await ledgerRows(
    warehouse,
    'etl_load_files',
    `SELECT part, staged_key, rows_in, rows_rejected, collapsed_in_transform, rows_staged, collapsed_in_load, rows_inserted, rows_updated,
            raw_bytes, staged_bytes, rejects_by_rule, extracted_at, transformed_at, loaded_at
       FROM etl_load_files WHERE pipeline = :pipeline AND run_id = :run ORDER BY part, staged_key`,
    { pipeline, run: runId },
    options,
  );
  return rows.map(
    ([
      part,
      key,
      rowsIn,
      rejected,
      inTransform,
      staged,
      inLoad,
      inserted,
      updated,
      rawBytes,
      stagedBytes,
      rules,
      extractedAt,
      transformedAt,
      loadedAt,
    ]) => ({
      part: Number(part),
      stagedKey: String(key),
      rows: runRows(...([rowsIn, rejected, inTransform, staged, inLoad, inserted, updated].map(Number) as Parameters<typeof runRows>)),
      rawBytes: rawBytes === null ? null : Number(rawBytes),
      stagedBytes: stagedBytes === null ? null : Number(stagedBytes),
      rejectsByRule: JSON.parse(String(rules ?? '{}')) as Record<string, number>,
      extractedAt: sqlTime(extractedAt),
      transformedAt: sqlTime(transformedAt),
      loadedAt: sqlTime(loadedAt),
    }),
  );
}

/** Every pipeline's committed watermark and the run that set it. */
export async function watermarks(
  warehouse: Warehouse,
  options: RunOptions = {},
): Promise<{ pipeline: string; cursor: string | null; runId: string | null }[]> {
  const rows = await ledgerRows(
    warehouse,
    'etl_watermarks',
    'SELECT pipeline, cursor_value, run_id FROM etl_watermarks ORDER BY pipeline',
    {},
    options,
  );
  return rows.map(([pipeline, cursor, runId]) => ({
    pipeline: String(pipeline),
    cursor: cursor === null ? null : String(cursor),
    runId: runId === null ? null : String(runId),
  }));
}
