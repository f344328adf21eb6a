import { maintainTables } from '@etl/load';
import { cachedClients, lambdaHandler, MetricUnit, redshiftDataClient } from '@etl/middleware';
import { warehouseFromEnv } from '@etl/warehouse';
import { pipelines } from '@etl/pipelines';

const clients = cachedClients({ redshiftData: redshiftDataClient });

/** Scheduled: VACUUM and ANALYZE every pipeline's table and the load's own bookkeeping table. */
export const handler = lambdaHandler({
  service: 'load',
  handle: async (_event: unknown, { logger, metrics, retry, context }) => {
    const done = await maintainTables(warehouseFromEnv(clients().redshiftData), Object.values(pipelines), {
      retry,
      remainingTimeMs: () => context.getRemainingTimeInMillis(),
    });
    for (const table of done) logger.info('table maintained', { ...table });
    metrics.addMetric('TablesMaintained', MetricUnit.Count, done.length);
    return { maintained: done };
  },
});
