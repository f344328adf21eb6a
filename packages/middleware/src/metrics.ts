import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export { Metrics, MetricUnit };

/** CloudWatch namespace of every metric the pipeline emits (override: `POWERTOOLS_METRICS_NAMESPACE`). */
export const METRICS_NAMESPACE = 'ServerlessEtl';

/**
 * The one way to build a metrics emitter: CloudWatch Embedded Metric Format lines on stdout
 * (Powertools Metrics), with the deployment stage as a default dimension.
 *
 * @example
 * const metrics = createMetrics('load', 'prod');
 * metrics.addMetric('RowsLoaded', MetricUnit.Count, 1200);
 * metrics.publishStoredMetrics();
 */
export function createMetrics(serviceName: string, stage: string): Metrics {
  return new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
    serviceName,
    defaultDimensions: { stage },
  });
}

interface PipelineTally {
  in: number;
  ok: number;
  failed: number;
  processingMs: number;
}

/**
 * Counts the records of one SQS batch by pipeline and outcome, then publishes one EMF
 * document per pipeline: `RecordsIn`, `RecordsOk`, `RecordsFailed` (Count) and
 * `ProcessingTime` (Milliseconds, summed over the pipeline's records), dimensioned by
 * `service`, `stage` and `pipeline`.
 */
export class BatchTally {
  private readonly byPipeline = new Map<string, PipelineTally>();

  count(pipeline: string, outcome: 'ok' | 'failed', processingMs: number): void {
    let tally = this.byPipeline.get(pipeline);
    if (!tally) {
      tally = { in: 0, ok: 0, failed: 0, processingMs: 0 };
      this.byPipeline.set(pipeline, tally);
    }
    tally.in++;
    tally[outcome]++;
    tally.processingMs += processingMs;
  }

  publish(metrics: Metrics): void {
    for (const [pipeline, tally] of this.byPipeline) {
      metrics.addDimension('pipeline', pipeline);
      metrics.addMetric('RecordsIn', MetricUnit.Count, tally.in);
      metrics.addMetric('RecordsOk', MetricUnit.Count, tally.ok);
      metrics.addMetric('RecordsFailed', MetricUnit.Count, tally.failed);
      metrics.addMetric('ProcessingTime', MetricUnit.Milliseconds, Math.round(tally.processingMs));
      metrics.publishStoredMetrics();
    }
    this.byPipeline.clear();
  }
}
