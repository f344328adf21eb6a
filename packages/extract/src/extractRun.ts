import type { S3Client } from '@aws-sdk/client-s3';
import type { RawPart, RunManifest, RunOrigin } from '@etl/contracts';
import type { Pipeline } from '@etl/pipeline-kit';
import { cursorReader } from './cursorRange';
import { RawRunWriter } from './rawRunWriter';
import { writeRunManifest } from './runManifest';
import { eachRecord } from './sourceRecords';
import type { SourceRecords } from './sourceRecords';

export interface ExtractRunOptions {
  bucket: string;
  pipeline: Pipeline;
  runId: string;
  /** The watermark the run started from; kept when the run reads nothing newer. */
  since: string | null;
  records: SourceRecords;
  partRows?: number;
  /** One attempt at one slice of a fanned-out run: its parts are written under `slice-<S>/<attempt>/`. */
  slice?: { index: number; attempt: string };
  /**
   * Default true. False for records that do not come from the pipeline's own source (a dropped
   * file): the run has no cursor high-water mark and never moves the watermark, which says how far
   * the pipeline's source has been read — a file of newer rows must not make its next run skip
   * rows it has not read yet.
   */
  movesWatermark?: boolean;
  /** Where the records come from, recorded in the run manifest (shown by `etl runs` and the dashboard); default the pipeline's source. */
  origin?: RunOrigin;
}

/** What extracting a run (or a slice of one) wrote: its parts and the cursor high-water mark. */
export interface ExtractedParts {
  parts: RawPart[];
  cursorHigh: string | null;
}

/**
 * Streams a source's records into raw part files. The cursor high-water mark is the highest
 * incremental cursor value read — rows the transform will reject included, so a bad row is not
 * read again forever — or the watermark the run started from when it read nothing newer; none for
 * records from elsewhere than the pipeline's source (`movesWatermark: false`).
 */
export async function extractParts(s3: S3Client, options: ExtractRunOptions): Promise<ExtractedParts> {
  const { pipeline } = options;
  const writer = new RawRunWriter(s3, {
    bucket: options.bucket,
    pipeline: pipeline.name,
    runId: options.runId,
    partRows: options.partRows,
    slice: options.slice,
  });
  const cursor = options.movesWatermark === false ? undefined : cursorReader(pipeline);
  let high = options.movesWatermark === false ? null : options.since;
  await eachRecord(options.records, (record) => {
    const written = writer.write(record);
    const value = cursor?.(record);
    if (typeof value === 'string' && (high === null || value > high)) high = value;
    return written;
  });
  const parts = await writer.finish();
  const numbers = options.records.numbers?.();
  return { parts: numbers ? parts.map((part) => ({ ...part, numbers })) : parts, cursorHigh: high };
}

/**
 * Streams a source's records into the run's raw part files and finishes the run with its
 * manifest: the run exists for the rest of the pipeline only then.
 */
export async function extractRun(s3: S3Client, options: ExtractRunOptions): Promise<RunManifest> {
  const { parts, cursorHigh } = await extractParts(s3, options);
  const manifest: RunManifest = {
    pipeline: options.pipeline.name,
    runId: options.runId,
    origin: options.origin ?? { kind: 'source' },
    cursorHigh,
    parts,
    extractedAt: new Date().toISOString(),
  };
  await writeRunManifest(s3, options.bucket, manifest);
  return manifest;
}

/** A canonical cursor value (`YYYY-MM-DD HH:MM:SS[.ffffff]`, UTC) as ISO 8601, for source APIs. */
export function cursorToIso(cursor: string | null): string | null {
  if (cursor === null) return null;
  return /^\d{4}-\d{2}-\d{2} /.test(cursor) ? `${cursor.replace(' ', 'T')}Z` : cursor;
}
