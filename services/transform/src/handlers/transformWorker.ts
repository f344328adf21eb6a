import { contracts } from '@etl/contracts';
import { sqsWorker } from '@etl/middleware';

/**
 * `transform` queue worker: one `raw-file-ready` message per raw file.
 *
 * Today it validates each claim check against its contract (malformed messages go back to
 * the queue and, after `maxRetries`, to the DLQ), logs and counts it. Streaming the file
 * through validation, coercion and dedupe into `staged/` and `quarantine/` is issue #4.
 */
export const handler = sqsWorker({
  service: 'transform',
  contract: contracts.rawFileReady,
  clients: {},
  handleMessage: async (message, { logger }) => {
    logger.info('raw file accepted', {
      raw: `s3://${message.file.bucket}/${message.file.key}`,
      rows: message.file.rows,
      bytes: message.file.bytes,
    });
  },
});
