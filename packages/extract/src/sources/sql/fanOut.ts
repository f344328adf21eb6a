import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { contracts, dataKeys } from '@etl/contracts';
import type { ExtractTask, RunSlice } from '@etl/contracts';
import { publishMessages } from '@etl/messaging';
import type { Retry } from '@etl/middleware';
import type { Pipeline } from '@etl/pipeline-kit';
import { connectionUrl } from './connectionUrl';
import { cursorBoundaries } from './sqlSource';
import { readState, writeStateOnce } from '../../stateObjects';
import type { DatabaseDrivers } from '../sourceKind';
import { sqlSourceOf } from './sqlRunRecords';

/** Default upper bound of tasks per fanned-out run. */
export const DEFAULT_MAX_TASKS = 16;

/**
 * How a run of the pipeline from `since` is split into parallel extract tasks: the slices of its
 * cursor range, from the source's own cursor values (SQL sources with `fanOut`). Undefined when
 * the run is one task: no fan-out configured, or not enough rows to split.
 */
export async function planSlices(
  pipeline: Pipeline,
  since: string | null,
  { env = process.env, databases }: { env?: NodeJS.ProcessEnv; databases: DatabaseDrivers },
): Promise<RunSlice[] | undefined> {
  const source = sqlSourceOf(pipeline);
  if (!source.fanOut) return undefined;
  const boundaries = await cursorBoundaries(pipeline, source, {
    connectionUrl: await connectionUrl(pipeline.name, source.connectionEnv, env),
    databases,
    since,
    rowsPerTask: source.fanOut.rowsPerTask,
    maxTasks: source.fanOut.maxTasks ?? DEFAULT_MAX_TASKS,
  });
  if (boundaries.length === 0) return undefined;
  const count = boundaries.length + 1;
  return Array.from({ length: count }, (_, index) => ({
    index,
    count,
    from: index === 0 ? since : boundaries[index - 1]!,
    until: index < boundaries.length ? boundaries[index]! : null,
  }));
}

/**
 * The run's slices, decided once: the first task to get here computes them and records them
 * (`slices.json`, a conditional write); a redelivered task — or one racing it — gets the recorded
 * ones, so a run is never split two ways (which could leave a gap between slices).
 */
async function decidedSlices(
  s3: S3Client,
  bucket: string,
  pipeline: Pipeline,
  task: ExtractTask,
  reading: { env?: NodeJS.ProcessEnv; databases: DatabaseDrivers },
): Promise<RunSlice[]> {
  const key = dataKeys.slicePlan(pipeline.name, task.runId);
  const recorded = await readState(s3, bucket, key, contracts.slicePlan);
  if (recorded) return recorded.slices;
  const slices = (await planSlices(pipeline, task.since, reading)) ?? [{ index: 0, count: 1, from: task.since, until: null }];
  return (await writeStateOnce(s3, bucket, key, contracts.slicePlan, { pipeline: pipeline.name, runId: task.runId, slices })).value.slices;
}

/**
 * Fans a run's task out (SQL sources with `fanOut`): one task per slice, sent to `queueUrl`
 * (batches of 10, failed entries retried). Returns how many were sent; 0 when the run stays one
 * task (no fan-out configured, too few rows, or the task is a slice already): the caller extracts it.
 */
export async function fanOutTask(
  { s3, sqs }: { s3: S3Client; sqs: SQSClient },
  { bucket, queueUrl }: { bucket: string; queueUrl: string },
  pipeline: Pipeline,
  task: ExtractTask,
  { retry, env, databases }: { retry?: Retry; env?: NodeJS.ProcessEnv; databases: DatabaseDrivers },
): Promise<number> {
  if (task.slice || !sqlSourceOf(pipeline).fanOut) return 0;
  const slices = await decidedSlices(s3, bucket, pipeline, task, { env, databases });
  if (slices.length === 1) return 0;
  await publishMessages({ sqs, queueUrl, contract: contracts.extractTask, messages: slices.map((slice) => ({ ...task, slice })), retry });
  return slices.length;
}
