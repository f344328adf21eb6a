import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { contracts, dataKeys, parseMessage, serializeMessage } from '@etl/contracts';
import type { RawFileReady, RunManifest, RunRef } from '@etl/contracts';
import { isNoSuchKey, isPreconditionFailed } from './s3Outcomes';

/**
 * Records what a finished extract run wrote, at `state/runs/<pipeline>/<runId>.json`. With
 * `onlyIfAbsent`, a manifest already there wins (a conditional write): that one is returned.
 */
export async function writeRunManifest(
  s3: S3Client,
  bucket: string,
  manifest: RunManifest,
  { onlyIfAbsent = false }: { onlyIfAbsent?: boolean } = {},
): Promise<RunManifest> {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: dataKeys.runManifest(manifest.pipeline, manifest.runId),
        Body: serializeMessage(contracts.runManifest, manifest),
        ContentType: 'application/json',
        ...(onlyIfAbsent ? { IfNoneMatch: '*' } : {}),
      }),
    );
    return manifest;
  } catch (error) {
    if (onlyIfAbsent && isPreconditionFailed(error)) return readRunManifest(s3, bucket, manifest);
    throw error;
  }
}

/** Reads a run's manifest; a missing one means the run never finished. */
export async function readRunManifest(s3: S3Client, bucket: string, run: RunRef): Promise<RunManifest> {
  const key = dataKeys.runManifest(run.pipeline, run.runId);
  let body: string;
  try {
    body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
  } catch (error) {
    if (isNoSuchKey(error)) throw new Error(`run ${run.pipeline}/${run.runId} has no manifest at s3://${bucket}/${key}: it did not finish`);
    throw error;
  }
  return parseMessage(contracts.runManifest, body);
}

/** The `raw-file-ready` message of each part of a run, for the transform queue. */
export function announcements(manifest: RunManifest): RawFileReady[] {
  return manifest.parts.map(({ part, file }) => ({
    kind: 'raw-file-ready',
    version: 1,
    pipeline: manifest.pipeline,
    runId: manifest.runId,
    run: { parts: manifest.parts.length, cursorHigh: manifest.cursorHigh },
    part,
    file,
    extractedAt: manifest.extractedAt,
  }));
}
