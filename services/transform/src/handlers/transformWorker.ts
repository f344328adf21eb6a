import { contracts } from '@etl/contracts';
import { publishMessages } from '@etl/messaging';
import { requireEnv, s3Client, sqsClient, sqsWorker } from '@etl/middleware';
import { pipelineNamed } from '@etl/pipelines';
import { transformFile } from '@etl/transform';

/**
 * `transform` queue worker: one `raw-file-ready` message per raw file. Streams the file through
 * its pipeline's validation, coercion and dedupe into `staged/` and `quarantine/`, then tells the
 * load stage. A failure leaves the message for retry; the keys written are the same on a retry.
 */
export const handler = sqsWorker({
  service: 'transform',
  contract: contracts.rawFileReady,
  clients: { s3: s3Client, sqs: sqsClient },
  handleMessage: async (message, { clients, logger, retry, emitMetrics }) => {
    const staged = await transformFile(clients.s3, pipelineNamed(message.pipeline), message);
    await publishMessages({
      sqs: clients.sqs,
      queueUrl: requireEnv('LOAD_QUEUE_URL'),
      contract: contracts.stagedFileReady,
      messages: [staged],
      retry,
    });
    emitMetrics({
      RowsIn: staged.accounting.rowsIn,
      RowsStaged: staged.accounting.rowsStaged,
      RowsRejected: staged.accounting.rowsRejected,
      DuplicatesCollapsed: staged.accounting.duplicatesCollapsed,
      StagedBytes: staged.staged.bytes,
    });
    logger.info('raw file transformed', { staged: staged.staged.key, accounting: staged.accounting, rejectsByRule: staged.rejectsByRule });
  },
});
