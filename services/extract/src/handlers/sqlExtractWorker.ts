import { fanOutTask, sqlRunRecords } from '@etl/extract';
import { requireEnv } from '@etl/middleware';
import { extractTaskWorker } from '../extractTaskWorker';

/**
 * `extractSql` queue worker, for pipelines that read a SQL table (Postgres, MySQL/MariaDB; the
 * connection URL from Secrets Manager). A run's task from the planner is fanned out first when
 * the source has `fanOut`: one task per slice of the cursor range goes back on this queue. A
 * slice (or a run not fanned out) is extracted into raw part files; the last slice to finish
 * assembles the run and announces it on the transform queue.
 */
export const handler = extractTaskWorker({
  handledBefore: async ({ pipeline, task, clients, bucket, retry, logger }) => {
    const slices = await fanOutTask(clients, { bucket, queueUrl: requireEnv('EXTRACT_SQL_QUEUE_URL') }, pipeline, task, { retry });
    if (slices > 0) logger.info('run fanned out', { pipeline: pipeline.name, runId: task.runId, tasks: slices, since: task.since });
    return slices > 0;
  },
  records: ({ pipeline, task }, slice) => sqlRunRecords(pipeline, task.since, slice),
});
