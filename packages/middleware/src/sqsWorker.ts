import type middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseMessage } from '@etl/contracts';
import type { Contract, RunRef } from '@etl/contracts';
import { cachedClients } from './clients';
import type { ClientFactories, Clients } from './clients';
import { instrument } from './lambdaHandler';
import type { Logger } from './logger';
import { BatchTally, createMetrics, MetricUnit } from './metrics';
import { settleRecords } from './settleRecords';
import { withSourceStack } from './sourceStack';
import { s3Client, sqsClient } from './awsClients';
import { WaitingRuns } from './waitingRuns';
import { failureOf } from './failures';
import { FailedRecordRouter } from './failedRecords';
import type { FailedRecordOutcome } from './failedRecords';
import type { Retry } from './retry';

/** Pipeline name used as the metric dimension of a record whose message did not parse. */
export const UNPARSED_PIPELINE = 'unparsed';

/** What a worker's message handler gets besides the message. */
export interface WorkerTools<F extends ClientFactories> {
  clients: Clients<F>;
  /** Logger carrying `messageId`, `pipeline` and `runId`. */
  logger: Logger;
  /** {@link withRetry} bounded by this invocation's remaining time. */
  retry: Retry;
  record: SQSRecord;
  context: Context;
  /** Publishes figures about this message as one EMF document, dimensioned by service, stage and the message's pipeline. Names ending in `Bytes` are bytes, others counts. */
  emitMetrics: (values: Record<string, number>) => void;
}

export interface SqsWorkerOptions<M extends { pipeline: string; runId: string }, F extends ClientFactories> {
  /** Service name for logs and metrics, e.g. `transform`. */
  service: string;
  /** Deployment stage, e.g. `dev`; a metric dimension. Default `process.env.STAGE`. */
  stage?: string;
  /** The contract every message body must match; a mismatch fails that record only. */
  contract: Contract<M>;
  /** AWS clients the handler uses, built once per container. */
  clients: F;
  /** Records (or FIFO groups) processed at once. Default `process.env.RECORD_CONCURRENCY` or 4. */
  concurrency?: number;
  handleMessage: (message: M, tools: WorkerTools<F>) => Promise<void>;
  /** What happens to a failed record (dead-lettered, backed off); default: {@link failedRecordRouter}. */
  failedRecords?: FailedRecordRouter;
  /** Where a run held up by a transient failure shows as waiting; default: {@link waitingRunsOf}. */
  waitingRuns?: WaitingRuns;
}

export type SqsWorkerHandler = middy.MiddyfiedHandler<SQSEvent, SQSBatchResponse, Error, Context>;

/**
 * Builds an SQS-triggered Lambda handler that validates each message against its contract,
 * runs `handleMessage` on the valid ones with bounded concurrency (FIFO groups in order),
 * and reports failures as `batchItemFailures` (queue configured with `ReportBatchItemFailures`):
 * a malformed or failing message goes back to the queue — and after `maxRetries` to the
 * DLQ — without failing the rest of the batch. Emits per-pipeline EMF metrics and the cold
 * start, and logs structured JSON with request, message and run ids.
 *
 * @example
 * export const handler = sqsWorker({
 *   service: 'transform',
 *   contract: contracts.rawFileReady,
 *   clients: { s3: s3Client, sqs: sqsClient },
 *   handleMessage: async (message, { clients, logger }) => { ... },
 * });
 */
export function sqsWorker<M extends { pipeline: string; runId: string }, F extends ClientFactories>(
  options: SqsWorkerOptions<M, F>,
): SqsWorkerHandler {
  const { service, contract, handleMessage } = options;
  const concurrency = options.concurrency ?? positiveInt(process.env.RECORD_CONCURRENCY) ?? 4;
  const stage = options.stage ?? process.env.STAGE ?? 'local';
  const { logger, metrics, retryUntilDeadline, wrap } = instrument(service, stage);
  const emitFor = pipelineFigures(service, stage);
  const getClients = cachedClients(options.clients);
  const router = options.failedRecords ?? failedRecordRouter(service);
  const waiting = options.waitingRuns ?? waitingRunsOf(service);

  const handler = async (event: SQSEvent, context: Context): Promise<PromiseSettledResult<unknown>[]> => {
    const batchStarted = performance.now();
    const tally = new BatchTally();
    const retry = retryUntilDeadline(context);

    const results = await settleRecords(
      event.Records,
      async (record) => {
        const started = performance.now();
        const recordLogger = logger.createChild({ persistentKeys: { messageId: record.messageId } });
        let pipeline = UNPARSED_PIPELINE;
        let run: RunRef | undefined;
        try {
          const message = parseMessage(contract, record.body);
          pipeline = message.pipeline;
          recordLogger.appendPersistentKeys({ pipeline, runId: message.runId });
          run = { pipeline, runId: message.runId };
          await handleMessage(message, {
            clients: getClients(),
            logger: recordLogger,
            retry,
            record,
            context,
            emitMetrics: emitFor(pipeline),
          });
          tally.count(pipeline, 'ok', performance.now() - started);
          await waiting.succeeded(run, record).catch((error: unknown) => logWaitingError(recordLogger, error));
        } catch (error) {
          tally.count(pipeline, 'failed', performance.now() - started);
          if (!(await settleFailure({ router, waiting }, recordLogger, record, error, run))) throw error;
        }
      },
      { concurrency },
    );

    tally.publish(metrics);
    metrics.addMetric('BatchDuration', MetricUnit.Milliseconds, Math.round(performance.now() - batchStarted));
    metrics.addMetric('BatchSize', MetricUnit.Count, event.Records.length);
    return results;
  };

  // The handler returns one settled result per record; the partial batch middleware turns
  // the rejected ones into `batchItemFailures`.
  return wrap(handler as unknown as (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>).use(
    sqsPartialBatchFailure({ logger: undefined }), // failures are logged above, with run ids
  );
}

/** The failed-record router of a worker, with an SQS client of its own (built on the first failure). */
export function failedRecordRouter(service: string): FailedRecordRouter {
  const clients = cachedClients({ sqs: sqsClient });
  return new FailedRecordRouter(() => clients().sqs, service);
}

/** The waiting-run records of a worker, in the data bucket (`DATA_BUCKET`), with an S3 client of its own. */
export function waitingRunsOf(service: string): WaitingRuns {
  const clients = cachedClients({ s3: s3Client });
  return new WaitingRuns(() => clients().s3, process.env.DATA_BUCKET, service);
}

export function logWaitingError(logger: Logger, error: unknown): void {
  logger.warn('waiting-run record not updated', { reason: error instanceof Error ? error.message : String(error) });
}

/**
 * Classifies a record's failure and routes it ({@link FailedRecordRouter}): true when that
 * settled the record (dead-lettered, or re-queued as a fresh copy), false when it is to be
 * reported as a batch item failure. Logs one JSON line saying which, with the code and reason.
 */
export async function settleFailure(
  { router, waiting }: { router: FailedRecordRouter; waiting: WaitingRuns },
  logger: Logger,
  record: SQSRecord,
  error: unknown,
  /** the run the message is about, when it parsed */
  run?: RunRef,
): Promise<boolean> {
  const failure = failureOf(error);
  const outcome = await router.route(record, failure);
  if (run) await waiting.routed(run, failure, outcome).catch((reason: unknown) => logWaitingError(logger, reason));
  logger.error(RECORD_FAILED[outcome.action], {
    code: failure.code,
    retry: failure.retry,
    reason: failure.reason,
    ...outcome,
    error: error instanceof Error ? withSourceStack(error) : undefined,
    receiveCount: Number(record.attributes.ApproximateReceiveCount),
  });
  return outcome.action === 'dead-lettered' || outcome.action === 'requeued';
}

const RECORD_FAILED: Record<FailedRecordOutcome['action'], string> = {
  'dead-lettered': 'record failed: sent to the dead-letter queue',
  requeued: 'record failed: queued again after a delay',
  'backed-off': 'record failed: returns after a delay',
  returned: 'record failed: returned to the queue for retry',
};

/** Publishes figures about one pipeline as one EMF document (names ending in `Bytes` are bytes, others counts). */
export function pipelineFigures(service: string, stage: string) {
  return (pipeline: string) =>
    (values: Record<string, number>): void => {
      const figures = createMetrics(service, stage);
      figures.addDimension('pipeline', pipeline);
      for (const [name, value] of Object.entries(values))
        figures.addMetric(name, name.endsWith('Bytes') ? MetricUnit.Bytes : MetricUnit.Count, value);
      figures.publishStoredMetrics();
    };
}

export function positiveInt(value: string | undefined): number | undefined {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : undefined;
}
