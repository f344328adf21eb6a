import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  DeleteObjectTaggingCommand,
  GetObjectTaggingCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createS3Server, S3Store } from '../src/s3';

/**
 * The local S3 driven by the real SDK v3 client at its default settings (CRC32 request
 * checksums, aws-chunked streaming, response checksum validation): only the endpoint and
 * path-style addressing differ from AWS.
 */
describe('local S3', () => {
  let dir: string;
  let store: S3Store;
  let server: http.Server;
  let endpoint: string;
  let s3: S3Client;

  async function start(): Promise<void> {
    store = await S3Store.open(dir);
    server = createS3Server(store);
    await new Promise<void>((resolve) => server.listen(endpoint ? Number(new URL(endpoint).port) : 0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  async function stop(): Promise<void> {
    await new Promise((resolve) => server.close(resolve));
    await store.close();
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'local-s3-'));
    endpoint = '';
    await start();
    s3 = new S3Client({
      endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'etl-data-test' }));
  });
  afterAll(async () => {
    s3.destroy();
    await stop();
    await rm(dir, { recursive: true, force: true });
  });

  const Bucket = 'etl-data-test';
  const text = (body: { transformToString(): Promise<string> } | undefined) => body!.transformToString();

  it('creates and heads buckets, and says which does not exist', async () => {
    await expect(s3.send(new HeadBucketCommand({ Bucket }))).resolves.toBeDefined();
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'no-such-bucket' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
    await expect(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' }))).rejects.toMatchObject({ name: 'InvalidBucketName' });
  });

  it('creates buckets as us-east-1 does: an owned bucket again is 200, a LocationConstraint of us-east-1 is refused', async () => {
    // us-east-1 keeps CreateBucket idempotent for the owner; other regions (a constraint) answer 409
    await expect(s3.send(new CreateBucketCommand({ Bucket }))).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
    await expect(
      s3.send(new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })),
    ).rejects.toMatchObject({ name: 'BucketAlreadyOwnedByYou', $metadata: { httpStatusCode: 409 } });
    for (const LocationConstraint of ['us-east-1', 'nowhere-1'])
      await expect(
        s3.send(
          new CreateBucketCommand({
            Bucket: 'etl-constrained',
            CreateBucketConfiguration: { LocationConstraint: LocationConstraint as 'us-east-2' },
          }),
        ),
      ).rejects.toMatchObject({
        name: 'InvalidLocationConstraint',
        message: 'The specified location-constraint is not valid',
        $metadata: { httpStatusCode: 400 },
      });
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'etl-constrained' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('refuses the bucket names S3 refuses: an IP address, reserved prefixes and suffixes, adjacent periods, uppercase', async () => {
    for (const name of ['192.168.5.4', 'xn--bucket', 'sthree-bucket', 'data-s3alias', 'data--ol-s3', 'a..b', 'Upper-case', 'ab', '-ab'])
      await expect(s3.send(new CreateBucketCommand({ Bucket: name }))).rejects.toMatchObject({
        name: 'InvalidBucketName',
        message: 'The specified bucket is not valid.',
        BucketName: name,
        $metadata: { httpStatusCode: 400 },
      });
    await s3.send(new CreateBucketCommand({ Bucket: '192.168.5.4.data' })); // dotted digits, but not an IP address
  });

  it('stores keys exactly as sent: "." and ".." are part of a key, and a key never reaches another bucket', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'etl-other-bucket' }));
    await s3.send(new PutObjectCommand({ Bucket: 'etl-other-bucket', Key: 'data.csv', Body: 'theirs' }));
    for (const Key of ['dots/a/../b.txt', 'dots/./c.txt', '../etl-other-bucket/data.csv', 'dots/%2e%2e/d.txt'])
      await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: '' }));
    const keys = (listed.Contents ?? []).map((object) => object.Key);
    expect(keys).toEqual(expect.arrayContaining(['dots/a/../b.txt', 'dots/./c.txt', '../etl-other-bucket/data.csv', 'dots/%2e%2e/d.txt']));
    expect(keys).not.toContain('dots/b.txt');
    expect(await text((await s3.send(new GetObjectCommand({ Bucket, Key: 'dots/a/../b.txt' }))).Body)).toBe('dots/a/../b.txt');
    expect(await text((await s3.send(new GetObjectCommand({ Bucket: 'etl-other-bucket', Key: 'data.csv' }))).Body)).toBe('theirs');
    await expect(s3.send(new GetObjectCommand({ Bucket, Key: 'dots/b.txt' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('stores a streamed body byte for byte (aws-chunked with a CRC32 trailer)', async () => {
    const bytes = randomBytes(1_048_576);
    await s3.send(
      new PutObjectCommand({
        Bucket,
        Key: 'raw/stream.bin',
        Body: Readable.from([bytes.subarray(0, 500_000), bytes.subarray(500_000)]),
        ContentLength: bytes.length,
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'raw/stream.bin' }));
    expect(head.ContentLength).toBe(1_048_576);
    expect(head.ETag).toBe(`"${createHash('md5').update(bytes).digest('hex')}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'raw/stream.bin', ChecksumMode: 'ENABLED' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(bytes)).toBe(true);
    expect(got.ChecksumCRC32).toBeDefined();
  });

  it('keeps content type and user metadata, and serves ranges', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket,
        Key: 'state/a.json',
        Body: '0123456789',
        ContentType: 'application/json',
        Metadata: { rows: '10', sha256: 'abc' },
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'state/a.json' }));
    expect(head).toMatchObject({ ContentType: 'application/json', Metadata: { rows: '10', sha256: 'abc' }, ContentLength: 10 });
    expect(await text((await s3.send(new GetObjectCommand({ Bucket, Key: 'state/a.json', Range: 'bytes=2-4' }))).Body)).toBe('234');
    expect(await text((await s3.send(new GetObjectCommand({ Bucket, Key: 'state/a.json', Range: 'bytes=7-' }))).Body)).toBe('789');
    const tail = await s3.send(new GetObjectCommand({ Bucket, Key: 'state/a.json', Range: 'bytes=-3' }));
    expect([await text(tail.Body), tail.ContentRange]).toEqual(['789', 'bytes 7-9/10']);
    await expect(s3.send(new GetObjectCommand({ Bucket, Key: 'state/a.json', Range: 'bytes=20-30' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 416 },
    });
    await expect(s3.send(new GetObjectCommand({ Bucket, Key: 'state/missing.json' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('honours conditional writes: If-None-Match * creates once, If-Match needs the current ETag', async () => {
    const first = await s3.send(new PutObjectCommand({ Bucket, Key: 'state/watermark', Body: 'v1', IfNoneMatch: '*' }));
    await expect(s3.send(new PutObjectCommand({ Bucket, Key: 'state/watermark', Body: 'v2', IfNoneMatch: '*' }))).rejects.toMatchObject({
      name: 'PreconditionFailed',
    });
    await expect(s3.send(new PutObjectCommand({ Bucket, Key: 'state/watermark', Body: 'v2', IfMatch: '"0000"' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 412 },
    });
    const second = await s3.send(new PutObjectCommand({ Bucket, Key: 'state/watermark', Body: 'v2', IfMatch: first.ETag }));
    expect(second.ETag).not.toBe(first.ETag);
    expect(await text((await s3.send(new GetObjectCommand({ Bucket, Key: 'state/watermark' }))).Body)).toBe('v2');
    await expect(s3.send(new GetObjectCommand({ Bucket, Key: 'state/watermark', IfNoneMatch: second.ETag }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 304 },
    });
  });

  it('lists with prefix, delimiter and continuation, in key order', async () => {
    const keys = Array.from({ length: 25 }, (_, i) => `list/run-${i % 3}/part-${String(i).padStart(2, '0')}.gz`);
    await Promise.all(keys.map((Key) => s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }))));
    const pages: string[][] = [];
    for await (const page of paginateListObjectsV2({ client: s3, pageSize: 7 }, { Bucket, Prefix: 'list/' }))
      pages.push((page.Contents ?? []).map((o) => o.Key!));
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 4]);
    expect(pages.flat()).toEqual([...keys].sort());
    const folders = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'list/', Delimiter: '/' }));
    expect(folders.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['list/run-0/', 'list/run-1/', 'list/run-2/']);
    expect(folders.Contents ?? []).toEqual([]);
    const after = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'list/run-2/', StartAfter: 'list/run-2/part-20.gz' }));
    expect(after.Contents?.map((o) => o.Key)).toEqual(['list/run-2/part-23.gz']);
    // S3's own limits on a listing: at most 1,000 keys a page, max-keys a non-negative integer
    const capped = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'list/', MaxKeys: 5_000 }));
    expect([capped.MaxKeys, capped.KeyCount]).toEqual([1000, 25]);
    for (const MaxKeys of [-1, 2.5])
      await expect(s3.send(new ListObjectsV2Command({ Bucket, MaxKeys }))).rejects.toMatchObject({ name: 'InvalidArgument' });
  });

  it('copies, deletes one and deletes many', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: 'staged/x.csv.gz', Body: 'payload', Metadata: { rows: '1' } }));
    await s3.send(new CopyObjectCommand({ Bucket, Key: 'quarantine/x.csv.gz', CopySource: `${Bucket}/staged/x.csv.gz` }));
    const copy = await s3.send(new GetObjectCommand({ Bucket, Key: 'quarantine/x.csv.gz' }));
    expect([await text(copy.Body), copy.Metadata]).toEqual(['payload', { rows: '1' }]);
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'staged/x.csv.gz' }));
    await expect(s3.send(new HeadObjectCommand({ Bucket, Key: 'staged/x.csv.gz' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
    const deleted = await s3.send(
      new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'quarantine/x.csv.gz' }, { Key: 'never/was' }] } }),
    );
    expect(deleted.Deleted?.map((d) => d.Key)).toEqual(['quarantine/x.csv.gz', 'never/was']);
    await expect(s3.send(new HeadObjectCommand({ Bucket, Key: 'quarantine/x.csv.gz' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('refuses to copy an object onto itself unchanged (400 InvalidRequest); REPLACE or a storage class makes it legal', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: 'inplace/x.csv', Body: 'rows', Metadata: { rows: '1' } }));
    const copy = (extra: Partial<ConstructorParameters<typeof CopyObjectCommand>[0]> = {}) =>
      s3.send(new CopyObjectCommand({ Bucket, Key: 'inplace/x.csv', CopySource: `${Bucket}/inplace/x.csv`, ...extra }));
    const illegal = {
      name: 'InvalidRequest',
      message:
        "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
      $metadata: { httpStatusCode: 400 },
    };
    await expect(copy()).rejects.toMatchObject(illegal);
    await expect(copy({ MetadataDirective: 'COPY' })).rejects.toMatchObject(illegal);
    await expect(copy({ TaggingDirective: 'REPLACE', Tagging: 'a=b' })).rejects.toMatchObject(illegal);
    await copy({ MetadataDirective: 'REPLACE', Metadata: { rows: '2' } });
    expect((await s3.send(new HeadObjectCommand({ Bucket, Key: 'inplace/x.csv' }))).Metadata).toEqual({ rows: '2' });
    await copy({ StorageClass: 'STANDARD' }); // S3 does not compare: naming one is a change
    expect(await text((await s3.send(new GetObjectCommand({ Bucket, Key: 'inplace/x.csv' }))).Body)).toBe('rows');
  });

  it('sets response headers from response-* parameters (presigned download links), refused on an anonymous request', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: 'overrides/report.csv', Body: 'a,b', ContentType: 'text/csv' }));
    const overrides = {
      ResponseContentType: 'application/octet-stream',
      ResponseContentDisposition: 'attachment; filename="report.csv"',
      ResponseContentLanguage: 'de-DE',
      ResponseCacheControl: 'max-age=74',
      ResponseContentEncoding: 'identity',
      ResponseExpires: new Date('2015-10-21T07:28:00Z'),
    };
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'overrides/report.csv', ...overrides }));
    expect(got).toMatchObject({
      ContentType: 'application/octet-stream',
      ContentDisposition: 'attachment; filename="report.csv"',
      ContentLanguage: 'de-DE',
      CacheControl: 'max-age=74',
      ContentEncoding: 'identity',
      ExpiresString: 'Wed, 21 Oct 2015 07:28:00 GMT',
    });
    expect(await text(got.Body)).toBe('a,b');
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'overrides/report.csv', ResponseContentType: 'text/plain' }));
    expect(head.ContentType).toBe('text/plain');
    const url = await getSignedUrl(
      s3,
      new GetObjectCommand({ Bucket, Key: 'overrides/report.csv', ResponseContentDisposition: 'attachment; filename="r.csv"' }),
      { expiresIn: 60 },
    );
    const download = await fetch(url);
    expect([download.status, download.headers.get('content-disposition'), download.headers.get('content-type')]).toEqual([
      200,
      'attachment; filename="r.csv"',
      'text/csv',
    ]);
    const anonymous = await rawRequest('GET', `/${Bucket}/overrides/report.csv?response-content-type=text/plain`, {});
    expect(anonymous.status).toBe(400);
    expect(anonymous.body).toContain(
      '<Code>InvalidRequest</Code><Message>Request specific response headers cannot be used for anonymous GET requests.</Message>',
    );
  });

  it('lists the parts of an upload (ListParts) and the uploads in progress (ListMultipartUploads), paged as S3 pages them', async () => {
    const Bucket = 'etl-multipart-list';
    await s3.send(new CreateBucketCommand({ Bucket }));
    const start = async (Key: string) => (await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }))).UploadId!;
    const [a1, b1, a2, dir] = [await start('mp/a'), await start('mp/b'), await start('mp/a'), await start('mp/dir/x')];
    for (const PartNumber of [3, 1, 2])
      await s3.send(new UploadPartCommand({ Bucket, Key: 'mp/a', UploadId: a1, PartNumber, Body: `part ${PartNumber}` }));

    const first = await s3.send(new ListPartsCommand({ Bucket, Key: 'mp/a', UploadId: a1, MaxParts: 2 }));
    expect(first).toMatchObject({
      IsTruncated: true,
      NextPartNumberMarker: '2',
      MaxParts: 2,
      PartNumberMarker: '0',
      StorageClass: 'STANDARD',
    });
    expect(first.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([
      [1, 6, `"${createHash('md5').update('part 1').digest('hex')}"`],
      [2, 6, `"${createHash('md5').update('part 2').digest('hex')}"`],
    ]);
    const next = await s3.send(
      new ListPartsCommand({ Bucket, Key: 'mp/a', UploadId: a1, MaxParts: 2, PartNumberMarker: first.NextPartNumberMarker }),
    );
    // S3 names the last part listed even on the last page: paging ends on IsTruncated
    expect([next.Parts?.map((p) => p.PartNumber), next.IsTruncated, next.NextPartNumberMarker]).toEqual([[3], false, '3']);
    const none = await s3.send(new ListPartsCommand({ Bucket, Key: 'mp/a', UploadId: a2 }));
    expect([none.Parts, none.NextPartNumberMarker, none.IsTruncated]).toEqual([undefined, '0', false]);
    await expect(s3.send(new ListPartsCommand({ Bucket, Key: 'mp/b', UploadId: a1 }))).rejects.toMatchObject({ name: 'NoSuchUpload' });

    const all = await s3.send(new ListMultipartUploadsCommand({ Bucket }));
    // by key, then in the order they were initiated; the next markers name the last upload even on the last page
    expect(all.Uploads?.map((u) => [u.Key, u.UploadId])).toEqual([
      ['mp/a', a1],
      ['mp/a', a2],
      ['mp/b', b1],
      ['mp/dir/x', dir],
    ]);
    expect(all).toMatchObject({ IsTruncated: false, NextKeyMarker: 'mp/dir/x', NextUploadIdMarker: dir, MaxUploads: 1000 });
    const listed: string[] = [];
    let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
    for (;;) {
      const page = await s3.send(new ListMultipartUploadsCommand({ Bucket, MaxUploads: 1, ...markers }));
      listed.push(...(page.Uploads ?? []).map((u) => u.UploadId!));
      if (!page.IsTruncated) break;
      markers = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
    }
    expect(listed).toEqual([a1, a2, b1, dir]);
    const afterKey = await s3.send(new ListMultipartUploadsCommand({ Bucket, KeyMarker: 'mp/a' }));
    expect(afterKey.Uploads?.map((u) => u.Key)).toEqual(['mp/b', 'mp/dir/x']);
    const folders = await s3.send(new ListMultipartUploadsCommand({ Bucket, Prefix: 'mp/', Delimiter: '/' }));
    expect([folders.Uploads?.map((u) => u.Key), folders.CommonPrefixes]).toEqual([['mp/a', 'mp/a', 'mp/b'], [{ Prefix: 'mp/dir/' }]]);
    await expect(s3.send(new ListMultipartUploadsCommand({ Bucket, KeyMarker: 'mp/b', UploadIdMarker: a1 }))).rejects.toMatchObject({
      name: 'InvalidArgument',
      message: 'Invalid uploadId marker',
      $metadata: { httpStatusCode: 400 },
    });

    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key: 'mp/b', UploadId: b1 }));
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket, Prefix: 'mp/b' }))).Uploads).toBeUndefined();
  });

  it('takes a multipart upload from lib-storage Upload and serves it back intact', async () => {
    const bytes = randomBytes(12 * 1024 * 1024 + 123);
    const upload = new Upload({
      client: s3,
      params: { Bucket, Key: 'raw/big.bin', Body: Readable.from([bytes]) },
      partSize: 5 * 1024 * 1024,
      queueSize: 3,
    });
    const result = await upload.done();
    expect(result.ETag).toMatch(/-3"$/);
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'raw/big.bin', ChecksumMode: 'ENABLED' }));
    expect(got.ContentLength).toBe(bytes.length);
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(bytes)).toBe(true);
  });

  it('copies parts from another object (UploadPartCopy, by byte range), as the CLIs copy objects over their threshold', async () => {
    const source = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket, Key: 'raw/big.bin' }))).Body!.transformToByteArray());
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'copied/big.bin' }));
    const split = 5 * 1024 * 1024;
    const ranges = [`bytes=0-${split - 1}`, `bytes=${split}-${source.length - 1}`];
    const parts = [];
    for (const [i, range] of ranges.entries()) {
      const { CopyPartResult } = await s3.send(
        new UploadPartCopyCommand({
          Bucket,
          Key: 'copied/big.bin',
          UploadId,
          PartNumber: i + 1,
          CopySource: `${Bucket}/raw/big.bin`,
          CopySourceRange: range,
        }),
      );
      parts.push({ PartNumber: i + 1, ETag: CopyPartResult!.ETag });
    }
    expect(parts[0]!.ETag).toBe(`"${createHash('md5').update(source.subarray(0, split)).digest('hex')}"`);
    await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'copied/big.bin', UploadId, MultipartUpload: { Parts: parts } }));
    const copied = await s3.send(new GetObjectCommand({ Bucket, Key: 'copied/big.bin' }));
    expect(Buffer.from(await copied.Body!.transformToByteArray()).equals(source)).toBe(true);

    const copyPart = (Key: string, uploadId: string | undefined, CopySourceRange: string) =>
      s3.send(
        new UploadPartCopyCommand({ Bucket, Key, UploadId: uploadId, PartNumber: 1, CopySource: `${Bucket}/raw/big.bin`, CopySourceRange }),
      );
    await expect(copyPart('copied/big.bin', UploadId, 'bytes=0-1')).rejects.toMatchObject({ name: 'NoSuchUpload' }); // completed: gone
    const { UploadId: open } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'copied/bad.bin' }));
    await expect(copyPart('copied/bad.bin', open, `bytes=0-${source.length}`)).rejects.toMatchObject({
      name: 'InvalidArgument',
      message: `Range specified is not valid for source object of size: ${source.length}`,
    });
    await expect(copyPart('copied/bad.bin', open, 'bytes=5-')).rejects.toMatchObject({ name: 'InvalidArgument' });
  });

  it('rejects a body whose checksum does not match (a fault the SDK cannot be made to send)', async () => {
    const response = await rawRequest(
      'PUT',
      `/${Bucket}/raw/corrupt.bin`,
      { 'x-amz-checksum-crc32': 'AAAAAA==' },
      'these bytes have another CRC32',
    );
    expect(response.status).toBe(400);
    expect(response.body).toContain('<Code>BadDigest</Code>');
    await expect(s3.send(new HeadObjectCommand({ Bucket, Key: 'raw/corrupt.bin' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('refuses a checksum that is not a digest of its algorithm’s size: 400 InvalidRequest, before comparing (not BadDigest)', async () => {
    await expect(
      s3.send(new PutObjectCommand({ Bucket, Key: 'raw/short-crc.bin', Body: 'bytes', ChecksumCRC32: 'abc' })),
    ).rejects.toMatchObject({
      name: 'InvalidRequest',
      message: 'Value for x-amz-checksum-crc32 header is invalid.',
      $metadata: { httpStatusCode: 400 },
    });
    const sha256 = await rawRequest('PUT', `/${Bucket}/raw/short-sha.bin`, { 'x-amz-checksum-sha256': 'AAAAAA==' }, 'bytes');
    expect([sha256.status, sha256.body]).toEqual([
      400,
      expect.stringContaining('<Code>InvalidRequest</Code><Message>Value for x-amz-checksum-sha256 header is invalid.</Message>'),
    ]);
    await expect(s3.send(new HeadObjectCommand({ Bucket, Key: 'raw/short-crc.bin' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('answers a header section over 8 KB with S3’s 400 RequestHeaderSectionTooLarge, and keeps serving', async () => {
    const response = await rawRequest('GET', `/${Bucket}/state/a.json`, { 'x-amz-meta-padding': 'p'.repeat(9000) });
    expect(response.status).toBe(400);
    expect(response.body).toContain(
      '<Code>RequestHeaderSectionTooLarge</Code><Message>Your request header section exceeds the maximum allowed size.</Message><MaxSizeAllowed>8192</MaxSizeAllowed>',
    );
    await s3.send(new PutObjectCommand({ Bucket, Key: 'raw/small.txt', Body: 'x' })); // a pooled connection first
    await expect(
      s3.send(new PutObjectCommand({ Bucket, Key: 'raw/huge-header.txt', Body: 'x', ContentDisposition: 'd'.repeat(9000) })),
    ).rejects.toMatchObject({ name: 'RequestHeaderSectionTooLarge', $metadata: { httpStatusCode: 400 } });
    expect(await text((await s3.send(new GetObjectCommand({ Bucket, Key: 'raw/small.txt' }))).Body)).toBe('x');
  });

  it('checks SigV4’s payload hash: a body whose x-amz-content-sha256 is another’s is refused, and not stored', async () => {
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    const refused = await rawRequest('PUT', `/${Bucket}/raw/hashed.bin`, { 'x-amz-content-sha256': sha256('other bytes') }, 'these bytes');
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('<Code>XAmzContentSHA256Mismatch</Code>');
    expect(refused.body).toContain(`<S3ComputedContentSHA256>${sha256('these bytes')}</S3ComputedContentSHA256>`);
    await expect(s3.send(new HeadObjectCommand({ Bucket, Key: 'raw/hashed.bin' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
    const taken = await rawRequest('PUT', `/${Bucket}/raw/hashed.bin`, { 'x-amz-content-sha256': sha256('these bytes') }, 'these bytes');
    expect(taken.status).toBe(200);
    const unsigned = await rawRequest('PUT', `/${Bucket}/raw/unsigned.bin`, { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, 'any bytes');
    expect(unsigned.status).toBe(200);
  });

  it('answers a malformed XML body 400 MalformedXML, as S3 does, not a 500 that SDKs retry', async () => {
    for (const body of ['<Delete><Object><Key>a</Key></Object>', 'not xml at all', '<Other/>']) {
      const response = await rawRequest('POST', `/${Bucket}?delete`, { 'content-type': 'application/xml' }, body);
      expect([response.status, /<Code>MalformedXML<\/Code>/.test(response.body)]).toEqual([400, true]);
    }
  });

  it('enforces S3 limits: keys of at most 1,024 bytes, 2 KB of user metadata', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: 'k'.repeat(1024), Body: 'at the limit' }));
    await expect(s3.send(new PutObjectCommand({ Bucket, Key: 'ü'.repeat(513), Body: 'x' }))).rejects.toMatchObject({
      name: 'KeyTooLongError',
      $metadata: { httpStatusCode: 400 },
    });
    await s3.send(new PutObjectCommand({ Bucket, Key: 'meta/ok', Body: 'x', Metadata: { note: 'n'.repeat(2044) } }));
    await expect(
      s3.send(new PutObjectCommand({ Bucket, Key: 'meta/big', Body: 'x', Metadata: { note: 'n'.repeat(2045) } })),
    ).rejects.toMatchObject({ name: 'MetadataTooLarge', $metadata: { httpStatusCode: 400 } });
  });

  it('tags objects: on PUT, with Put/Get/DeleteObjectTagging, copied unless replaced; S3’s limits refused', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: 'tags/a', Body: 'a', Tagging: 'team=data&stage=raw%20files' }));
    const tagsOf = async (Key: string) => (await s3.send(new GetObjectTaggingCommand({ Bucket, Key }))).TagSet;
    expect(await tagsOf('tags/a')).toEqual([
      { Key: 'team', Value: 'data' },
      { Key: 'stage', Value: 'raw files' },
    ]);
    expect((await s3.send(new HeadObjectCommand({ Bucket, Key: 'tags/a' }))).TagCount).toBe(2);
    await s3.send(new CopyObjectCommand({ Bucket, Key: 'tags/copied', CopySource: `${Bucket}/tags/a` }));
    expect(await tagsOf('tags/copied')).toHaveLength(2);
    await s3.send(
      new CopyObjectCommand({
        Bucket,
        Key: 'tags/replaced',
        CopySource: `${Bucket}/tags/a`,
        TaggingDirective: 'REPLACE',
        Tagging: 'only=one',
      }),
    );
    expect(await tagsOf('tags/replaced')).toEqual([{ Key: 'only', Value: 'one' }]);
    await s3.send(new PutObjectTaggingCommand({ Bucket, Key: 'tags/a', Tagging: { TagSet: [{ Key: 'new', Value: 'set' }] } }));
    expect(await tagsOf('tags/a')).toEqual([{ Key: 'new', Value: 'set' }]);
    await s3.send(new DeleteObjectTaggingCommand({ Bucket, Key: 'tags/a' }));
    expect(await tagsOf('tags/a')).toEqual([]);
    const eleven = Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await expect(s3.send(new PutObjectTaggingCommand({ Bucket, Key: 'tags/a', Tagging: { TagSet: eleven } }))).rejects.toMatchObject({
      name: 'InvalidTag',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'tags/none' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('serves presigned URLs (SigV4 query authentication) for GET and PUT, and refuses an expired one', async () => {
    // SDK v3 signs the CRC32 of an empty body into a presigned PUT by default: S3 refuses any other body with it
    const withEmptyCrc = await getSignedUrl(s3, new PutObjectCommand({ Bucket, Key: 'presigned/up.txt' }), { expiresIn: 60 });
    const refusedPut = await fetch(withEmptyCrc, { method: 'PUT', body: 'sent with a presigned URL' });
    expect([refusedPut.status, await refusedPut.text()]).toEqual([400, expect.stringContaining('<Code>BadDigest</Code>')]);
    const signer = new S3Client({
      endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    const putUrl = await getSignedUrl(signer, new PutObjectCommand({ Bucket, Key: 'presigned/up.txt' }), { expiresIn: 60 });
    expect((await fetch(putUrl, { method: 'PUT', body: 'sent with a presigned URL' })).status).toBe(200);
    const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key: 'presigned/up.txt' }), { expiresIn: 60 });
    const got = await fetch(getUrl);
    expect([got.status, await got.text()]).toEqual([200, 'sent with a presigned URL']);
    const expired = await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key: 'presigned/up.txt' }), {
      expiresIn: 1,
      signingDate: new Date(Date.now() - 60_000),
    });
    const refused = await fetch(expired);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
  });

  it('answers virtual-host-style requests (bucket.localhost)', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: 'vhost/hello.txt', Body: 'hello' }));
    const response = await rawRequest('GET', '/vhost/hello.txt', { host: `${Bucket}.localhost:${new URL(endpoint).port}` });
    expect([response.status, response.body]).toEqual([200, 'hello']);
  });

  it('says plainly what it does not implement', async () => {
    const response = await rawRequest('GET', `/${Bucket}?acl`, {});
    expect(response.status).toBe(501);
    expect(response.body).toContain('does not implement the "acl" sub-resource');
  });

  it('keeps every acknowledged object across a restart', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: 'restart/kept.txt', Body: 'still here' }));
    await stop();
    await start();
    expect(await text((await s3.send(new GetObjectCommand({ Bucket, Key: 'restart/kept.txt' }))).Body)).toBe('still here');
    expect((await s3.send(new HeadObjectCommand({ Bucket, Key: 'raw/big.bin' }))).ContentLength).toBe(12 * 1024 * 1024 + 123);
  });

  function rawRequest(
    method: string,
    pathAndQuery: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const request = http.request(`${endpoint}${pathAndQuery}`, { method, headers }, (response) => {
        let data = '';
        response.on('data', (chunk: Buffer) => (data += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: data }));
      });
      request.on('error', reject);
      request.end(body);
    });
  }
});
