import { randomBytes } from 'node:crypto';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { contracts, dataKeys } from '@etl/contracts';
import type { RunManifest, RunOrigin, SliceManifest } from '@etl/contracts';
import { extractParts } from './extractRun';
import type { ExtractRunOptions } from './extractRun';
import { writeRunManifest } from './runManifest';
import { readState, writeStateOnce } from './stateObjects';

/** One slice of a fanned-out run, by its place among the run's slices. */
export interface SlicePosition {
  index: number;
  count: number;
}

/**
 * Extracts one slice of a fanned-out run into `raw/<pipeline>/<runId>/slice-<S>/<attempt>/` and
 * records it in its slice manifest. Once: a slice whose manifest exists is not read again (a
 * retried task — one that failed after its slice was written — goes straight on to assembling
 * the run). Two deliveries of one slice running at once each write their own files (a random
 * attempt id in the keys) and the first manifest written wins (a conditional write): a manifest
 * always describes files no one rewrites, whatever the source did in between.
 */
export async function extractSlice(
  s3: S3Client,
  options: Omit<ExtractRunOptions, 'slice' | 'records'> & { slice: SlicePosition; records: () => Promise<AsyncIterable<unknown>> },
): Promise<{ manifest: SliceManifest; extractedNow: boolean }> {
  const { bucket, pipeline, runId, slice } = options;
  const key = dataKeys.sliceManifest(pipeline.name, runId, slice.index);
  const done = await readState(s3, bucket, key, contracts.sliceManifest);
  if (done) return { manifest: done, extractedNow: false };
  const attempt = randomBytes(4).toString('hex');
  const { parts, cursorHigh } = await extractParts(s3, {
    ...options,
    records: await options.records(),
    slice: { index: slice.index, attempt },
  });
  const manifest: SliceManifest = {
    pipeline: pipeline.name,
    runId,
    slice: { index: slice.index, count: slice.count },
    cursorHigh,
    parts,
    extractedAt: new Date().toISOString(),
  };
  // another attempt at this slice may have finished first: its manifest stands, ours is dropped
  const { value, written } = await writeStateOnce(s3, bucket, key, contracts.sliceManifest, manifest);
  return { manifest: value, extractedNow: written };
}

/**
 * The run manifest of a fanned-out run once every slice has written its manifest (undefined
 * before): the slices' parts in slice order, numbered across the run (empty parts left out, but
 * one), the highest cursor of any slice. Written once (a conditional write): when slices finish
 * together, each gets the same manifest back, so their announcements are the same messages.
 */
export async function assembleRun(
  s3: S3Client,
  {
    bucket,
    pipeline,
    runId,
    count,
    origin = { kind: 'source' },
  }: { bucket: string; pipeline: string; runId: string; count: number; origin?: RunOrigin },
): Promise<RunManifest | undefined> {
  const listed = await s3.send(
    new ListObjectsV2Command({ Bucket: bucket, Prefix: dataKeys.sliceManifestPrefix(pipeline, runId), MaxKeys: 1000 }),
  );
  if ((listed.KeyCount ?? listed.Contents?.length ?? 0) < count) return undefined;
  const slices = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      readState(s3, bucket, dataKeys.sliceManifest(pipeline, runId, index), contracts.sliceManifest),
    ),
  );
  if (slices.some((slice) => slice === undefined)) return undefined;
  const files = slices.flatMap((slice) => slice!.parts);
  const kept = files.filter(({ file }) => file.rows > 0);
  const cursors = slices.map((slice) => slice!.cursorHigh).filter((cursor): cursor is string => cursor !== null);
  const manifest: RunManifest = {
    pipeline,
    runId,
    origin,
    cursorHigh: cursors.length > 0 ? cursors.reduce((a, b) => (b > a ? b : a)) : null,
    parts: (kept.length > 0 ? kept : files.slice(0, 1)).map(({ file, numbers }, part) => ({ part, file, ...(numbers ? { numbers } : {}) })),
    extractedAt: slices.map((slice) => slice!.extractedAt).reduce((a, b) => (b > a ? b : a)),
  };
  return writeRunManifest(s3, bucket, manifest, { onlyIfAbsent: true });
}
