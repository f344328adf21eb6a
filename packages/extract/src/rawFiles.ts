import { HeadObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { dataKeys, parseRawKey, RAW_FILE_METADATA } from '@etl/contracts';
import type { RawFileReady, RunRef } from '@etl/contracts';

/** A run's raw files cannot be announced: the message names the object and what is wrong. */
export class RawRunInvalid extends Error {
  override readonly name = 'RawRunInvalid';
}

/**
 * Reads what the transform stage needs to know about each raw file of a run — size, row
 * count, checksum — from S3 (listing plus one HEAD per file; rows and checksum are user
 * metadata the extract writer sets) and returns one `raw-file-ready` message per file,
 * ordered by part.
 *
 * @throws {RawRunInvalid} if the run has no files, holds an object that is not a part file,
 * has a gap in its part numbers, or a file lacks its metadata.
 */
export async function rawFileMessages(s3: S3Client, bucket: string, run: RunRef): Promise<RawFileReady[]> {
  const prefix = dataKeys.rawRunPrefix(run.pipeline, run.runId);
  const files: { key: string; part: number }[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? []) {
      const key = object.Key ?? '';
      const parsed = parseRawKey(key);
      if (!parsed || parsed.pipeline !== run.pipeline || parsed.runId !== run.runId) {
        throw new RawRunInvalid(`s3://${bucket}/${key} is not a raw part file (expected ${dataKeys.raw(run.pipeline, run.runId, 0)}, …)`);
      }
      files.push({ key, part: parsed.part });
    }
  }
  if (files.length === 0) throw new RawRunInvalid(`no raw files under s3://${bucket}/${prefix}`);
  files.sort((a, b) => a.part - b.part);
  files.forEach(({ part }, index) => {
    if (part !== index) throw new RawRunInvalid(`s3://${bucket}/${prefix}: part ${index} is missing (found part ${part} next)`);
  });

  return Promise.all(
    files.map(async ({ key, part }): Promise<RawFileReady> => {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      const metadata = head.Metadata ?? {};
      const rows = requireMetadata(bucket, key, metadata, RAW_FILE_METADATA.rows);
      if (!/^\d+$/.test(rows))
        throw new RawRunInvalid(`s3://${bucket}/${key}: metadata "${RAW_FILE_METADATA.rows}" is "${rows}", not a row count`);
      return {
        kind: 'raw-file-ready',
        version: 1,
        pipeline: run.pipeline,
        runId: run.runId,
        part,
        file: {
          bucket,
          key,
          bytes: head.ContentLength ?? 0,
          rows: Number(rows),
          sha256: requireMetadata(bucket, key, metadata, RAW_FILE_METADATA.sha256),
        },
        extractedAt: (head.LastModified ?? new Date()).toISOString(),
      };
    }),
  );
}

function requireMetadata(bucket: string, key: string, metadata: Record<string, string>, name: string): string {
  const value = metadata[name];
  if (value === undefined || value === '') {
    throw new RawRunInvalid(
      `s3://${bucket}/${key} has no "${name}" metadata (x-amz-meta-${name}): it was not written by the extract writer`,
    );
  }
  return value;
}
