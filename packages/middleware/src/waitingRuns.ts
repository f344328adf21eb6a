import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSRecord } from 'aws-lambda';
import { contracts, dataKeys, serializeMessage } from '@etl/contracts';
import type { RunRef } from '@etl/contracts';
import { FAILURE_ATTRIBUTES } from './failedRecords';
import type { FailedRecordOutcome } from './failedRecords';
import type { Failure } from './failures';

/**
 * Keeps `state/waiting/…` (contracts.runWaiting) true to what the queues do, so that a run held
 * up by a transient failure shows as waiting — since when, why, until when — in `etl runs`,
 * `etl status` and the dashboard instead of vanishing. A no-op without a data bucket
 * (`DATA_BUCKET`). Best effort: a failure to write it never changes what happens to the message.
 */
export class WaitingRuns {
  constructor(
    private readonly s3: () => S3Client,
    private readonly bucket: string | undefined,
    private readonly service: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** After a failed record was routed: waiting when it will be tried again, not when it left the queue for good. */
  async routed(run: RunRef, failure: Failure, outcome: FailedRecordOutcome): Promise<void> {
    if (outcome.action === 'dead-lettered') return this.settled(run);
    if (outcome.action !== 'backed-off' && outcome.action !== 'requeued') return;
    if (this.bucket === undefined) return;
    const at = this.now();
    await this.s3().send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: dataKeys.waiting(run.pipeline, run.runId, this.service),
        ContentType: 'application/json',
        Body: serializeMessage(contracts.runWaiting, {
          kind: 'run-waiting',
          version: 1,
          pipeline: run.pipeline,
          runId: run.runId,
          service: this.service,
          since: outcome.since,
          at: new Date(at).toISOString(),
          code: failure.code,
          reason: failure.reason.slice(0, 2_000),
          attempt: outcome.attempt,
          nextAttemptAt: new Date(at + outcome.delaySeconds * 1000).toISOString(),
        }),
      }),
    );
  }

  /** A record handled: if it had failed before, its run no longer waits here. */
  async succeeded(run: RunRef, record: SQSRecord): Promise<void> {
    if (failedBefore(record)) await this.settled(run);
  }

  private async settled(run: RunRef): Promise<void> {
    if (this.bucket === undefined) return;
    await this.s3().send(new DeleteObjectCommand({ Bucket: this.bucket, Key: dataKeys.waiting(run.pipeline, run.runId, this.service) }));
  }
}

/** Received before, or a re-queued copy of a message that failed: it may have left a waiting record. */
export function failedBefore(record: SQSRecord): boolean {
  return Number(record.attributes.ApproximateReceiveCount) > 1 || record.messageAttributes?.[FAILURE_ATTRIBUTES.attempts] !== undefined;
}
