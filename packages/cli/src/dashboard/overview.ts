import { recentRuns } from '@etl/warehouse';
import type { RunListing } from '@etl/warehouse';
import { runState } from '../runsCommand';
import { pipelineStatus, queueStatus } from '../statusCommand';
import type { PipelineStatus, QueueStatus } from '../statusCommand';
import type { Target } from '../target';

/** What the dashboard's first page shows: `etl status` with each pipeline's last runs. */
export interface Overview {
  stage: string;
  /** ISO time the figures were read. */
  readAt: string;
  /** Each run carries its state as `etl runs` words it, so the page has no rule of its own. */
  pipelines: (PipelineStatus & { runs: (RunListing & { state: string })[] })[];
  queues: QueueStatus[];
}

/** Reads the overview through the CLI's own modules (the ledger, the queues): no second source of truth. */
export async function readOverview(target: Target, runsPerPipeline = 20): Promise<Overview> {
  const [statuses, queues] = await Promise.all([pipelineStatus(target), queueStatus(target)]);
  const pipelines = await Promise.all(
    statuses.map(async (status) => ({
      ...status,
      runs: (await recentRuns(target.warehouse, { pipeline: status.pipeline, limit: runsPerPipeline })).map((run) => ({
        ...run,
        state: runState(run),
      })),
    })),
  );
  return { stage: target.stage, readAt: new Date().toISOString(), pipelines, queues };
}
