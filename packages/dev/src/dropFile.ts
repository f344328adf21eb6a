import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { constants, gunzipSync } from 'node:zlib';
import path from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { csvHeaderError, csvHeaderOf, csvHeaderProblems, dropPlace, dropRunId } from '@etl/extract';
import { dataBucketName } from '@etl/harness';
import type { Pipeline } from '@etl/pipeline-kit';

/**
 * The key a local file is dropped at for a pipeline: its s3-drop prefix, else `landing/<pipeline>/`.
 *
 * @throws naming the file, when it is not a file or its name states no format the drop path reads.
 */
export function dropKey(pipeline: Pipeline, file: string): string {
  const { key, format } = dropPlace(pipeline, path.basename(file));
  if (!format)
    throw new Error(`${file}: name it .jsonl, .ndjson, .json or .csv (optionally .gz) — the drop path reads its format from the name`);
  if (!statSync(file, { throwIfNoEntry: false })?.isFile()) throw new Error(`${file} is not a file`);
  return key;
}

/**
 * Refuses a local CSV file whose header does not fit the pipeline (see csvHeaderProblems), naming
 * the file — before anything starts; the `dropped` function checks the same in AWS.
 */
export function checkDropFile(pipeline: Pipeline, file: string): void {
  if (dropPlace(pipeline, path.basename(file)).format !== 'csv') return;
  const problems = csvHeaderProblems(pipeline, csvHeaderOf(headOf(file)));
  if (problems.length > 0) throw csvHeaderError(pipeline, file, problems);
}

/** The first 64 KiB of a file, gunzipped when it is .gz (as much as they hold). */
function headOf(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(64 * 1024);
    const bytes = head.subarray(0, readSync(fd, head, 0, head.length, 0));
    if (!file.endsWith('.gz')) return bytes;
    try {
      return gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }); // a cut stream gives what it holds
    } catch {
      return Buffer.alloc(0);
    }
  } finally {
    closeSync(fd);
  }
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
