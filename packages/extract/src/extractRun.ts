import type { S3Client } from '@aws-sdk/client-s3';
import type { RunManifest } from '@etl/contracts';
import { coercer } from '@etl/pipeline';
import type { Pipeline } from '@etl/pipeline';
import { RawRunWriter } from './rawRunWriter';

export interface ExtractRunOptions {
  bucket: string;
  pipeline: Pipeline;
  runId: string;
  /** The watermark the run started from; kept when the run reads nothing newer. */
  since: string | null;
  records: AsyncIterable<unknown>;
  partRows?: number;
}

/**
 * Streams a source's records into the run's raw part files and finishes the run with its
 * manifest. The cursor high-water mark is the highest incremental cursor value read — rows the
 * transform will reject included, so a bad row is not read again forever.
 */
export async function extractRun(s3: S3Client, options: ExtractRunOptions): Promise<RunManifest> {
  const { pipeline } = options;
  const writer = new RawRunWriter(s3, {
    bucket: options.bucket,
    pipeline: pipeline.name,
    runId: options.runId,
    partRows: options.partRows,
  });
  const cursorName = pipeline.incremental?.cursor;
  const cursorColumn = cursorName ? pipeline.target.columns[cursorName] : undefined;
  const cursorField = cursorColumn ? (cursorColumn.from ?? cursorName!) : undefined;
  const coerceCursor = cursorColumn ? coercer(cursorColumn.type) : undefined;
  let high = options.since;
  for await (const record of options.records) {
    await writer.write(record);
    if (!cursorField || typeof record !== 'object' || record === null) continue;
    const value = (record as Record<string, unknown>)[cursorField];
    const coerced = value === undefined || value === null ? null : coerceCursor!(value);
    if (typeof coerced === 'string' && (high === null || coerced > high)) high = coerced;
  }
  return writer.finish(high);
}

/** A canonical cursor value (`YYYY-MM-DD HH:MM:SS[.ffffff]`, UTC) as ISO 8601, for source APIs. */
export function cursorToIso(cursor: string | null): string | null {
  if (cursor === null) return null;
  return /^\d{4}-\d{2}-\d{2} /.test(cursor) ? `${cursor.replace(' ', 'T')}Z` : cursor;
}
