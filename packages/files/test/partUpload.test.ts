import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startLocalStack } from '@etl/local-aws';
import type { LocalStack } from '@etl/local-aws';
import { gzipUpload } from '../src/gzipUpload';
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
    x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff; // Math.imul: a double product would lose the low bits
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

/** A client of the local S3 that fails the command `fails` picks: the local S3 cannot fail one chosen call on demand. */
function failingClient(fails: (command: unknown) => boolean): S3Client {
  const client = new S3Client({ endpoint: stack.endpoints.s3, forcePathStyle: true, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  client.send = ((command: unknown) =>
    fails(command) ? Promise.reject(new Error('connection reset')) : send(command)) as typeof client.send;
  return client;
}

const uploadFailing = async (client: S3Client, key: string) =>
  pipeline(
    Readable.from(content(3 * PART_BYTES).chunks),
    new PartUpload(client, { bucket: Bucket, key, contentType: 'application/gzip' }),
  ).then(
    () => undefined,
    (error: Error) => error,
  );

it.each([
  [
    'the second part',
    (() => {
      let parts = 0;
      return (command: unknown) => command instanceof UploadPartCommand && ++parts === 2;
    })(),
  ],
  ['the completion', (command: unknown) => command instanceof CompleteMultipartUploadCommand],
])('aborts the multipart upload once when %s fails, and fails the stream with that error', async (what, fails) => {
  const client = failingClient(fails);
  const key = `failed-${what.replace(/ /g, '-')}.bin`;
  const failed = await uploadFailing(client, key);
  expect(failed?.message).toBe('connection reset');
  expect(failed?.cause).toBeUndefined(); // aborted once: no NoSuchUpload from a second abort
  expect((await s3.send(new ListMultipartUploadsCommand({ Bucket }))).Uploads ?? []).toEqual([]);
  await expect(s3.send(new HeadObjectCommand({ Bucket, Key: key }))).rejects.toMatchObject({ name: 'NotFound' });
  client.destroy();
});

it('fails the producer of a gzip upload when the upload fails, rather than leaving it waiting', async () => {
  const client = failingClient((command) => command instanceof UploadPartCommand);
  const upload = gzipUpload(client, Bucket, 'gzip-failed.bin', 'application/gzip');
  const text = randomBytes(4 * PART_BYTES).toString('latin1'); // random: gzip cannot shrink it into one part
  const produce = async () => {
    for (let at = 0; at < text.length; at += 10_000) await upload.sink.write(text.slice(at, at + 10_000));
    await upload.sink.end();
  };
  await expect(produce()).rejects.toThrow('connection reset');
  await expect(upload.done()).rejects.toThrow('connection reset');
  expect((await s3.send(new ListMultipartUploadsCommand({ Bucket }))).Uploads ?? []).toEqual([]);
  client.destroy();
});
