import { GetObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { contracts, dataKeys, parseMessage, replayRunOf } from '@etl/contracts';
import type { RunOrigin, RunReplay } from '@etl/contracts';
import { sourceKindOf } from '@etl/extract';
import { pipelineNamed } from '@etl/pipelines';
import { filesLoadedSince } from '@etl/warehouse';
import type { ReplayShown } from './replaysText';
import type { Target } from './target';

/** A manifest never changes once written: each run's origin is read once per process. */
const known = new Map<string, RunOrigin | null>();

/**
 * Where each run's rows came from, from its run manifest (`state/runs/<pipeline>/<run>.json`);
 * null for a run without a manifest or one written before origins were recorded.
 */
export async function runOrigins(
  target: Pick<Target, 's3' | 'bucket'>,
  pipeline: string,
  runIds: readonly string[],
): Promise<Map<string, RunOrigin | null>> {
  const read = async (runId: string): Promise<RunOrigin | null> => {
    const cacheKey = `${target.bucket}/${pipeline}/${runId}`;
    if (known.has(cacheKey)) return known.get(cacheKey)!;
    const response = await target.s3
      .send(new GetObjectCommand({ Bucket: target.bucket, Key: dataKeys.runManifest(pipeline, runId) }))
      .catch((error: { name?: string }) => {
        if (error.name === 'NoSuchKey' || error.name === 'NoSuchBucket') return undefined;
        throw error;
      });
    const origin = response ? (parseMessage(contracts.runManifest, await response.Body!.transformToString()).origin ?? null) : null;
    if (response) known.set(cacheKey, origin);
    return origin;
  };
  return new Map(await Promise.all(runIds.map(async (runId) => [runId, await read(runId)] as const)));
}

/** An origin as a few words: `API`, `table`, `file orders.csv`, `backfill 2026-11-01 00:00:00 → 2026-11-02 00:00:00`. */
export function originText(pipeline: string, origin: RunOrigin | null | undefined): string {
  if (!origin) return '';
  if (origin.kind === 'file') return `file ${origin.key.split('/').pop()}`;
  if (origin.kind === 'backfill') return `backfill ${origin.from ?? '(start)'} → ${origin.until}`;
  return sourceKindOf(pipelineNamed(pipeline)).label;
}

/** A replay record never changes: each is read once per process. */
const replayRecords = new Map<string, RunReplay>();

/**
 * Each run's replays (`state/replays/<pipeline>/<run>/<time>.json`, written by publishRun), oldest
 * first, each with the files of the run the ledger loaded since — 0 when they were all loaded
 * before. One listing for the pipeline, whatever the number of runs asked about.
 */
export async function runReplays(
  target: Pick<Target, 's3' | 'bucket' | 'warehouse'>,
  pipeline: string,
  runIds: readonly string[],
): Promise<Map<string, ReplayShown[]>> {
  const asked = new Set(runIds);
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client: target.s3 }, { Bucket: target.bucket, Prefix: dataKeys.replayPrefix(pipeline) }))
    for (const { Key } of page.Contents ?? []) if (Key && asked.has(replayRunOf(Key) ?? '')) keys.push(Key);
  const records = await Promise.all(
    keys.map(async (Key) => {
      const cacheKey = `${target.bucket}/${Key}`;
      if (!replayRecords.has(cacheKey)) {
        const body = await (await target.s3.send(new GetObjectCommand({ Bucket: target.bucket, Key }))).Body!.transformToString();
        replayRecords.set(cacheKey, parseMessage(contracts.runReplay, body));
      }
      return replayRecords.get(cacheKey)!;
    }),
  );
  const shown = await Promise.all(
    records
      .sort((a, b) => a.replayedAt.localeCompare(b.replayedAt))
      .map(async ({ runId, replayedAt, files }) => ({
        runId,
        replay: { replayedAt, files, filesLoaded: await filesLoadedSince(target.warehouse, pipeline, runId, replayedAt) },
      })),
  );
  const replays = new Map<string, ReplayShown[]>(runIds.map((runId) => [runId, []]));
  for (const { runId, replay } of shown) replays.get(runId)!.push(replay);
  return replays;
}
