import { contracts } from '@etl/contracts';
import { announceRun, extractRun, sourceRecords } from '@etl/extract';
import { requireEnv, s3Client, sqsClient, sqsWorker } from '@etl/middleware';
import { pipelineNamed } from '@etl/pipelines';

/**
 * `extract` queue worker: one `extract-task` per run. Reads the pipeline's source from the
 * task's watermark into raw part files, writes the run manifest, and announces every part on
 * the transform queue. A failed run is retried whole (same run id: the same keys are rewritten).
 */
export const handler = sqsWorker({
  service: 'extract',
  contract: contracts.extractTask,
  clients: { s3: s3Client, sqs: sqsClient },
  concurrency: 1,
  handleMessage: async (task, { clients, retry, logger, emitMetrics }) => {
    const pipeline = pipelineNamed(task.pipeline); // an HTTP API or a SQL table: sourceRecords reads either
    const started = Date.now();
    const manifest = await extractRun(clients.s3, {
      bucket: requireEnv('DATA_BUCKET'),
      pipeline,
      runId: task.runId,
      since: task.since,
      records: await sourceRecords(pipeline, task.since, retry),
    });
    const parts = await announceRun(clients.sqs, requireEnv('TRANSFORM_QUEUE_URL'), manifest, retry);
    const rows = manifest.parts.reduce((sum, p) => sum + p.file.rows, 0);
    emitMetrics({ RowsExtracted: rows, RawFiles: parts, RawBytes: manifest.parts.reduce((sum, p) => sum + p.file.bytes, 0) });
    logger.info('run extracted', { rows, parts, cursorHigh: manifest.cursorHigh, seconds: (Date.now() - started) / 1000 });
  },
});
