import { recentRuns } from '@etl/warehouse';
import type { RunListing } from '@etl/warehouse';
import { pipelineNamed } from '@etl/pipelines';
import type { Target } from './target';
import type { CommandOutput } from './output';
import { renderTable } from './output';
import { originText, runOrigins, runReplays } from './runOrigins';
import { replaysText } from './replaysText';
import { readWaitingRuns, stateWithWaiting, waitingState } from './waitingRuns';

/** A run's state from the ledger: loaded when every part is. */
export const runState = (run: RunListing) => (run.partsLoaded >= run.parts ? 'loaded' : `loading ${run.partsLoaded}/${run.parts} parts`);

/** `etl runs <pipeline>`: its newest runs, each with its rows stage by stage; first, any run a stage holds up (waiting to retry). */
export async function runsCommand(target: Target, pipeline: string, limit: number): Promise<CommandOutput> {
  pipelineNamed(pipeline); // a clear error for a name that is not a pipeline
  const [runs, waiting] = await Promise.all([recentRuns(target.warehouse, { pipeline, limit }), readWaitingRuns(target, pipeline)]);
  const runIds = runs.map((run) => run.runId);
  const [origins, replays] = await Promise.all([runOrigins(target, pipeline, runIds), runReplays(target, pipeline, runIds)]);
  const listed = new Set(runs.map((run) => run.runId));
  // a run the ledger does not know yet (held up in extract or transform) is listed too
  const unlisted = waiting.filter((w) => !listed.has(w.runId));
  const rows = [
    ...unlisted.map((w) => [w.runId, '', waitingState(w), '', '', '', '', '', '']),
    ...runs.map((run) => [
      run.runId,
      [originText(pipeline, origins.get(run.runId)), replaysText(replays.get(run.runId))].filter(Boolean).join(' · '),
      stateWithWaiting(run.runId, runState(run), waiting),
      run.rows.extracted,
      run.rows.rejected,
      run.rows.collapsed,
      run.rows.inserted,
      run.rows.updated,
      run.loadedAt ?? '',
    ]),
  ];
  const text =
    rows.length === 0
      ? `no run of ${pipeline} is loaded yet on ${target.stage}`
      : renderTable(['run', 'from', 'state', 'extracted', 'rejected', 'collapsed', 'inserted', 'updated', 'loaded at'], rows);
  const json = [
    ...unlisted.map((w) => ({ pipeline: w.pipeline, runId: w.runId, state: waitingState(w), waiting: w })),
    ...runs.map((run) => {
      const held = waiting.find((w) => w.runId === run.runId);
      return {
        ...run,
        origin: origins.get(run.runId) ?? null,
        replays: replays.get(run.runId) ?? [],
        state: held ? waitingState(held) : runState(run),
        ...(held ? { waiting: held } : {}),
      };
    }),
  ];
  return { json, text };
}
