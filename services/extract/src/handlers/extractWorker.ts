import { extractTaskWorker } from '../extractTaskWorker';

/**
 * `extract` queue worker: one `extract-task` per run of a pipeline whose source kind runs on this
 * queue (packages/extract/src/sources — HTTP APIs). Reads the source from the task's watermark
 * into raw part files, writes the run manifest and announces every part on the transform queue.
 * A failed run is retried whole (same run id: the same keys are rewritten).
 */
export const handler = extractTaskWorker('extract');
