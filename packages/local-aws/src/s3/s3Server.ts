import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Faults } from '../common/faults';
import { header, readBody } from '../common/http';
import { isWellFormedXml, parseXml } from '../common/xml';
import { S3Error, s3Errors } from './s3Errors';
import { checksumHeaders, incomingBody, objectHeaders, parseTarget, sendError, sendXml, toS3Error } from './s3Request';
import type { S3Target } from './s3Request';
import { etagMatches, S3Store } from './s3Store';
import { tagsFromHeader, tagsFromXml, tagsXml } from './objectTags';
import { matchingTargets, notificationConfigXml, parseNotificationConfig, s3EventRecord } from './bucketNotifications';
import type { NotificationSink } from './bucketNotifications';
import type { StoredObject, WriteConditions } from './s3Store';
import type { AccessControl, Caller } from '../iam/accessControl';
import { parsePolicy } from '../iam/policyEvaluation';
import { s3Permissions } from './s3Actions';
import { authorizeS3, missingKeyError, s3Allows, s3Caller, s3MaySendTo } from './s3Authorization';
import { alreadyOwned, invalidBucketName, isValidBucketName, parseBucketConfiguration } from './bucketCreation';
import { refuseCopyToItself } from './copyInPlace';
import { copySourceOf } from './s3Actions';
import { RESPONSE_OVERRIDE_PARAMETERS, responseOverrides } from './responseOverrides';
import { listMultipartUploads, listParts } from './multipartListing';
import { answerOversizedHeaders, MAX_HEADER_BYTES } from './headerLimit';

/** Sub-resources this stand-in answers; any other (`?acl`, `?retention`…) gets a clear 501. */
const OBJECT_QUERY = new Set([
  'uploads',
  'uploadId',
  'partNumber',
  'x-id',
  'versionId',
  'tagging',
  'max-parts',
  'part-number-marker',
  ...RESPONSE_OVERRIDE_PARAMETERS,
]);
const BUCKET_QUERY = new Set([
  'list-type',
  'prefix',
  'delimiter',
  'max-keys',
  'continuation-token',
  'start-after',
  'encoding-type',
  'fetch-owner',
  'marker',
  'delete',
  'location',
  'notification',
  'policy',
  'x-id',
  'uploads',
  'max-uploads',
  'key-marker',
  'upload-id-marker',
]);

/**
 * An HTTP server speaking the S3 REST API subset the pipeline and the AWS CLI use; `sink`
 * delivers bucket notifications; `access` authenticates requests and authorises those made with
 * keys the local IAM issued (without it, every request is the administrator's).
 */
export function createS3Server(store: S3Store, faults?: Faults, sink?: NotificationSink, access?: AccessControl): Server {
  const notify = (eventName: string, bucket: string, object: { key: string; size?: number; etag?: string; lastModified: number }) => {
    if (!sink) return;
    for (const target of matchingTargets(store.bucket(bucket).notification, eventName, object.key))
      sink.deliver(target, s3EventRecord(eventName, bucket, object, target.id));
  };
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (request, response) => {
    handle({ store, notify, sink, access }, request, response, faults).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy(error as Error);
        return;
      }
      request.resume();
      sendError(response, request, toS3Error(error));
    });
  });
  answerOversizedHeaders(server);
  return server;
}

/** What a request is handled with: the store, and the notifications an object event sends. */
interface S3Context {
  store: S3Store;
  notify: (eventName: string, bucket: string, object: { key: string; size?: number; etag?: string; lastModified: number }) => void;
  sink?: NotificationSink;
  access?: AccessControl;
}

/** The request's caller, when the server checks access (and the checks that need it). */
interface Authorized {
  caller: Caller;
  access: AccessControl;
}

async function handle(context: S3Context, request: IncomingMessage, response: ServerResponse, faults?: Faults): Promise<void> {
  const { store, access } = context;
  const target = parseTarget(request);
  const method = request.method ?? 'GET';
  const authorized: Authorized | undefined = access ? { access, caller: s3Caller(access, request) } : undefined;
  if (target.key !== undefined && faults?.s3SlowDown()) throw s3Errors.slowDown();
  if (!target.bucket) {
    if (authorized) authorizeS3(authorized.access, store, authorized.caller, s3Permissions(method, target, request), request);
    if (method === 'GET') return listBuckets(store, response);
    throw s3Errors.notImplemented(`${method} on the service root`);
  }
  if (target.key !== undefined && Buffer.byteLength(target.key) > 1024)
    throw new S3Error(400, 'KeyTooLongError', 'Your key is too long', {
      Size: String(Buffer.byteLength(target.key)),
      MaxSizeAllowed: '1024',
    });
  if (target.query.has('X-Amz-Signature')) checkPresignedUrl(target.query, request);
  else if (target.query.has('Signature') && target.query.has('AWSAccessKeyId')) checkSigV2PresignedUrl(target.query);
  const allowed = target.key === undefined ? BUCKET_QUERY : OBJECT_QUERY;
  const unknown = [...target.query.keys()].find((name) => !allowed.has(name));
  if (unknown) throw s3Errors.notImplemented(`the "${unknown}" sub-resource (${method} ${target.key === undefined ? 'bucket' : 'object'})`);
  if (authorized) authorizeS3(authorized.access, store, authorized.caller, s3Permissions(method, target, request), request);
  try {
    if (target.key === undefined) return await bucketRequest(context, method, target, request, response, authorized);
    return await objectRequest(context, method, target as S3Target & { bucket: string; key: string }, request, response);
  } catch (error) {
    if (authorized && error instanceof S3Error && error.code === 'NoSuchKey')
      throw missingKeyError(authorized.access, store, authorized.caller, target.bucket, error, request);
    throw error;
  }
}

const QUERY_AUTH = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
  'X-Amz-Content-Sha256',
];

/**
 * A presigned URL (SigV4 query authentication): its parameters are checked as S3 checks them
 * but for the signature (which the stack never verifies, as with header signatures) — an
 * expired URL is `403 AccessDenied` — and then taken off the query, which names the operation.
 */
function checkPresignedUrl(query: URLSearchParams, request: IncomingMessage): void {
  if (query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256')
    throw new S3Error(400, 'AuthorizationQueryParametersError', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(query.get('X-Amz-Date') ?? '');
  const expires = Number(query.get('X-Amz-Expires'));
  if (!date)
    throw new S3Error(400, 'AuthorizationQueryParametersError', "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  if (!Number.isInteger(expires) || expires < 1 || expires > 604_800)
    throw new S3Error(400, 'AuthorizationQueryParametersError', 'X-Amz-Expires must be between 1 and 604800 seconds');
  const signedAt = Date.UTC(+date[1]!, +date[2]! - 1, +date[3]!, +date[4]!, +date[5]!, +date[6]!);
  if (Date.now() > signedAt + expires * 1000)
    throw new S3Error(403, 'AccessDenied', 'Request has expired', {
      'X-Amz-Expires': String(expires),
      Expires: new Date(signedAt + expires * 1000).toISOString(),
      ServerTime: new Date().toISOString(),
    });
  for (const name of QUERY_AUTH) query.delete(name);
  // headers the signer hoisted into the query (x-amz-checksum-crc32, x-amz-sdk-checksum-algorithm…) count as headers,
  // so a presigned PUT carrying the CRC32 of an empty body fails on another body, as on S3
  for (const name of [...query.keys()].filter((n) => n.toLowerCase().startsWith('x-amz-'))) {
    request.headers[name.toLowerCase()] = query.get(name)!;
    query.delete(name);
  }
}

/**
 * A SigV2 presigned URL (`AWSAccessKeyId`, `Expires` in epoch seconds, `Signature`), which S3
 * still accepts in us-east-1 and which boto3 before 1.36 generates by default. Checked for
 * expiry (the signature is not verified), then taken off the query.
 */
function checkSigV2PresignedUrl(query: URLSearchParams): void {
  const expires = Number(query.get('Expires'));
  if (!Number.isInteger(expires)) throw new S3Error(400, 'InvalidArgument', 'Expires must be a number of seconds since the epoch');
  if (Date.now() > expires * 1000)
    throw new S3Error(403, 'AccessDenied', 'Request has expired', {
      Expires: new Date(expires * 1000).toISOString(),
      ServerTime: new Date().toISOString(),
    });
  for (const name of ['AWSAccessKeyId', 'Expires', 'Signature', 'x-amz-security-token']) query.delete(name);
}

function listBuckets(store: S3Store, response: ServerResponse): void {
  sendXml(response, 200, 'ListAllMyBucketsResult', {
    Owner: { ID: 'local', DisplayName: 'local' },
    Buckets: { Bucket: store.listBuckets().map((b) => ({ Name: b.name, CreationDate: new Date(b.created).toISOString() })) },
  });
}

async function bucketRequest(
  context: S3Context,
  method: string,
  target: S3Target,
  request: IncomingMessage,
  response: ServerResponse,
  authorized?: Authorized,
): Promise<void> {
  const { store } = context;
  const bucket = target.bucket!;
  const query = target.query;
  if (query.has('notification')) return notificationRequest(context, method, bucket, request, response, authorized);
  if (query.has('policy')) return bucketPolicyRequest(context, method, bucket, request, response);
  switch (method) {
    case 'PUT': {
      // the stack is one region (us-east-1) whatever other region a CreateBucketConfiguration names
      if (!isValidBucketName(bucket)) throw invalidBucketName(bucket);
      const config = parseBucketConfiguration((await readBody(request)).toString('utf8'));
      if (!(await store.createBucket(bucket))) {
        const refused = alreadyOwned(bucket, config);
        if (refused) throw refused;
      }
      response.writeHead(200, { location: `/${bucket}` }).end();
      return;
    }
    case 'HEAD':
      store.bucket(bucket);
      response.writeHead(200, { 'x-amz-bucket-region': 'us-east-1' }).end();
      return;
    case 'DELETE':
      await store.deleteBucket(bucket);
      response.writeHead(204).end();
      return;
    case 'POST':
      if (query.has('delete')) return deleteObjects(store, bucket, request, response, authorized);
      break;
    case 'GET':
      if (query.has('location')) {
        store.bucket(bucket);
        return sendXml(response, 200, 'LocationConstraint', {});
      }
      if (query.has('uploads')) return listMultipartUploads(store, bucket, query, response);
      return listObjects(store, bucket, query, response);
  }
  throw s3Errors.notImplemented(`${method} on a bucket`);
}

/** GET / PUT `?notification`: the bucket's event destinations, each tested as S3 tests it when put. */
async function notificationRequest(
  { store, sink }: S3Context,
  method: string,
  bucket: string,
  request: IncomingMessage,
  response: ServerResponse,
  authorized?: Authorized,
): Promise<void> {
  if (method === 'GET')
    return sendXml(response, 200, 'NotificationConfiguration', notificationConfigXml(store.bucket(bucket).notification));
  if (method !== 'PUT') throw s3Errors.notImplemented(`${method} ?notification`);
  store.bucket(bucket);
  const config = parseNotificationConfig(requestXml((await readBody(request)).toString('utf8'), 'NotificationConfiguration'));
  if (config.targets.length > 0 && !sink)
    throw s3Errors.notImplemented('notifications on an S3 server that has no queues or functions to send them to');
  const missing = sink?.missing(config.targets) ?? [];
  if (missing.length > 0)
    throw new S3Error(400, 'InvalidArgument', 'Unable to validate the following destination configurations', {
      ArgumentName1: missing[0]!,
      ArgumentValue1: 'The destination does not exist',
    });
  // S3 tests each queue as s3.amazonaws.com: the queue's policy must let this bucket send to it (checked
  // for a configuration put with a key the local IAM issued; the administrator's are taken as before)
  const refused =
    authorized?.caller.enforced && sink?.queuePolicy
      ? config.targets.find((t) => t.kind === 'queue' && !s3MaySendTo(authorized.access, sink.queuePolicy!(t), t.arn, bucket))
      : undefined;
  if (refused)
    throw new S3Error(400, 'InvalidArgument', 'Unable to validate the following destination configurations', {
      ArgumentName1: refused.arn,
      ArgumentValue1: 'Permissions on the destination queue do not allow S3 to publish notifications from this bucket',
    });
  await store.setNotification(bucket, config);
  for (const target of config.targets) if (target.kind === 'queue') sink?.testEvent(target, bucket);
  response.writeHead(200).end();
}

function listObjects(store: S3Store, bucket: string, query: URLSearchParams, response: ServerResponse): void {
  const v2 = query.get('list-type') === '2';
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') || undefined;
  const askedKeys = Number(query.get('max-keys') ?? 1000);
  // S3 refuses what is not a non-negative integer, and returns at most 1,000 keys whatever is asked
  if (!/^\d+$/.test(query.get('max-keys') ?? '1000') || !Number.isSafeInteger(askedKeys))
    throw s3Errors.invalidArgument(`Provided max-keys not an integer or within integer range: ${query.get('max-keys')}`);
  const maxKeys = Math.min(1000, askedKeys);
  const token = query.get('continuation-token') ?? undefined;
  const startAfter = query.get('start-after') ?? undefined;
  const marker = query.get('marker') ?? undefined;
  let after: string | undefined;
  if (v2 && token !== undefined) {
    after = Buffer.from(token, 'base64url').toString('utf8');
    if (after === '') throw s3Errors.invalidArgument('The continuation token provided is incorrect');
  } else after = v2 ? startAfter : marker;

  const result = store.list(bucket, { prefix, delimiter, maxKeys, after });
  const urlEncode = query.get('encoding-type') === 'url';
  const encode = (value: string | undefined) =>
    value === undefined || !urlEncode ? value : encodeURIComponent(value).replace(/%2F/g, '/');
  const contents = result.objects.map((object) => ({
    Key: encode(object.key),
    LastModified: new Date(object.lastModified).toISOString(),
    ETag: object.etag,
    Size: object.size,
    StorageClass: 'STANDARD',
  }));
  const common = result.commonPrefixes.map((p) => ({ Prefix: encode(p) }));
  const next = result.truncated && result.last !== undefined ? result.last : undefined;
  sendXml(response, 200, 'ListBucketResult', {
    Name: bucket,
    Prefix: encode(prefix),
    ...(v2
      ? {
          ContinuationToken: token,
          StartAfter: encode(startAfter),
          KeyCount: contents.length + common.length,
          NextContinuationToken: next && Buffer.from(next).toString('base64url'),
        }
      : { Marker: encode(marker ?? ''), NextMarker: delimiter ? encode(next) : undefined }),
    Delimiter: encode(delimiter),
    MaxKeys: maxKeys,
    EncodingType: urlEncode ? 'url' : undefined,
    IsTruncated: result.truncated,
    Contents: contents,
    CommonPrefixes: common,
  });
}

/** A request body that must be an XML document with this root, as S3 checks it: else 400 MalformedXML (not a 500, which SDKs retry). */
function requestXml(text: string, root: string): Record<string, unknown> {
  const parsed = isWellFormedXml(text) ? parseXml(text) : undefined;
  if (!parsed || typeof parsed[root] !== 'object' || parsed[root] === null)
    throw new S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
  return parsed;
}

/** DeleteObjects: each key needs `s3:DeleteObject`; a key the caller may not delete is an `<Error>` entry, the others go. */
async function deleteObjects(
  store: S3Store,
  bucket: string,
  request: IncomingMessage,
  response: ServerResponse,
  authorized?: Authorized,
): Promise<void> {
  store.bucket(bucket);
  const body = requestXml((await readBody(request)).toString('utf8'), 'Delete') as {
    Delete?: { Object?: { Key: string }[]; Quiet?: string };
  };
  const objects = body.Delete?.Object ?? [];
  if (objects.length > 1000) throw new S3Error(400, 'MalformedXML', `DeleteObjects takes at most 1000 keys, got ${objects.length}`);
  const deleted: { Key: string }[] = [];
  const errors: { Key: string; Code: string; Message: string }[] = [];
  for (const { Key } of objects) {
    const key = String(Key);
    const permission = { action: 's3:DeleteObject', resource: `arn:aws:s3:::${bucket}/${key}`, bucket, context: {} };
    if (authorized && s3Allows(authorized.access, store, authorized.caller, permission, request).decision !== 'Allow') {
      errors.push({ Key: key, Code: 'AccessDenied', Message: 'Access Denied' });
      continue;
    }
    await store.deleteObject(bucket, key);
    deleted.push({ Key: key });
  }
  const quiet = body.Delete?.Quiet === 'true';
  sendXml(response, 200, 'DeleteResult', { Deleted: quiet ? [] : deleted, Error: errors });
}

/** GET / PUT / DELETE `?policy`: the bucket policy, checked as S3 checks it when put. */
async function bucketPolicyRequest(
  { store }: S3Context,
  method: string,
  bucket: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  store.bucket(bucket);
  if (method === 'GET') {
    const policy = store.policyOf(bucket);
    if (policy === undefined) throw new S3Error(404, 'NoSuchBucketPolicy', 'The bucket policy does not exist', { BucketName: bucket });
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(policy) }).end(policy);
    return;
  }
  if (method === 'DELETE') {
    await store.setPolicy(bucket, undefined);
    response.writeHead(204).end();
    return;
  }
  if (method !== 'PUT') throw s3Errors.notImplemented(`${method} ?policy`);
  const text = (await readBody(request)).toString('utf8');
  try {
    parsePolicy(text, 'resource');
  } catch (error) {
    throw new S3Error(400, 'MalformedPolicy', (error as Error).message);
  }
  await store.setPolicy(bucket, text);
  response.writeHead(204).end();
}

async function objectRequest(
  { store, notify }: S3Context,
  method: string,
  target: S3Target & { bucket: string; key: string },
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const { bucket, key, query } = target;
  if (query.has('tagging')) return objectTagging(store, method, bucket, key, request, response);
  const created = (eventName: string) => {
    const object = store.getObject(bucket, key);
    notify(eventName, bucket, { key, size: object.size, etag: object.etag, lastModified: object.lastModified });
  };
  const uploadId = query.get('uploadId');
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (uploadId !== null) return listParts(store, bucket, key, uploadId, query, response);
      return getObject(store, store.getObject(bucket, key), method, query, request, response);
    case 'PUT':
      if (uploadId !== null) return uploadPart(store, bucket, key, uploadId, query.get('partNumber'), request, response);
      if (header(request, 'x-amz-copy-source')) {
        await copyObject(store, bucket, key, request, response);
        return created('ObjectCreated:Copy');
      }
      await putObject(store, bucket, key, request, response);
      return created('ObjectCreated:Put');
    case 'DELETE':
      if (uploadId !== null) {
        await store.abortUpload(store.upload(bucket, key, uploadId));
        response.writeHead(204).end();
        return;
      }
      await store.deleteObject(bucket, key);
      response.writeHead(204).end();
      notify('ObjectRemoved:Delete', bucket, { key, lastModified: Date.now() });
      return;
    case 'POST':
      if (query.has('uploads')) return createUpload(store, bucket, key, request, response);
      if (uploadId !== null) {
        await completeUpload(store, bucket, key, uploadId, request, response);
        return created('ObjectCreated:CompleteMultipartUpload');
      }
      break;
  }
  throw s3Errors.notImplemented(`${method} on an object`);
}

function writeConditions(request: IncomingMessage): WriteConditions {
  return { ifMatch: header(request, 'if-match'), ifNoneMatch: header(request, 'if-none-match') };
}

async function putObject(store: S3Store, bucket: string, key: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const conditions = writeConditions(request);
  store.checkWriteConditions(bucket, key, conditions); // fail before reading the body; checked again at commit
  const { written, checksums } = await storeBody(store, request);
  const object = await store.putObject(
    bucket,
    key,
    { blob: written.blob, size: written.size, etag: `"${written.md5.toString('hex')}"`, checksums },
    objectHeaders(request),
    conditions,
  );
  response
    .writeHead(200, {
      etag: object.etag,
      ...checksumHeaders(checksums.filter((c) => c.algorithm !== 'CRC32' || hasChecksumHeader(request))),
    })
    .end();
}

/** Streams a PUT/UploadPart body to a blob and verifies it; a blob that fails verification is discarded. */
async function storeBody(store: S3Store, request: IncomingMessage) {
  const body = incomingBody(request);
  const written = await store.writeBlob(body.stream, { sha1: body.wantsSha1, sha256: body.wantsSha256 });
  try {
    return { written, checksums: body.verify(written) };
  } catch (error) {
    await store.discardBlob(written.blob);
    throw error;
  }
}

function hasChecksumHeader(request: IncomingMessage): boolean {
  return Object.keys(request.headers).some((name) => name.startsWith('x-amz-checksum-')) || header(request, 'x-amz-trailer') !== undefined;
}

function objectResponseHeaders(object: StoredObject): Record<string, string> {
  const headers: Record<string, string> = {
    etag: object.etag,
    'last-modified': new Date(object.lastModified).toUTCString(),
    'accept-ranges': 'bytes',
    'content-type': object.contentType ?? 'binary/octet-stream',
  };
  if (object.contentEncoding) headers['content-encoding'] = object.contentEncoding;
  if (object.contentDisposition) headers['content-disposition'] = object.contentDisposition;
  if (object.contentLanguage) headers['content-language'] = object.contentLanguage;
  if (object.cacheControl) headers['cache-control'] = object.cacheControl;
  if (object.expires) headers.expires = object.expires;
  if (object.parts) headers['x-amz-mp-parts-count'] = String(object.parts);
  if (object.tags) headers['x-amz-tagging-count'] = String(Object.keys(object.tags).length);
  for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
  return headers;
}

function readConditions(object: StoredObject, request: IncomingMessage): void {
  const ifMatch = header(request, 'if-match');
  if (ifMatch !== undefined && !etagMatches(ifMatch, object.etag)) throw s3Errors.preconditionFailed('If-Match');
  const ifUnmodifiedSince = header(request, 'if-unmodified-since');
  if (ifMatch === undefined && ifUnmodifiedSince && object.lastModified > Date.parse(ifUnmodifiedSince) + 999)
    throw s3Errors.preconditionFailed('If-Unmodified-Since');
  const ifNoneMatch = header(request, 'if-none-match');
  if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, object.etag)) throw new S3Error(304, 'NotModified', 'Not Modified');
  const ifModifiedSince = header(request, 'if-modified-since');
  if (ifNoneMatch === undefined && ifModifiedSince && object.lastModified <= Date.parse(ifModifiedSince) + 999)
    throw new S3Error(304, 'NotModified', 'Not Modified');
}

/** `bytes=a-b`, `bytes=a-` or `bytes=-n`; undefined for none (or a multi-range, which S3 ignores). */
function parseRange(value: string | undefined, size: number): { start: number; end: number } | undefined {
  if (!value) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) {
    throw new S3Error(416, 'InvalidRange', `The requested range ${value} is not satisfiable for an object of ${size} bytes`, {
      ActualObjectSize: String(size),
    });
  }
  return { start, end };
}

function getObject(
  store: S3Store,
  object: StoredObject,
  method: string,
  query: URLSearchParams,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const overrides = responseOverrides(query, request);
  readConditions(object, request);
  const range = parseRange(header(request, 'range'), object.size);
  const headers = { ...objectResponseHeaders(object), ...overrides };
  if (!range && header(request, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED')
    Object.assign(headers, checksumHeaders(object.checksums));
  if (range) {
    headers['content-range'] = `bytes ${range.start}-${range.end}/${object.size}`;
    headers['content-length'] = String(range.end - range.start + 1);
  } else headers['content-length'] = String(object.size);
  response.writeHead(range ? 206 : 200, headers);
  if (method === 'HEAD' || object.size === 0) {
    response.end();
    return;
  }
  const body = store.readBlob(object, range);
  body.on('error', (error) => response.destroy(error));
  body.pipe(response);
}

/** The object `x-amz-copy-source` names (`bucket/key`, URL-encoded), if `x-amz-copy-source-if-match` holds. */
function copySource(store: S3Store, request: IncomingMessage): StoredObject {
  const source = decodeURIComponent(header(request, 'x-amz-copy-source')!.split('?')[0]!).replace(/^\//, '');
  const slash = source.indexOf('/');
  if (slash <= 0) throw s3Errors.invalidArgument(`x-amz-copy-source must be bucket/key, got "${source}"`);
  const original = store.getObject(source.slice(0, slash), source.slice(slash + 1));
  const ifMatch = header(request, 'x-amz-copy-source-if-match');
  if (ifMatch !== undefined && !etagMatches(ifMatch, original.etag)) throw s3Errors.preconditionFailed('x-amz-copy-source-If-Match');
  return original;
}

/** `x-amz-copy-source-range: bytes=first-last` (both given, within the source), as UploadPartCopy reads it. */
function copySourceRange(value: string | undefined, size: number): { start: number; end: number } | undefined {
  if (value === undefined) return undefined;
  const match = /^bytes=(\d+)-(\d+)$/.exec(value.trim());
  if (!match)
    throw s3Errors.invalidArgument(
      'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
    );
  const [start, end] = [Number(match[1]), Number(match[2])];
  if (start > end || end >= size) throw s3Errors.invalidArgument(`Range specified is not valid for source object of size: ${size}`);
  return { start, end };
}

async function copyObject(store: S3Store, bucket: string, key: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const original = copySource(store, request);
  refuseCopyToItself(request, copySourceOf(request)!, bucket, key);
  await readBody(request);
  const replace = header(request, 'x-amz-metadata-directive')?.toUpperCase() === 'REPLACE';
  const { contentType, contentEncoding, contentDisposition, contentLanguage, cacheControl, expires, metadata } = original;
  const headers = replace
    ? objectHeaders(request)
    : { contentType, contentEncoding, contentDisposition, contentLanguage, cacheControl, expires, metadata };
  // tags follow their own directive: copied unless x-amz-tagging-directive is REPLACE
  headers.tags =
    header(request, 'x-amz-tagging-directive')?.toUpperCase() === 'REPLACE'
      ? tagsFromHeader(header(request, 'x-amz-tagging'))
      : original.tags;
  const copy = await store.copyObject(original, bucket, key, headers, writeConditions(request));
  sendXml(response, 200, 'CopyObjectResult', { LastModified: new Date(copy.lastModified).toISOString(), ETag: copy.etag });
}

/** GET / PUT / DELETE `?tagging` on an object. */
async function objectTagging(
  store: S3Store,
  method: string,
  bucket: string,
  key: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const object = store.getObject(bucket, key);
  if (method === 'GET') return sendXml(response, 200, 'Tagging', tagsXml(object.tags));
  if (method === 'PUT') {
    await store.setTags(bucket, key, tagsFromXml(requestXml((await readBody(request)).toString('utf8'), 'Tagging')));
    response.writeHead(200).end();
    return;
  }
  if (method === 'DELETE') {
    await readBody(request);
    await store.setTags(bucket, key, {});
    response.writeHead(204).end();
    return;
  }
  throw s3Errors.notImplemented(`${method} ?tagging`);
}

async function createUpload(
  store: S3Store,
  bucket: string,
  key: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  await readBody(request);
  const uploadId = await store.createUpload(bucket, key, objectHeaders(request));
  const algorithm = header(request, 'x-amz-checksum-algorithm');
  sendXml(
    response,
    200,
    'InitiateMultipartUploadResult',
    { Bucket: bucket, Key: key, UploadId: uploadId },
    algorithm ? { 'x-amz-checksum-algorithm': algorithm } : {},
  );
}

async function uploadPart(
  store: S3Store,
  bucket: string,
  key: string,
  uploadId: string,
  partNumber: string | null,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const number = Number(partNumber);
  if (!Number.isInteger(number) || number < 1 || number > 10_000)
    throw s3Errors.invalidArgument(`Part number must be an integer between 1 and 10000, got ${partNumber}`);
  const upload = store.upload(bucket, key, uploadId);
  if (header(request, 'x-amz-copy-source')) {
    // UploadPartCopy: the part is (a byte range of) another object, streamed blob to blob
    const original = copySource(store, request);
    const range = copySourceRange(header(request, 'x-amz-copy-source-range'), original.size);
    await readBody(request);
    const part = await store.putPart(upload, number, await store.writeBlob(store.readBlob(original, range)));
    return sendXml(response, 200, 'CopyPartResult', { LastModified: new Date().toISOString(), ETag: part.etag });
  }
  const { written, checksums } = await storeBody(store, request);
  const part = await store.putPart(upload, number, written);
  response.writeHead(200, { etag: part.etag, ...(hasChecksumHeader(request) ? checksumHeaders(checksums) : {}) }).end();
}

async function completeUpload(
  store: S3Store,
  bucket: string,
  key: string,
  uploadId: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const upload = store.upload(bucket, key, uploadId);
  const body = requestXml((await readBody(request)).toString('utf8'), 'CompleteMultipartUpload') as {
    CompleteMultipartUpload?: { Part?: { PartNumber: string; ETag: string }[] };
  };
  const parts = (body.CompleteMultipartUpload?.Part ?? []).map((part) => ({ number: Number(part.PartNumber), etag: String(part.ETag) }));
  const object = await store.completeUpload(upload, parts, writeConditions(request));
  sendXml(response, 200, 'CompleteMultipartUploadResult', {
    Location: `/${bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`,
    Bucket: bucket,
    Key: key,
    ETag: object.etag,
    ChecksumCRC32: object.checksums.find((c) => c.algorithm === 'CRC32')?.value,
    ChecksumType: 'FULL_OBJECT',
  });
}
