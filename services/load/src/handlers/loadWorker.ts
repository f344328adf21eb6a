import { contracts } from '@etl/contracts';
import { loadBatch } from '@etl/load';
import { warehouseFromEnv } from '@etl/warehouse';
import { redshiftDataClient, requireEnv, s3Client, sqsBatchWorker } from '@etl/middleware';
import { pipelineNamed } from '@etl/pipelines';

/**
 * `load` queue worker: the staged files of a batch (up to the batch size, gathered over the
 * batching window) go to the warehouse in one transaction per pipeline — COPY via manifest,
 * MERGE, accounting, watermark. A failed transaction returns that pipeline's messages for retry;
 * files already loaded load nothing again.
 */
export const handler = sqsBatchWorker({
  service: 'load',
  contract: contracts.stagedFileReady,
  clients: { s3: s3Client, redshiftData: redshiftDataClient },
  handleBatch: async (messages, { clients, retry, context, logger, emitMetrics }) => {
    const pipeline = pipelineNamed(messages[0]!.pipeline);
    const result = await loadBatch(
      clients.s3,
      { ...warehouseFromEnv(clients.redshiftData), copyRoleArn: requireEnv('WAREHOUSE_COPY_ROLE_ARN') },
      pipeline,
      messages,
      {
        retry,
        remainingTimeMs: () => context.getRemainingTimeInMillis(),
      },
    );
    const sum = (pick: (f: (typeof result.loaded)[number]) => number) => result.loaded.reduce((total, f) => total + pick(f), 0);
    const figures = {
      FilesLoaded: result.loaded.length,
      FilesAlreadyLoaded: new Set(messages.map((m) => m.staged.key)).size - result.loaded.length,
      RowsInserted: sum((f) => f.rowsInserted),
      RowsUpdated: sum((f) => f.rowsUpdated),
      RowsRejected: sum((f) => f.rowsRejected),
      DuplicatesCollapsed: sum((f) => f.collapsed),
      ColumnsAdded: result.addedColumns.length,
    };
    emitMetrics(figures);
    if (result.addedColumns.length > 0)
      logger.info('columns added', {
        pipeline: pipeline.name,
        table: `${pipeline.schema}.${pipeline.table}`,
        columns: result.addedColumns,
      });
    logger.info('batch loaded', { batchId: result.batchId, ...figures });
    if (result.reportError) logger.warn('load report not written', { batchId: result.batchId, error: result.reportError });
  },
});
