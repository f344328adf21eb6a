import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseMessage } from '@etl/contracts';
import type { Contract } from '@etl/contracts';
import { cachedClients } from './clients';
import type { ClientFactories } from './clients';
import { instrument } from './lambdaHandler';
import { BatchTally, MetricUnit } from './metrics';
import { EtlError } from '@etl/contracts';
import { failedRecordRouter, logWaitingError, pipelineFigures, settleFailure, UNPARSED_PIPELINE, waitingRunsOf } from './sqsWorker';
import type { WaitingRuns } from './waitingRuns';
import { failureOf } from './failures';
import type { Logger } from './logger';
import type { FailedRecordRouter } from './failedRecords';
import type { SqsWorkerHandler, WorkerTools } from './sqsWorker';

export interface SqsBatchWorkerOptions<M extends { pipeline: string; runId: string }, F extends ClientFactories> {
  service: string;
  stage?: string;
  contract: Contract<M>;
  clients: F;
  /**
   * Handles the valid messages of one pipeline together, all or nothing (the load: one
   * transaction). If it throws a transient error, all of them back off; a permanent one, and the
   * messages are handled again in halves until the ones at fault are found.
   */
  handleBatch: (messages: M[], tools: Omit<WorkerTools<F>, 'record'> & { records: SQSRecord[] }) => Promise<void>;
  /** What happens to a failed record (dead-lettered, backed off); default: {@link failedRecordRouter}. */
  failedRecords?: FailedRecordRouter;
  /** Where a run held up by a transient failure shows as waiting; default: {@link waitingRunsOf}. */
  waitingRuns?: WaitingRuns;
}

interface Entry<M> {
  index: number;
  record: SQSRecord;
  message: M;
}

/** Time kept for settling the messages after the last bisection step. */
const BISECT_RESERVE_MS = 5_000;

/** A batch failed for a permanent reason and the invocation had no time left to find the messages at fault. */
export class NotIsolated extends EtlError {
  override readonly name = 'NotIsolated';
  readonly code = 'NOT_ISOLATED';
  readonly retry = 'transient';

  constructor(messages: number, cause: unknown) {
    super(
      `one of ${messages} messages handled together failed (${(cause as Error)?.message ?? String(cause)}); no time left to find which`,
      { cause },
    );
  }
}

/**
 * Like {@link sqsWorker}, for work done per batch rather than per message (the load: one
 * warehouse transaction for many files). Malformed messages are reported alone; the valid ones
 * are grouped by pipeline, each group handled in one call, and a failing group fails only its
 * own messages — and, when it failed for a permanent reason, only the messages at fault: the
 * group is handled again in halves (bisection), so one poison file never holds back the rest.
 */
export function sqsBatchWorker<M extends { pipeline: string; runId: string }, F extends ClientFactories>(
  options: SqsBatchWorkerOptions<M, F>,
): SqsWorkerHandler {
  const stage = options.stage ?? process.env.STAGE ?? 'local';
  const { logger, metrics, retryUntilDeadline, wrap } = instrument(options.service, stage);
  const emitFor = pipelineFigures(options.service, stage);
  const getClients = cachedClients(options.clients);
  const router = options.failedRecords ?? failedRecordRouter(options.service);
  const waiting = options.waitingRuns ?? waitingRunsOf(options.service);

  const handler = async (event: SQSEvent, context: Context): Promise<PromiseSettledResult<unknown>[]> => {
    const batchStarted = performance.now();
    const tally = new BatchTally();
    const results = new Array<PromiseSettledResult<unknown>>(event.Records.length);
    const groups = new Map<string, Entry<M>[]>();
    const failed = async (entry: Pick<Entry<M>, 'index' | 'record'> & { message?: M }, error: unknown, logger: Logger) => {
      const run = entry.message && { pipeline: entry.message.pipeline, runId: entry.message.runId };
      const messageLogger = logger.createChild({ persistentKeys: { messageId: entry.record.messageId } });
      const settled = await settleFailure({ router, waiting }, messageLogger, entry.record, error, run);
      results[entry.index] = settled ? { status: 'fulfilled', value: undefined } : { status: 'rejected', reason: error };
    };
    for (const [index, record] of event.Records.entries()) {
      try {
        const message = parseMessage(options.contract, record.body);
        const group = groups.get(message.pipeline) ?? [];
        group.push({ index, record, message });
        groups.set(message.pipeline, group);
      } catch (error) {
        tally.count(UNPARSED_PIPELINE, 'failed', 0);
        await failed({ index, record }, error, logger);
      }
    }
    for (const [pipeline, entries] of groups) {
      const groupLogger = logger.createChild({ persistentKeys: { pipeline, runIds: [...new Set(entries.map((e) => e.message.runId))] } });
      /** Handles entries together; if that fails for a permanent reason, each half alone, down to the messages at fault. */
      const settle = async (part: Entry<M>[]): Promise<void> => {
        const started = performance.now();
        try {
          await options.handleBatch(
            part.map((e) => e.message),
            {
              clients: getClients(),
              logger: groupLogger,
              retry: retryUntilDeadline(context),
              context,
              emitMetrics: emitFor(pipeline),
              records: part.map((e) => e.record),
            },
          );
          for (const entry of part) {
            results[entry.index] = { status: 'fulfilled', value: undefined };
            tally.count(pipeline, 'ok', (performance.now() - started) / part.length);
            await waiting
              .succeeded({ pipeline, runId: entry.message.runId }, entry.record)
              .catch((error: unknown) => logWaitingError(groupLogger, error));
          }
        } catch (error) {
          const failure = failureOf(error);
          if (failure.retry === 'permanent' && part.length > 1) {
            if (context.getRemainingTimeInMillis() > (performance.now() - started) * 2 + BISECT_RESERVE_MS) {
              groupLogger.warn('batch failed for a permanent reason: loading each half alone', {
                code: failure.code,
                messages: part.length,
              });
              const half = Math.ceil(part.length / 2);
              await settle(part.slice(0, half));
              await settle(part.slice(half));
              return;
            }
            // no time left to find the messages at fault: none is condemned, all come back
            error = new NotIsolated(part.length, error);
          }
          for (const entry of part) {
            tally.count(pipeline, 'failed', (performance.now() - started) / part.length);
            await failed(entry, error, groupLogger);
          }
        }
      };
      await settle(entries);
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
