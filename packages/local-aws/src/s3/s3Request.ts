import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import { header } from '../common/http';
import { toXml } from '../common/xml';
import type { XmlNode } from '../common/xml';
import { AwsChunkedDecoder, ChunkSignatureError } from './awsChunked';
import type { ChunkSignatureChain } from '../iam/sigv4';
import type { BlobDigests } from './blobFiles';
import { S3Error, s3Errors } from './s3Errors';
import { tagsFromHeader } from './objectTags';
import type { ObjectChecksum, ObjectHeaders } from './s3Store';

export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** Where a request points: bucket and key from a path-style or virtual-host-style URL. */
export interface S3Target {
  bucket?: string;
  key?: string;
  query: URLSearchParams;
}

/**
 * Path style: `http://host/bucket/key`. Virtual-host style: `http://bucket.localhost:port/key`
 * (any host under `.localhost`, which resolves to loopback on most systems).
 */
export function parseTarget(request: IncomingMessage): S3Target {
  // The path is read as sent, not through URL, which resolves "." and ".." segments (also
  // %2e%2e): S3 keys are opaque, so "a/../b" is a key of its own and "../B/x" never leaves its bucket.
  const raw = (request.url ?? '/').replace(/^https?:\/\/[^/]*/i, '');
  const queryAt = raw.indexOf('?');
  const pathname = queryAt < 0 ? raw : raw.slice(0, queryAt);
  const url = { searchParams: new URLSearchParams(queryAt < 0 ? '' : raw.slice(queryAt + 1)) };
  const host = (header(request, 'host') ?? '').replace(/:\d+$/, '');
  const segments = pathname.split('/').slice(1);
  const virtualHost = /^(.+)\.localhost$/.exec(host)?.[1];
  const decode = (segment: string) => decodeURIComponent(segment);
  if (virtualHost) {
    const key = segments.map(decode).join('/');
    return { bucket: virtualHost, key: key === '' ? undefined : key, query: url.searchParams };
  }
  const [bucket, ...rest] = segments;
  const key = rest.map(decode).join('/');
  return { bucket: bucket ? decode(bucket) : undefined, key: rest.length > 0 && key !== '' ? key : undefined, query: url.searchParams };
}

export function sendXml(
  response: ServerResponse,
  status: number,
  root: string,
  body: XmlNode,
  headers: Record<string, string> = {},
  /** null: no namespace (S3's `<Error>`). */
  namespace: string | null = S3_NAMESPACE,
): void {
  const xml = toXml(root, body, namespace ?? undefined);
  response.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml), ...headers });
  response.end(xml);
}

export function sendError(response: ServerResponse, request: IncomingMessage, error: S3Error): void {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  if (request.method === 'HEAD' || error.status === 304) {
    response.writeHead(error.status, { 'x-amz-request-id': requestId, 'x-amz-error-code': error.code });
    response.end();
    return;
  }
  sendXml(
    response,
    error.status,
    'Error',
    { Code: error.code, Message: error.message, ...error.extra, RequestId: requestId },
    { 'x-amz-request-id': requestId },
    null, // S3's <Error> has no namespace, and botocore reads the code only from one without
  );
}

/** The headers S3 keeps with an object, read from a PUT or CreateMultipartUpload. */
export function objectHeaders(request: IncomingMessage): ObjectHeaders {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith('x-amz-meta-') && value !== undefined)
      metadata[name.slice('x-amz-meta-'.length)] = Array.isArray(value) ? value.join(',') : value;
  }
  // S3's limit: 2 KB of user metadata, names and values counted in UTF-8
  const metadataBytes = Object.entries(metadata).reduce((n, [name, value]) => n + Buffer.byteLength(name) + Buffer.byteLength(value), 0);
  if (metadataBytes > 2048)
    throw new S3Error(400, 'MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size', {
      Size: String(metadataBytes),
      MaxSizeAllowed: '2048',
    });
  // aws-chunked is a transfer detail: S3 drops it from the stored encoding.
  const contentEncoding = header(request, 'content-encoding')
    ?.split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '' && e !== 'aws-chunked')
    .join(', ');
  return {
    contentType: header(request, 'content-type'),
    contentEncoding: contentEncoding || undefined,
    contentDisposition: header(request, 'content-disposition'),
    contentLanguage: header(request, 'content-language'),
    cacheControl: header(request, 'cache-control'),
    expires: header(request, 'expires'),
    tags: tagsFromHeader(header(request, 'x-amz-tagging')),
    metadata,
  };
}

const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'sha1', 'sha256', 'crc64nvme'] as const;
type ChecksumName = (typeof CHECKSUM_ALGORITHMS)[number];
const CHECKSUM_BYTES: Record<ChecksumName, number> = { crc32: 4, crc32c: 4, sha1: 20, sha256: 32, crc64nvme: 8 };

/** A checksum value must be the base64 of a digest of its algorithm's size: S3 refuses any other before comparing. */
function checkChecksumValue(algorithm: ChecksumName, value: string): void {
  const base64 = /^[A-Za-z0-9+/]*={0,2}$/.test(value) && value.length % 4 === 0;
  if (!base64 || Buffer.from(value, 'base64').length !== CHECKSUM_BYTES[algorithm])
    throw new S3Error(400, 'InvalidRequest', `Value for x-amz-checksum-${algorithm} header is invalid.`);
}

/**
 * The chunk-signature chain of a request signed with a key the stack issued and sent with
 * `STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`: set where the request is authenticated,
 * read where its body is decoded.
 */
export const chunkSignatures = new WeakMap<IncomingMessage, ChunkSignatureChain>();

/** A request body decoded for storage, with what it claims about itself, checked once it is read. */
export interface IncomingBody {
  stream: Readable;
  wantsSha1: boolean;
  wantsSha256: boolean;
  /** Throws BadDigest if a declared checksum or Content-MD5 disagrees with the stored bytes; returns the checksums to keep. */
  verify: (digests: BlobDigests) => ObjectChecksum[];
}

/**
 * The object bytes of a PUT/UploadPart body: decodes `aws-chunked` (SDK v3's default for
 * streamed bodies), and verifies `Content-MD5` and any `x-amz-checksum-*` header or trailer
 * against the bytes as they were stored (CRC32, SHA-1 and SHA-256 are checked; CRC32C and
 * CRC64NVME are kept as sent, unchecked).
 */
export function incomingBody(request: IncomingMessage): IncomingBody {
  // refused before any byte of the body is read
  for (const name of CHECKSUM_ALGORITHMS) {
    const value = header(request, `x-amz-checksum-${name}`);
    if (value !== undefined) checkChecksumValue(name, value);
  }
  const chunked =
    /aws-chunked/.test(header(request, 'content-encoding') ?? '') ||
    (header(request, 'x-amz-content-sha256') ?? '').startsWith('STREAMING-');
  const decoder = chunked ? new AwsChunkedDecoder(chunkSignatures.get(request)) : undefined;
  const stream = decoder ? request.pipe(decoder) : request.pipe(new PassThrough());
  if (decoder) request.on('error', (error) => decoder.destroy(error));
  const trailerName = header(request, 'x-amz-trailer')?.toLowerCase();
  const declaredAlgorithm = (name: string | undefined): ChecksumName | undefined =>
    CHECKSUM_ALGORITHMS.find((algorithm) => name === `x-amz-checksum-${algorithm}`);
  const headerAlgorithm = CHECKSUM_ALGORITHMS.find((algorithm) => header(request, `x-amz-checksum-${algorithm}`) !== undefined);
  const algorithm = headerAlgorithm ?? declaredAlgorithm(trailerName);
  const contentMd5 = header(request, 'content-md5');
  // SigV4's payload hash: a hex SHA-256 of the body (not UNSIGNED-PAYLOAD or a STREAMING-… scheme), which S3 checks
  const payloadHash = chunked ? undefined : /^[0-9a-f]{64}$/i.exec(header(request, 'x-amz-content-sha256') ?? '')?.[0].toLowerCase();

  return {
    stream,
    wantsSha1: algorithm === 'sha1',
    wantsSha256: algorithm === 'sha256' || payloadHash !== undefined,
    verify: (digests) => {
      if (payloadHash !== undefined && digests.sha256 !== undefined) {
        const computed = Buffer.from(digests.sha256, 'base64').toString('hex');
        if (computed !== payloadHash)
          throw new S3Error(
            400,
            'XAmzContentSHA256Mismatch',
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
            {
              ClientComputedContentSHA256: payloadHash,
              S3ComputedContentSHA256: computed,
            },
          );
      }
      if (contentMd5 !== undefined && contentMd5 !== digests.md5.toString('base64')) {
        throw s3Errors.badDigest(
          `The Content-MD5 you specified did not match what we received (${contentMd5} ≠ ${digests.md5.toString('base64')})`,
        );
      }
      const checksums: ObjectChecksum[] = [{ algorithm: 'CRC32', value: digests.crc32 }];
      if (!algorithm) return checksums;
      const declared = headerAlgorithm ? header(request, `x-amz-checksum-${algorithm}`) : decoder?.trailers[`x-amz-checksum-${algorithm}`];
      if (declared === undefined)
        throw s3Errors.invalidArgument(`x-amz-trailer names x-amz-checksum-${algorithm}, but the body has no such trailer`);
      checkChecksumValue(algorithm, declared);
      const computed =
        algorithm === 'crc32' ? digests.crc32 : algorithm === 'sha1' ? digests.sha1 : algorithm === 'sha256' ? digests.sha256 : undefined;
      if (computed !== undefined && computed !== declared) {
        throw s3Errors.badDigest(
          `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum (${declared} ≠ ${computed})`,
        );
      }
      if (algorithm !== 'crc32') checksums.push({ algorithm: algorithm.toUpperCase() as ObjectChecksum['algorithm'], value: declared });
      return checksums;
    },
  };
}

/** `x-amz-checksum-*` response headers for the checksums a client asked to see. */
export function checksumHeaders(checksums: ObjectChecksum[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const checksum of checksums) headers[`x-amz-checksum-${checksum.algorithm.toLowerCase()}`] = checksum.value;
  if (checksums.length > 0) headers['x-amz-checksum-type'] = 'FULL_OBJECT';
  return headers;
}

export function toS3Error(error: unknown): S3Error {
  if (error instanceof S3Error) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ChunkSignatureError) return new S3Error(403, 'SignatureDoesNotMatch', message);
  if (/aws-chunked/.test(message)) return new S3Error(400, 'IncompleteBody', message);
  return new S3Error(500, 'InternalError', `local S3: ${message}`);
}
