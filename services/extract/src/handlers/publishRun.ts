import { contracts, parseMessage } from '@etl/contracts';
import { announcements, readRunManifest } from '@etl/extract';
import { publishMessages } from '@etl/messaging';
import { cachedClients, lambdaHandler, MetricUnit, requireEnv, s3Client, sqsClient } from '@etl/middleware';

const clients = cachedClients({ s3: s3Client, sqs: sqsClient });

/**
 * Announces every raw file of one extract run on the transform queue: input `{ pipeline, runId }`.
 * Invoked at the end of an extract run, or by hand to replay a run (transform and load are
 * idempotent per file, so a replay creates no duplicates).
 */
export const handler = lambdaHandler({
  service: 'extract',
  handle: async (event: unknown, { logger, metrics, retry }) => {
    const run = parseMessage(contracts.runRef, JSON.stringify(event));
    logger.appendKeys({ pipeline: run.pipeline, runId: run.runId });
    const messages = announcements(await readRunManifest(clients().s3, requireEnv('DATA_BUCKET'), run));
    await publishMessages({
      sqs: clients().sqs,
      queueUrl: requireEnv('TRANSFORM_QUEUE_URL'),
      contract: contracts.rawFileReady,
      messages,
      retry,
    });
    metrics.addDimension('pipeline', run.pipeline);
    metrics.addMetric('RawFilesPublished', MetricUnit.Count, messages.length);
    logger.info('run announced to transform', { files: messages.length, rows: messages.reduce((sum, m) => sum + m.file.rows, 0) });
    return { published: messages.length };
  },
});
