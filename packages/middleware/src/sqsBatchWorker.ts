import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseMessage } from '@etl/contracts';
import type { Contract } from '@etl/contracts';
import { cachedClients } from './clients';
import type { ClientFactories } from './clients';
import { instrument } from './lambdaHandler';
import { BatchTally, MetricUnit } from './metrics';
import { logRecordFailure, pipelineFigures, UNPARSED_PIPELINE } from './sqsWorker';
import type { SqsWorkerHandler, WorkerTools } from './sqsWorker';

export interface SqsBatchWorkerOptions<M extends { pipeline: string; runId: string }, F extends ClientFactories> {
  service: string;
  stage?: string;
  contract: Contract<M>;
  clients: F;
  /** Handles the valid messages of one pipeline together; if it throws, all of them are retried. */
  handleBatch: (messages: M[], tools: Omit<WorkerTools<F>, 'record'> & { records: SQSRecord[] }) => Promise<void>;
}

/**
 * Like {@link sqsWorker}, for work done per batch rather than per message (the load: one
 * warehouse transaction for many files). Malformed messages are reported alone; the valid ones
 * are grouped by pipeline, each group handled in one call, and a failing group fails only its
 * own messages.
 */
export function sqsBatchWorker<M extends { pipeline: string; runId: string }, F extends ClientFactories>(
  options: SqsBatchWorkerOptions<M, F>,
): SqsWorkerHandler {
  const stage = options.stage ?? process.env.STAGE ?? 'local';
  const { logger, metrics, retryUntilDeadline, wrap } = instrument(options.service, stage);
  const emitFor = pipelineFigures(options.service, stage);
  const getClients = cachedClients(options.clients);

  const handler = async (event: SQSEvent, context: Context): Promise<PromiseSettledResult<unknown>[]> => {
    const batchStarted = performance.now();
    const tally = new BatchTally();
    const results = new Array<PromiseSettledResult<unknown>>(event.Records.length);
    const groups = new Map<string, { index: number; record: SQSRecord; message: M }[]>();
    event.Records.forEach((record, index) => {
      try {
        const message = parseMessage(options.contract, record.body);
        const group = groups.get(message.pipeline) ?? [];
        group.push({ index, record, message });
        groups.set(message.pipeline, group);
      } catch (error) {
        results[index] = { status: 'rejected', reason: error };
        tally.count(UNPARSED_PIPELINE, 'failed', 0);
        logRecordFailure(logger.createChild({ persistentKeys: { messageId: record.messageId } }), record, error);
      }
    });
    for (const [pipeline, entries] of groups) {
      const started = performance.now();
      const groupLogger = logger.createChild({ persistentKeys: { pipeline, runIds: [...new Set(entries.map((e) => e.message.runId))] } });
      try {
        await options.handleBatch(
          entries.map((e) => e.message),
          {
            clients: getClients(),
            logger: groupLogger,
            retry: retryUntilDeadline(context),
            context,
            emitMetrics: emitFor(pipeline),
            records: entries.map((e) => e.record),
          },
        );
        for (const entry of entries) {
          results[entry.index] = { status: 'fulfilled', value: undefined };
          tally.count(pipeline, 'ok', (performance.now() - started) / entries.length);
        }
      } catch (error) {
        for (const entry of entries) {
          results[entry.index] = { status: 'rejected', reason: error };
          tally.count(pipeline, 'failed', (performance.now() - started) / entries.length);
          logRecordFailure(groupLogger.createChild({ persistentKeys: { messageId: entry.record.messageId } }), entry.record, error);
        }
      }
    }
    tally.publish(metrics);
    metrics.addMetric('BatchDuration', MetricUnit.Milliseconds, Math.round(performance.now() - batchStarted));
    metrics.addMetric('BatchSize', MetricUnit.Count, event.Records.length);
    return results;
  };

  return wrap(handler as unknown as (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>).use(
    sqsPartialBatchFailure({ logger: undefined }),
  );
}
