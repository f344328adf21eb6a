import { contracts, EtlError, WORK_QUEUES } from '@etl/contracts';
import type { ExtractQueue, ExtractTask, RawPart } from '@etl/contracts';
import { runExtractTask, sourceKindOf } from '@etl/extract';
import type { DatabaseDrivers, ExtractTaskOutcome } from '@etl/extract';
import { requireEnv, s3Client, sqsClient, sqsWorker } from '@etl/middleware';
import type { Logger } from '@etl/middleware';
import { pipelineNamed } from '@etl/pipelines';

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
 * The worker of one extract queue: one `extract-task` at a time, read by its pipeline's source
 * kind (of the whole run or of the task's slice) into raw part files and announced once the run
 * is complete (`runExtractTask`), with the same metrics and log lines for every kind. A kind
 * with `fanOut` may split a planned run into tasks on this queue first. `databases`: the drivers
 * this worker carries for the kinds that read databases (only the worker that passes them bundles them).
 */
export function extractTaskWorker(queue: ExtractQueue, { databases = {} }: { databases?: DatabaseDrivers } = {}) {
  return sqsWorker({
    service: 'extract',
    contract: contracts.extractTask,
    clients: { s3: s3Client, sqs: sqsClient },
    concurrency: 1,
    handleMessage: async (task, { clients, retry, logger, emitMetrics }) => {
      const started = Date.now();
      const pipeline = pipelineNamed(task.pipeline);
      const kind = sourceKindOf(pipeline);
      if (kind.queue !== queue || !kind.records)
        throw new WrongExtractQueue(
          `pipeline ${pipeline.name} reads ${kind.label} (${kind.kind}): its tasks belong on ${kind.queue ?? 'no'} queue, not ${queue}`,
        );
      const read = { pipeline, source: pipeline.source, task, retry, env: process.env, databases };
      const bucket = requireEnv('DATA_BUCKET');
      if (kind.fanOut) {
        const slices = await kind.fanOut({ ...read, clients, bucket, queueUrl: requireEnv(WORK_QUEUES[queue].urlEnv) });
        if (slices > 0) {
          logger.info('run fanned out', { pipeline: pipeline.name, runId: task.runId, tasks: slices, since: task.since });
          return;
        }
      }
      const outcome = await runExtractTask({
        ...clients,
        bucket,
        transformQueueUrl: requireEnv('TRANSFORM_QUEUE_URL'),
        retry,
        pipeline,
        task,
        records: (slice) => kind.records!({ ...read, ...(slice ? { slice } : {}) }),
      });
      report(outcome, task, (Date.now() - started) / 1000, logger, emitMetrics);
    },
  });
}

/** A task on an extract queue whose worker does not read its pipeline's kind: it would fail on every attempt. */
class WrongExtractQueue extends EtlError {
  override readonly name = 'WrongExtractQueue';
  readonly code = 'WRONG_EXTRACT_QUEUE';
  readonly retry = 'permanent';
}
