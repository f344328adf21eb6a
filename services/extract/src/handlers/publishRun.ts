import { contracts, parseMessage } from '@etl/contracts';
import { announceRun, readRunManifest, recordReplay } from '@etl/extract';
import { cachedClients, lambdaHandler, MetricUnit, requireEnv, s3Client, sqsClient } from '@etl/middleware';

const clients = cachedClients({ s3: s3Client, sqs: sqsClient });

/**
 * Announces every raw file of one finished extract run on the transform queue again: input
 * `{ pipeline, runId }`, read from the run's manifest. This is how a run is replayed (the
 * transform rewrites the same keys and the load skips files it has loaded, so a replay
 * creates no duplicates). Each replay is recorded (`state/replays/<pipeline>/<run>/<time>.json`).
 */
export const handler = lambdaHandler({
  service: 'extract',
  handle: async (event: unknown, { logger, metrics, retry }) => {
    const run = parseMessage(contracts.runRef, JSON.stringify(event));
    logger.appendKeys({ pipeline: run.pipeline, runId: run.runId });
    const manifest = await readRunManifest(clients().s3, requireEnv('DATA_BUCKET'), run);
    await recordReplay(clients().s3, requireEnv('DATA_BUCKET'), manifest); // before: its loads come after it
    const published = await announceRun(clients().sqs, requireEnv('TRANSFORM_QUEUE_URL'), manifest, retry);
    metrics.addDimension('pipeline', run.pipeline);
    metrics.addMetric('RawFilesPublished', MetricUnit.Count, published);
    logger.info('run announced to transform', { files: published, rows: manifest.parts.reduce((sum, p) => sum + p.file.rows, 0) });
    return { published };
  },
});
