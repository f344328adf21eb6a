import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { digestTap } from './digestTap';
import { PartUpload } from './partUpload';
import { TextSink } from './textSink';

/**
 * A gzip file uploaded to S3 while it is produced: text goes into `sink`, compressed bytes go
 * out through a {@link PartUpload} (two 5 MiB part buffers at most, whatever the size).
 * `done` resolves with the stored object's size and SHA-256 (of the gzip bytes, as the claim
 * check carries them) once the sink has ended and the upload completed.
 */
export function gzipUpload(s3: S3Client, bucket: string, key: string, contentType: string, metadata?: Record<string, string>) {
  const gzip = createGzip({ level: 1 });
  const tap = digestTap();
  const upload = new PartUpload(s3, { bucket, key, contentType, metadata });
  // one pipeline: an upload that fails destroys gzip too, so a producer waiting on the sink fails with it (not waits)
  const uploaded = pipeline(gzip, tap.stream, upload);
  uploaded.catch(() => undefined); // surfaced by done(), and by the sink's pending write
  return {
    sink: new TextSink(gzip),
    done: async (): Promise<{ bytes: number; sha256: string }> => {
      await uploaded;
      return tap.result();
    },
  };
}
