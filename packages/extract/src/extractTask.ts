import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ExtractTask, RawPart, RunManifest, RunOrigin, RunSlice } from '@etl/contracts';
import type { Retry } from '@etl/middleware';
import type { Pipeline } from '@etl/pipeline-kit';
import { announceRun } from './announceRun';
import { belowCursor } from './cursorRange';
import { extractRun } from './extractRun';
import type { SourceRecords } from './sourceRecords';
import { assembleRun, extractSlice } from './runSlices';

export interface ExtractTaskOptions {
  s3: S3Client;
  sqs: SQSClient;
  bucket: string;
  transformQueueUrl: string;
  retry?: Retry;
  pipeline: Pipeline;
  task: ExtractTask;
  /** The source's records: of the whole run, or of the task's slice. */
  records: (slice?: RunSlice) => SourceRecords | Promise<SourceRecords>;
  partRows?: number;
}

export interface ExtractTaskOutcome {
  /** A backfill: the rows the source gave at or above its end (or without a cursor), left to the scheduled runs. */
  outsideRange: number;
  /** The parts this task wrote; undefined for a slice written before (a redelivered task reads nothing again). */
  extracted: RawPart[] | undefined;
  /** The run, once it is complete and announced on the transform queue; undefined while slices are missing. */
  announced: RunManifest | undefined;
}

/**
 * What an extract worker does with one task. A whole run: extract it, write the run manifest,
 * announce every part (retried whole when it fails: same run id, same keys). A slice: write it
 * and its slice manifest once; the slice that finds every slice written assembles the run and
 * announces it.
 */
export async function runExtractTask(options: ExtractTaskOptions): Promise<ExtractTaskOutcome> {
  const { s3, sqs, bucket, pipeline, task, retry } = options;
  const common = { bucket, pipeline, runId: task.runId, since: task.since, partRows: options.partRows };
  const origin: RunOrigin = task.until === undefined ? { kind: 'source' } : { kind: 'backfill', from: task.since, until: task.until };
  const outside = { rows: 0 };
  const until = task.until;
  // a backfill reads [since, until): the source is asked from `since`, the rows from `until` on are left out here
  const records = async (slice?: RunSlice) => {
    const all = await options.records(slice);
    return until === undefined ? all : belowCursor(pipeline, all, until, outside);
  };
  let extracted: RawPart[] | undefined;
  let manifest: RunManifest | undefined;
  if (task.slice) {
    const slice = task.slice;
    const written = await extractSlice(s3, { ...common, slice, records: () => records(slice) });
    extracted = written.extractedNow ? written.manifest.parts : undefined;
    manifest = await assembleRun(s3, { bucket, pipeline: pipeline.name, runId: task.runId, count: slice.count, origin });
  } else {
    manifest = await extractRun(s3, { ...common, origin, records: await records() });
    extracted = manifest.parts;
  }
  if (manifest) await announceRun(sqs, options.transformQueueUrl, manifest, retry);
  return { extracted, announced: manifest, outsideRange: outside.rows };
}
