import { contracts } from '@etl/contracts';
import type { ExtractTask, RawPart, RunSlice } from '@etl/contracts';
import { runExtractTask } from '@etl/extract';
import type { ExtractTaskOutcome } from '@etl/extract';
import { requireEnv, s3Client, sqsClient, sqsWorker } from '@etl/middleware';
import type { Logger, Retry } from '@etl/middleware';
import type { Pipeline } from '@etl/pipeline-kit';
import { pipelineNamed } from '@etl/pipelines';

interface TaskContext {
  pipeline: Pipeline;
  task: ExtractTask;
  clients: { s3: ReturnType<typeof s3Client>; sqs: ReturnType<typeof sqsClient> };
  bucket: string;
  retry: Retry;
  logger: Logger;
}

const figures = (parts: RawPart[]) => ({
  RowsExtracted: parts.reduce((sum, p) => sum + p.file.rows, 0),
  RawFiles: parts.length,
  RawBytes: parts.reduce((sum, p) => sum + p.file.bytes, 0),
});

function report(
  outcome: ExtractTaskOutcome,
  task: ExtractTask,
  seconds: number,
  logger: Logger,
  emitMetrics: (values: Record<string, number>) => void,
): void {
  if (outcome.extracted) emitMetrics(figures(outcome.extracted));
  if (task.slice)
    logger.info('slice extracted', {
      slice: task.slice.index,
      of: task.slice.count,
      ...(outcome.extracted ? figures(outcome.extracted) : { again: true }),
      seconds,
    });
  if (task.until !== undefined)
    logger.info('backfill range read', { since: task.since, until: task.until, rowsOutsideRange: outcome.outsideRange });
  if (outcome.announced)
    logger.info('run announced', { ...figures(outcome.announced.parts), cursorHigh: outcome.announced.cursorHigh, seconds });
}

/**
 * An extract queue worker: one `extract-task` at a time, read by `records` (of the whole run or
 * of the task's slice) into raw part files and announced once the run is complete
 * (`runExtractTask`), with the same metrics and log lines for every source kind. `handledBefore`
 * may take the task over first (the SQL worker fans runs out there).
 */
export function extractTaskWorker({
  records,
  handledBefore,
}: {
  records: (context: TaskContext, slice?: RunSlice) => AsyncIterable<unknown> | Promise<AsyncIterable<unknown>>;
  handledBefore?: (context: TaskContext) => Promise<boolean>;
}) {
  return sqsWorker({
    service: 'extract',
    contract: contracts.extractTask,
    clients: { s3: s3Client, sqs: sqsClient },
    concurrency: 1,
    handleMessage: async (task, { clients, retry, logger, emitMetrics }) => {
      const started = Date.now();
      const context: TaskContext = {
        pipeline: pipelineNamed(task.pipeline),
        task,
        clients,
        bucket: requireEnv('DATA_BUCKET'),
        retry,
        logger,
      };
      if (await handledBefore?.(context)) return;
      const outcome = await runExtractTask({
        ...clients,
        bucket: context.bucket,
        transformQueueUrl: requireEnv('TRANSFORM_QUEUE_URL'),
        retry,
        pipeline: context.pipeline,
        task,
        records: (slice) => records(context, slice),
      });
      report(outcome, task, (Date.now() - started) / 1000, logger, emitMetrics);
    },
  });
}
