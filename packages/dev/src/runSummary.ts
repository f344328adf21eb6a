import { query } from '@etl/warehouse';
import type { Warehouse } from '@etl/warehouse';

/**
 * A run's rows, stage by stage, as the warehouse's accounting (`etl_runs`) has them. Each stage
 * accounts for every row it was given:
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

/**
 * The summary's row lines: each indented block adds up to the line above it, and the two
 * checks say so. `rejectsByRule` goes under the rejected rows, largest first.
 */
export function rowLines(rows: RunRows, rejectsByRule: Record<string, number>, extractedNote = ''): string[] {
  const pad = (label: string, value: string | number) => `  ${label.padEnd(42)} ${value}`;
  const checks = rowChecks(rows);
  const holds = (ok: boolean) => (ok ? 'holds' : 'DOES NOT HOLD');
  return [
    pad('rows extracted', `${rows.extracted}${extractedNote}`),
    pad('  transform: rejected (quarantined)', rows.rejected),
    ...Object.entries(rejectsByRule)
      .sort((a, b) => b[1] - a[1])
      .map(([rule, count]) => pad(`      ${rule}`, count)),
    pad('  transform: duplicates collapsed', rows.collapsedInTransform),
    pad('  transform: staged', rows.staged),
    pad('    load: duplicates collapsed', rows.collapsedInLoad),
    pad('    load: inserted', rows.inserted),
    pad('    load: updated', rows.updated),
    pad('check: extracted = rejected + dup + staged', holds(checks.transform)),
    pad('check: staged = dup + inserted + updated', holds(checks.load)),
  ];
}

/** A run as `etl_runs` has it: its rows stage by stage, and when each stage finished (epoch seconds). */
export async function readRun(
  warehouse: Warehouse,
  runId: string,
): Promise<{ rows: RunRows; finishedAt: { extract: number; transform: number; load: number } } | undefined> {
  const found = await query(
    warehouse,
    `SELECT rows_extracted, rows_staged, rows_rejected, collapsed_in_transform, collapsed_in_load, rows_inserted, rows_updated,
            extract(epoch FROM extracted_at), extract(epoch FROM transformed_at), extract(epoch FROM loaded_at)
       FROM etl_runs WHERE run_id = :run`,
    { run: runId },
  );
  if (found.length === 0) return undefined;
  const [extracted, staged, rejected, collapsedInTransform, collapsedInLoad, inserted, updated, extractAt, transformAt, loadAt] =
    found[0]!.map(Number) as [number, number, number, number, number, number, number, number, number, number];
  return {
    rows: {
      extracted,
      rejected,
      collapsedInTransform,
      staged,
      collapsedInLoad,
      inserted,
      updated,
      collapsed: collapsedInTransform + collapsedInLoad,
    },
    finishedAt: { extract: extractAt, transform: transformAt, load: loadAt },
  };
}
