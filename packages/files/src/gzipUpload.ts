import { PassThrough } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { digestTap } from './digestTap';
import { TextSink } from './textSink';

/**
 * A gzip file uploaded to S3 while it is produced: text goes into `sink`, compressed bytes go
 * out as a multipart upload with one 5 MiB part in flight (bounded memory, whatever the size).
 * `done` resolves with the stored object's size and SHA-256 (of the gzip bytes, as the claim
 * check carries them) once the sink has ended and the upload completed.
 */
export function gzipUpload(s3: S3Client, bucket: string, key: string, contentType: string, metadata?: Record<string, string>) {
  const gzip = createGzip({ level: 1 });
  const tap = digestTap();
  const body = new PassThrough();
  gzip.pipe(tap.stream).pipe(body);
  const upload = new Upload({
    client: s3,
    params: { Bucket: bucket, Key: key, Body: body, ContentType: contentType, Metadata: metadata },
    queueSize: 1,
    partSize: 5 * 1024 * 1024,
  });
  const uploaded = upload.done();
  uploaded.catch(() => undefined); // surfaced by done()
  return {
    sink: new TextSink(gzip),
    done: async (): Promise<{ bytes: number; sha256: string }> => {
      await uploaded;
      return tap.result();
    },
  };
}
