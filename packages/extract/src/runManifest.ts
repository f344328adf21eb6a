import type { S3Client } from '@aws-sdk/client-s3';
import { contracts, dataKeys } from '@etl/contracts';
import type { RawFileReady, RunManifest, RunRef } from '@etl/contracts';
import { readState, writeState, writeStateOnce } from './stateObjects';

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
  const key = dataKeys.runManifest(manifest.pipeline, manifest.runId);
  if (onlyIfAbsent) return (await writeStateOnce(s3, bucket, key, contracts.runManifest, manifest)).value;
  await writeState(s3, bucket, key, contracts.runManifest, manifest);
  return manifest;
}

/** Reads a run's manifest; a missing one means the run never finished. */
export async function readRunManifest(s3: S3Client, bucket: string, run: RunRef): Promise<RunManifest> {
  const key = dataKeys.runManifest(run.pipeline, run.runId);
  const manifest = await readState(s3, bucket, key, contracts.runManifest);
  if (!manifest) throw new Error(`run ${run.pipeline}/${run.runId} has no manifest at s3://${bucket}/${key}: it did not finish`);
  return manifest;
}

/** The `raw-file-ready` message of each part of a run, for the transform queue. */
export function announcements(manifest: RunManifest): RawFileReady[] {
  return manifest.parts.map(({ part, file, numbers }) => ({
    kind: 'raw-file-ready',
    version: 1,
    pipeline: manifest.pipeline,
    runId: manifest.runId,
    run: { parts: manifest.parts.length, cursorHigh: manifest.cursorHigh },
    part,
    file,
    ...(numbers ? { numbers } : {}),
    extractedAt: manifest.extractedAt,
  }));
}
