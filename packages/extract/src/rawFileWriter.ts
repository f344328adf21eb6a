import type { S3Client } from '@aws-sdk/client-s3';
import { dataKeys } from '@etl/contracts';
import type { RawPart } from '@etl/contracts';
import { gzipUpload } from '@etl/files';
import { writeRawLine } from './rawLine';

export interface RawFileTarget {
  bucket: string;
  pipeline: string;
  runId: string;
  part: number;
}

/**
 * Writes one raw part file, `raw/<pipeline>/<runId>/part-<N>.jsonl.gz`, from a finite set of
 * records (one line each: bytes as they are, any other value as JSON; see {@link writeRawLine}). For runs of any size,
 * {@link RawRunWriter} rolls parts as records stream in.
 */
export async function writeRawFile(
  s3: S3Client,
  target: RawFileTarget,
  records: AsyncIterable<unknown> | Iterable<unknown>,
): Promise<RawPart> {
  const key = dataKeys.raw(target.pipeline, target.runId, target.part);
  const upload = gzipUpload(s3, target.bucket, key, 'application/x-ndjson');
  let rows = 0;
  try {
    for await (const record of records) {
      rows++;
      await writeRawLine(upload.sink, record);
    }
  } finally {
    await upload.sink.end();
  }
  const { bytes, sha256 } = await upload.done();
  return { part: target.part, file: { bucket: target.bucket, key, bytes, rows, sha256 } };
}
