import { recentRuns } from '@etl/warehouse';
import type { RunListing } from '@etl/warehouse';
import { pipelineNamed } from '@etl/pipelines';
import type { Target } from './target';
import type { CommandOutput } from './output';
import { renderTable } from './output';

/** A run's state from the ledger: loaded when every part is. */
export const runState = (run: RunListing) => (run.partsLoaded >= run.parts ? 'loaded' : `loading ${run.partsLoaded}/${run.parts} parts`);

/** `etl runs <pipeline>`: its newest runs, each with its rows stage by stage. */
export async function runsCommand(target: Target, pipeline: string, limit: number): Promise<CommandOutput> {
  pipelineNamed(pipeline); // a clear error for a name that is not a pipeline
  const runs = await recentRuns(target.warehouse, { pipeline, limit });
  const rows = runs.map((run) => [
    run.runId,
    runState(run),
    run.rows.extracted,
    run.rows.rejected,
    run.rows.collapsed,
    run.rows.inserted,
    run.rows.updated,
    run.loadedAt ?? '',
  ]);
  const text =
    runs.length === 0
      ? `no run of ${pipeline} is loaded yet on ${target.stage}`
      : renderTable(['run', 'state', 'extracted', 'rejected', 'collapsed', 'inserted', 'updated', 'loaded at'], rows);
  return { json: runs, text };
}
