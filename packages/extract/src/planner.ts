import { randomBytes } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { contracts, dataKeys, makeRunId } from '@etl/contracts';
import type { ExtractQueue, ExtractTask } from '@etl/contracts';
import { publishMessages } from '@etl/messaging';
import type { Retry } from '@etl/middleware';
import { cursorWithLookback } from '@etl/pipeline-kit';
import type { Pipeline } from '@etl/pipeline-kit';
import { committedWatermark, runProgress } from '@etl/warehouse';
import type { Warehouse } from '@etl/warehouse';
import { getIfExists, isPreconditionFailed } from './s3Outcomes';
import { sourceKindOf } from './sources';

interface PlannerState {
  runId: string;
  plannedAt: string;
  /** Set when its task could not be sent: no run is in flight, the next planner plans anew. */
  abandoned?: boolean;
}

export type PlanOutcome = { planned: ExtractTask } | { skipped: string; inFlightRunId?: string };

export interface PlanOptions {
  s3: S3Client;
  bucket: string;
  sqs: SQSClient;
  /** The extract queues' URLs: a run goes to the one its source kind names. */
  extractQueueUrls: Record<ExtractQueue, string>;
  warehouse: Warehouse;
  pipeline: Pipeline;
  retry?: Retry;
  /** A run not complete after this long is given up on and a new one planned. Default 2 hours. */
  staleAfterMs?: number;
  now?: Date;
  /**
   * A backfill: read the cursor range [from, until) through the normal path instead of from the
   * watermark (no lookback). The load's watermark only moves forward, so it is never moved back.
   */
  backfill?: { from: string | null; until: string };
}

/** A run id: the UTC start time, then a random suffix (`20261127T023749Z-a1b2c3`). */
export function newRunId(now: Date): string {
  return makeRunId(now, randomBytes(3).toString('hex'));
}

/**
 * Plans the next extract run of a pipeline, one run at a time: if the run planned last is not
 * loaded completely yet (and not stale), nothing is planned. Otherwise the new run starts from
 * the committed watermark; the planner's state object is replaced with a conditional write, so
 * two planners racing plan one run, and the task goes to the extract queue of its source kind
 * (a SQL worker may fan it out further).
 */
export async function planRun(options: PlanOptions): Promise<PlanOutcome> {
  const { s3, bucket, pipeline, warehouse } = options;
  const { queue, label } = sourceKindOf(pipeline);
  if (!queue) throw new Error(`pipeline ${pipeline.name} reads ${label}: its runs start when a file lands, they are not planned`);
  const queueUrl = options.extractQueueUrls[queue];
  const now = options.now ?? new Date();
  const key = dataKeys.plannerState(pipeline.name);
  const stored = await getIfExists(s3, bucket, key);
  const previous = stored && { state: JSON.parse(stored.text) as PlannerState, etag: stored.etag };
  if (previous && !previous.state.abandoned) {
    const { parts, loaded } = await runProgress(warehouse, pipeline.name, previous.state.runId, { retry: options.retry });
    const complete = parts !== null && loaded >= parts;
    const age = now.getTime() - Date.parse(previous.state.plannedAt);
    if (!complete && age < (options.staleAfterMs ?? 2 * 3_600_000)) {
      return {
        skipped: `run ${previous.state.runId} is still in flight (${loaded}/${parts ?? '?'} parts loaded, planned ${Math.round(age / 1000)} s ago)`,
        inFlightRunId: previous.state.runId,
      };
    }
  }
  // read from the watermark, moved back by the pipeline's lookback: late rows below it are read again
  const since = options.backfill
    ? options.backfill.from
    : cursorWithLookback(await committedWatermark(warehouse, pipeline.name, { retry: options.retry }), pipeline.incremental?.lookback ?? 0);
  const task: ExtractTask = {
    kind: 'extract-task',
    version: 1,
    pipeline: pipeline.name,
    runId: newRunId(now),
    since,
    ...(options.backfill ? { until: options.backfill.until } : {}),
    plannedAt: now.toISOString(),
  };
  const state = (abandoned?: boolean) =>
    JSON.stringify({ runId: task.runId, plannedAt: task.plannedAt, ...(abandoned ? { abandoned } : {}) } satisfies PlannerState);
  let written: string;
  try {
    written = (
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: state(),
          ContentType: 'application/json',
          ...(previous ? { IfMatch: previous.etag } : { IfNoneMatch: '*' }),
        }),
      )
    ).ETag!;
  } catch (error) {
    if (isPreconditionFailed(error)) return { skipped: 'another planner planned a run at the same time' };
    throw error;
  }
  try {
    await publishMessages({ sqs: options.sqs, queueUrl, contract: contracts.extractTask, messages: [task], retry: options.retry });
  } catch (error) {
    // the task never reached its queue: say so in the state, or every planner for the next
    // staleAfterMs would wait for a run that does not exist
    await s3
      .send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: state(true), ContentType: 'application/json', IfMatch: written }))
      .catch(() => undefined); // another planner moved on already, or S3 fails too: staleAfterMs is the backstop
    throw error;
  }
  return { planned: task };
}
