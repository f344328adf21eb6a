import { recentRuns } from '@etl/warehouse';
import type { RunListing } from '@etl/warehouse';
import { runState } from '../runsCommand';
import { pipelineStatus, queueStatus } from '../statusCommand';
import type { PipelineStatus, QueueStatus } from '../statusCommand';
import type { Target } from '../target';
import type { RunWaiting } from '@etl/contracts';
import { originText, runOrigins, runReplays } from '../runOrigins';
import type { ReplayShown } from '../replaysText';
import { readWaitingRuns, stateWithWaiting } from '../waitingRuns';

/** What the dashboard's first page shows: `etl status` with each pipeline's last runs. */
export interface Overview {
  stage: string;
  /** ISO time the figures were read. */
  readAt: string;
  /** Each run carries its state as `etl runs` words it, so the page has no rule of its own; `waiting`: runs a stage holds up. */
  pipelines: (PipelineStatus & { runs: (RunListing & { state: string; from: string; replays: ReplayShown[] })[]; waiting: RunWaiting[] })[];
  queues: QueueStatus[];
}

/** Reads the overview through the CLI's own modules (the ledger, the queues): no second source of truth. */
export async function readOverview(target: Target, runsPerPipeline = 20): Promise<Overview> {
  const [statuses, queues, waiting] = await Promise.all([pipelineStatus(target), queueStatus(target), readWaitingRuns(target)]);
  const pipelines = await Promise.all(
    statuses.map(async (status) => {
      const runs = await recentRuns(target.warehouse, { pipeline: status.pipeline, limit: runsPerPipeline });
      const runIds = runs.map((run) => run.runId);
      const [origins, replays] = await Promise.all([
        runOrigins(target, status.pipeline, runIds),
        runReplays(target, status.pipeline, runIds),
      ]);
      return {
        ...status,
        runs: runs.map((run) => ({
          ...run,
          // where its rows came from (API, table, a file, a backfill's range), as `etl runs` words it
          from: originText(status.pipeline, origins.get(run.runId)),
          // each replay of it, and what the replay loaded
          replays: replays.get(run.runId) ?? [],
          state: stateWithWaiting(run.runId, runState(run), waiting),
        })),
        waiting: waiting.filter((w) => w.pipeline === status.pipeline),
      };
    }),
  );
  return { stage: target.stage, readAt: new Date().toISOString(), pipelines, queues };
}
