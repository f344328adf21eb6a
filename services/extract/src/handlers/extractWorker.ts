import { contracts } from '@etl/contracts';
import { announceRun, assembleRun, extractRun, extractSlice, sourceRecords } from '@etl/extract';
import { requireEnv, s3Client, sqsClient, sqsWorker } from '@etl/middleware';
import { pipelineNamed } from '@etl/pipelines';
import type { RawPart } from '@etl/contracts';

const figures = (parts: RawPart[]) => ({
  RowsExtracted: parts.reduce((sum, p) => sum + p.file.rows, 0),
  RawFiles: parts.length,
  RawBytes: parts.reduce((sum, p) => sum + p.file.bytes, 0),
});

/**
 * `extract` queue worker: one `extract-task` per run, or per slice of a fanned-out run. Reads the
 * pipeline's source from the task's watermark (or the slice's cursor range) into raw part files.
 * A whole run: writes the run manifest and announces every part on the transform queue, retried
 * whole when it fails (same run id: the same keys are rewritten). A slice: writes its slice
 * manifest once; the slice that finds every slice written assembles the run manifest and
 * announces the run.
 */
export const handler = sqsWorker({
  service: 'extract',
  contract: contracts.extractTask,
  clients: { s3: s3Client, sqs: sqsClient },
  concurrency: 1,
  handleMessage: async (task, { clients, retry, logger, emitMetrics }) => {
    const pipeline = pipelineNamed(task.pipeline); // an HTTP API or a SQL table: sourceRecords reads either
    const bucket = requireEnv('DATA_BUCKET');
    const started = Date.now();
    const common = { bucket, pipeline, runId: task.runId, since: task.since };
    let manifest;
    if (task.slice) {
      const slice = task.slice;
      const extracted = await extractSlice(clients.s3, {
        ...common,
        slice,
        records: () => sourceRecords(pipeline, task.since, retry, process.env, slice),
      });
      const slicePart = figures(extracted.manifest.parts);
      if (extracted.extractedNow) emitMetrics(slicePart);
      logger.info('slice extracted', { slice: slice.index, of: slice.count, ...slicePart, again: !extracted.extractedNow });
      manifest = await assembleRun(clients.s3, { bucket, pipeline: pipeline.name, runId: task.runId, count: slice.count });
      if (!manifest) return; // other slices still running: the last one announces the run
    } else {
      manifest = await extractRun(clients.s3, { ...common, records: await sourceRecords(pipeline, task.since, retry) });
      emitMetrics(figures(manifest.parts));
    }
    const parts = await announceRun(clients.sqs, requireEnv('TRANSFORM_QUEUE_URL'), manifest, retry);
    logger.info('run announced', {
      ...figures(manifest.parts),
      announced: parts,
      cursorHigh: manifest.cursorHigh,
      seconds: (Date.now() - started) / 1000,
    });
  },
});
