import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { dropFormat, dropRunId, landingPrefix } from '@etl/extract';
import { dataBucketName } from '@etl/harness';
import type { Pipeline } from '@etl/pipeline-kit';

/**
 * The key a local file is dropped at for a pipeline: its s3-drop prefix, else `landing/<pipeline>/`.
 *
 * @throws naming the file, when it is not a file or its name states no format the drop path reads.
 */
export function dropKey(pipeline: Pipeline, file: string): string {
  const name = path.basename(file);
  if (pipeline.source.kind !== 's3-drop' && !dropFormat(name))
    throw new Error(`${file}: name it .jsonl, .ndjson, .json or .csv (optionally .gz) — the drop path reads its format from the name`);
  if (!statSync(file, { throwIfNoEntry: false })?.isFile()) throw new Error(`${file} is not a file`);
  return `${pipeline.source.kind === 's3-drop' ? pipeline.source.prefix : landingPrefix(pipeline.name)}${name}`;
}

/**
 * Puts a local file where the pipeline takes dropped files (its s3-drop prefix, else
 * `landing/<pipeline>/`) and returns its key and the id of the run its ObjectCreated event makes
 * (the `dropped` function names the run after the key, the ETag and the event's time, which is
 * the object's Last-Modified second).
 */
export async function dropFile(s3: S3Client, pipeline: Pipeline, file: string): Promise<{ key: string; runId: string }> {
  const key = dropKey(pipeline, file);
  const Bucket = dataBucketName('dev');
  await new Upload({ client: s3, params: { Bucket, Key: key, Body: createReadStream(file) } }).done(); // multipart above 5 MB
  const head = await s3.send(new HeadObjectCommand({ Bucket, Key: key }));
  // the event carries the ETag unquoted
  return { key, runId: dropRunId(key, head.ETag!.replace(/"/g, ''), head.LastModified!.toISOString()) };
}
