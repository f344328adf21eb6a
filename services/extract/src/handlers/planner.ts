import { backfillRange, planRun } from '@etl/extract';
import { cachedClients, lambdaHandler, redshiftDataClient, requireEnv, s3Client, sqsClient } from '@etl/middleware';
import { pipelineNamed } from '@etl/pipelines';
import { EXTRACT_QUEUES, WORK_QUEUES } from '@etl/contracts';
import type { ExtractQueue } from '@etl/contracts';
import { warehouseFromEnv } from '@etl/warehouse';

const clients = cachedClients({ s3: s3Client, sqs: sqsClient, redshiftData: redshiftDataClient });

const extractQueueUrls = () =>
  Object.fromEntries(EXTRACT_QUEUES.map((queue) => [queue, requireEnv(WORK_QUEUES[queue].urlEnv)])) as Record<ExtractQueue, string>;

/**
 * Scheduled per pipeline (the schedule is the pipeline definition's): input `{ pipeline, force? }`;
 * `{ pipeline, backfill: { from, to } }` plans a backfill of the cursor range [from, to) instead.
 * Plans the next extract run from the committed watermark, unless the previous run is still
 * in flight, and puts the task on the extract queue its source kind names.
 */
export const handler = lambdaHandler({
  service: 'extract',
  handle: async (event: { pipeline?: unknown; force?: unknown; backfill?: { from?: unknown; to?: unknown } }, { logger, retry }) => {
    if (typeof event?.pipeline !== 'string') throw new Error(`the planner needs { "pipeline": "<name>" }, got ${JSON.stringify(event)}`);
    const pipeline = pipelineNamed(event.pipeline);
    const backfill = event.backfill === undefined ? undefined : backfillRange(pipeline, event.backfill);
    const outcome = await planRun({
      s3: clients().s3,
      bucket: requireEnv('DATA_BUCKET'),
      sqs: clients().sqs,
      extractQueueUrls: extractQueueUrls(),
      warehouse: warehouseFromEnv(clients().redshiftData),
      pipeline,
      retry,
      // force: plan even though the previous run is in flight (its messages still complete; merges keep the newest)
      ...(event.force === true ? { staleAfterMs: 0 } : {}),
      backfill,
    });
    if ('planned' in outcome)
      logger.info('run planned', {
        pipeline: pipeline.name,
        runId: outcome.planned.runId,
        since: outcome.planned.since,
        ...(backfill ? { until: backfill.until, backfill: true } : {}),
      });
    else logger.info('no run planned', { pipeline: pipeline.name, reason: outcome.skipped });
    return outcome;
  },
});
