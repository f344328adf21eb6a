import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { contracts, dataKeys } from '@etl/contracts';
import type { RunManifest, RunReplay } from '@etl/contracts';
import { publishMessages } from '@etl/messaging';
import type { Retry } from '@etl/middleware';
import { announcements } from './runManifest';
import { writeState } from './stateObjects';

/** Tells the transform stage about every part of a finished run (batched sends, nothing dropped). */
export async function announceRun(sqs: SQSClient, queueUrl: string, manifest: RunManifest, retry?: Retry): Promise<number> {
  const messages = announcements(manifest);
  await publishMessages({ sqs, queueUrl, contract: contracts.rawFileReady, messages, retry });
  return messages.length;
}

/**
 * Records that a finished run is announced again (a replay), before it is: `etl runs` and the
 * dashboard show each replay, and what it loaded (the ledger's files loaded since `replayedAt`).
 */
export async function recordReplay(s3: S3Client, bucket: string, manifest: RunManifest, at = new Date()): Promise<RunReplay> {
  const replay: RunReplay = {
    kind: 'run-replay',
    version: 1,
    pipeline: manifest.pipeline,
    runId: manifest.runId,
    replayedAt: at.toISOString(),
    files: manifest.parts.length,
  };
  await writeState(s3, bucket, dataKeys.replay(manifest.pipeline, manifest.runId, at), contracts.runReplay, replay);
  return replay;
}
