import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startLocalStack } from '@etl/local-aws';
import type { LocalStack } from '@etl/local-aws';
import { PART_BYTES, PartUpload } from '../src/partUpload';

jest.setTimeout(60_000);

// the real local S3 (as strict as S3 on part sizes and checksums), in this process
let stack: LocalStack;
let s3: S3Client;
let dir: string;
const Bucket = 'part-upload';

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'part-upload-'));
  stack = await startLocalStack({ dir, ports: { s3: 0, sqs: 0, redshiftData: 0, iam: 0 } });
  s3 = new S3Client({ endpoint: stack.endpoints.s3, forcePathStyle: true, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  await s3.send(new CreateBucketCommand({ Bucket }));
});

afterAll(async () => {
  s3.destroy();
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Deterministic bytes, in chunks of uneven sizes (as gzip hands them over). */
function content(bytes: number): { whole: Buffer; chunks: Buffer[] } {
  const whole = Buffer.alloc(bytes);
  let x = 12345;
  for (let i = 0; i < bytes; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    whole[i] = x >>> 16;
  }
  const chunks: Buffer[] = [];
  for (let at = 0, size = 1; at < bytes; at += size, size = (size * 7 + 3) % 70_000) chunks.push(whole.subarray(at, at + size));
  return { whole, chunks };
}

const stored = async (Key: string) =>
  Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToByteArray());

it('stores an object within one part with a single PutObject', async () => {
  const { whole, chunks } = content(300_000);
  await pipeline(Readable.from(chunks), new PartUpload(s3, { bucket: Bucket, key: 'small.bin', contentType: 'text/csv' }));
  expect((await stored('small.bin')).equals(whole)).toBe(true);
  const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'small.bin' }));
  expect(head.ContentType).toBe('text/csv');
  expect(head.ETag).not.toContain('-'); // not a multipart upload
});

it('stores an empty object', async () => {
  await pipeline(Readable.from([]), new PartUpload(s3, { bucket: Bucket, key: 'empty.bin', contentType: 'text/csv' }));
  expect((await stored('empty.bin')).length).toBe(0);
});

it('stores a larger object as 5 MiB parts and a last smaller one, byte for byte', async () => {
  const { whole, chunks } = content(2 * PART_BYTES + 123_457);
  await pipeline(
    Readable.from(chunks),
    new PartUpload(s3, { bucket: Bucket, key: 'large.bin', contentType: 'application/gzip', metadata: { rows: '7' } }),
  );
  expect((await stored('large.bin')).equals(whole)).toBe(true);
  const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'large.bin' }));
  expect(head.ETag).toMatch(/-3"$/);
  expect(head.Metadata).toEqual({ rows: '7' });
});

it('stores an object of exactly two parts without an empty third', async () => {
  const { whole, chunks } = content(2 * PART_BYTES);
  await pipeline(Readable.from(chunks), new PartUpload(s3, { bucket: Bucket, key: 'exact.bin', contentType: 'application/gzip' }));
  expect((await stored('exact.bin')).equals(whole)).toBe(true);
  expect((await s3.send(new HeadObjectCommand({ Bucket, Key: 'exact.bin' }))).ETag).toMatch(/-2"$/);
});

it('aborts the multipart upload when a part fails, and fails the stream with that error', async () => {
  // the local S3 cannot fail one chosen part on demand: the client fails the second UploadPart
  const failing = new S3Client({
    endpoint: stack.endpoints.s3,
    forcePathStyle: true,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const send = failing.send.bind(failing) as (command: unknown) => Promise<unknown>;
  let parts = 0;
  failing.send = ((command: unknown) => {
    if (command instanceof UploadPartCommand && ++parts === 2) return Promise.reject(new Error('connection reset on part 2'));
    return send(command);
  }) as typeof failing.send;
  const { chunks } = content(3 * PART_BYTES);
  await expect(
    pipeline(Readable.from(chunks), new PartUpload(failing, { bucket: Bucket, key: 'failed.bin', contentType: 'application/gzip' })),
  ).rejects.toThrow('connection reset on part 2');
  const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket }));
  expect(uploads.Uploads ?? []).toEqual([]);
  await expect(s3.send(new HeadObjectCommand({ Bucket, Key: 'failed.bin' }))).rejects.toMatchObject({ name: 'NotFound' });
  failing.destroy();
});
