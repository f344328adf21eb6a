import { contracts } from '@etl/contracts';
import { fanOutTask, runExtractTask, sqlRunRecords } from '@etl/extract';
import { requireEnv, s3Client, sqsClient, sqsWorker } from '@etl/middleware';
import { pipelineNamed } from '@etl/pipelines';
import { extractFigures } from '../extractFigures';

/**
 * `extractSql` queue worker, for pipelines that read a SQL table (Postgres, MySQL/MariaDB; the
 * connection URL from Secrets Manager). A run's task from the planner is fanned out first when
 * the source has `fanOut`: one task per slice of the cursor range goes back on this queue. A
 * slice (or a run not fanned out) is extracted into raw part files; the last slice to finish
 * assembles the run and announces it on the transform queue.
 */
export const handler = sqsWorker({
  service: 'extract',
  contract: contracts.extractTask,
  clients: { s3: s3Client, sqs: sqsClient },
  concurrency: 1,
  handleMessage: async (task, { clients, retry, logger, emitMetrics }) => {
    const pipeline = pipelineNamed(task.pipeline);
    const started = Date.now();
    const bucket = requireEnv('DATA_BUCKET');
    const slices = await fanOutTask(clients, { bucket, queueUrl: requireEnv('EXTRACT_SQL_QUEUE_URL') }, pipeline, task, { retry });
    if (slices > 0) {
      logger.info('run fanned out', { pipeline: pipeline.name, runId: task.runId, tasks: slices, since: task.since });
      return;
    }
    const outcome = await runExtractTask({
      ...clients,
      bucket,
      transformQueueUrl: requireEnv('TRANSFORM_QUEUE_URL'),
      retry,
      pipeline,
      task,
      records: (slice) => sqlRunRecords(pipeline, task.since, slice),
    });
    extractFigures(outcome, task, started, { logger, emitMetrics });
  },
});
