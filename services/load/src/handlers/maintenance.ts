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
    for (const table of done) {
      if (table.skipped) logger.info('table skipped', { ...table });
      else if (table.warning) logger.warn('table maintenance may have had no effect', { ...table });
      else logger.info('table maintained', { ...table });
    }
    metrics.addMetric('TablesMaintained', MetricUnit.Count, done.filter((t) => !t.skipped && !t.warning).length);
    metrics.addMetric('TablesNotMaintained', MetricUnit.Count, done.filter((t) => t.skipped || t.warning).length);
    return { maintained: done };
  },
});
