import { contracts } from '@etl/contracts';
import { httpRunRecords, runExtractTask } from '@etl/extract';
import { requireEnv, s3Client, sqsClient, sqsWorker } from '@etl/middleware';
import { pipelineNamed } from '@etl/pipelines';
import { extractFigures } from '../extractFigures';

/**
 * `extract` queue worker, for pipelines that read an HTTP API: one `extract-task` per run. Reads
 * the API from the task's watermark into raw part files, writes the run manifest and announces
 * every part on the transform queue. A failed run is retried whole (same run id: the same keys
 * are rewritten). SQL tables have their own worker (sqlExtractWorker), which carries the drivers.
 */
export const handler = sqsWorker({
  service: 'extract',
  contract: contracts.extractTask,
  clients: { s3: s3Client, sqs: sqsClient },
  concurrency: 1,
  handleMessage: async (task, { clients, retry, logger, emitMetrics }) => {
    const pipeline = pipelineNamed(task.pipeline);
    const started = Date.now();
    const outcome = await runExtractTask({
      ...clients,
      bucket: requireEnv('DATA_BUCKET'),
      transformQueueUrl: requireEnv('TRANSFORM_QUEUE_URL'),
      retry,
      pipeline,
      task,
      records: () => httpRunRecords(pipeline, task.since, retry),
    });
    extractFigures(outcome, task, started, { logger, emitMetrics });
  },
});
