import { contracts } from '@etl/contracts';
import { sqsWorker } from '@etl/middleware';

/**
 * `load` queue worker: one `staged-file-ready` message per staged file.
 *
 * Today it validates each claim check against its contract (malformed messages go back to
 * the queue and, after `maxRetries`, to the DLQ), logs and counts it. The COPY → MERGE
 * transaction per pipeline batch is issue #4.
 */
export const handler = sqsWorker({
  service: 'load',
  contract: contracts.stagedFileReady,
  clients: {},
  handleMessage: async (message, { logger }) => {
    logger.info('staged file accepted', {
      staged: `s3://${message.staged.bucket}/${message.staged.key}`,
      rows: message.staged.rows,
      bytes: message.staged.bytes,
      accounting: message.accounting,
    });
  },
});
