import { httpRunRecords } from '@etl/extract';
import { extractTaskWorker } from '../extractTaskWorker';

/**
 * `extract` queue worker, for pipelines that read an HTTP API: one `extract-task` per run. Reads
 * the API from the task's watermark into raw part files, writes the run manifest and announces
 * every part on the transform queue. A failed run is retried whole (same run id: the same keys
 * are rewritten). SQL tables have their own worker (sqlExtractWorker), which carries the drivers.
 */
export const handler = extractTaskWorker({
  records: ({ pipeline, task, retry }) => httpRunRecords(pipeline, task.since, retry),
});
