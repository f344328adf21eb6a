import type { ServerResponse } from 'node:http';
import { compareKeys } from './objectKeys';
import { S3Error } from './s3Errors';
import { sendXml } from './s3Request';
import type { MultipartUpload, S3Store } from './s3Store';

/** ListParts (GET ?uploadId on a key) and ListMultipartUploads (GET ?uploads on a bucket), paged as S3 pages them. */

const OWNER = { ID: 'local', DisplayName: 'local' };
const MAX_PAGE = 1000;

/**
 * An integer query parameter S3 reads as a count or a marker: absent or empty is the default;
 * anything but a non-negative integer is `400 InvalidArgument`.
 */
function integerParameter(query: URLSearchParams, name: string, fallback: number): number {
  const value = query.get(name);
  if (value === null || value === '') return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number > 2_147_483_647)
    throw new S3Error(400, 'InvalidArgument', `Argument ${name} must be an integer between 0 and 2147483647`, {
      ArgumentName: name,
      ArgumentValue: value,
    });
  return number;
}

export function listParts(
  store: S3Store,
  bucket: string,
  key: string,
  uploadId: string,
  query: URLSearchParams,
  response: ServerResponse,
): void {
  const upload = store.upload(bucket, key, uploadId);
  const maxParts = Math.min(MAX_PAGE, integerParameter(query, 'max-parts', MAX_PAGE));
  const marker = integerParameter(query, 'part-number-marker', 0);
  const after = Object.values(upload.parts)
    .filter((part) => part.number > marker)
    .sort((a, b) => a.number - b.number);
  const page = after.slice(0, maxParts);
  sendXml(response, 200, 'ListPartsResult', {
    Bucket: bucket,
    Key: key,
    UploadId: uploadId,
    PartNumberMarker: marker,
    // the last part listed, or 0 when none is: S3 gives it even on the last page
    NextPartNumberMarker: page.at(-1)?.number ?? 0,
    MaxParts: maxParts,
    IsTruncated: after.length > page.length,
    Part: page.map((part) => ({
      PartNumber: part.number,
      LastModified: new Date(part.lastModified ?? upload.initiated).toISOString(),
      ETag: part.etag,
      Size: part.size,
    })),
    Initiator: OWNER,
    Owner: { ID: OWNER.ID },
    StorageClass: 'STANDARD',
  });
}

/**
 * Uploads in key order, a key's uploads in the order they were initiated (as S3 lists them,
 * whatever its documentation says of upload ids). `key-marker` alone resumes after that key;
 * with `upload-id-marker`, after that upload of that key (which must be one of its uploads).
 * With a delimiter, keys under a common prefix are rolled up into it, and a prefix that holds
 * the key marker is not listed again. `NextKeyMarker`/`NextUploadIdMarker` name the last upload
 * listed, or are empty when the page lists none.
 */
export function listMultipartUploads(store: S3Store, bucket: string, query: URLSearchParams, response: ServerResponse): void {
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') || undefined;
  const keyMarker = query.get('key-marker') || undefined;
  // S3 ignores an upload-id-marker without a key-marker
  const uploadIdMarker = keyMarker === undefined ? undefined : query.get('upload-id-marker') || undefined;
  const encodingType = query.get('encoding-type') ?? undefined;
  if (encodingType !== undefined && encodingType !== 'url')
    throw new S3Error(400, 'InvalidArgument', 'Invalid Encoding Method specified in Request', {
      ArgumentName: 'encoding-type',
      ArgumentValue: encodingType,
    });
  const maxUploads = Math.min(MAX_PAGE, integerParameter(query, 'max-uploads', MAX_PAGE));

  const uploads = store.uploadsIn(bucket).sort((a, b) => compareKeys(a.key, b.key) || a.initiated - b.initiated); // stable: same-millisecond uploads stay in creation order
  let start = 0;
  if (keyMarker !== undefined) {
    if (uploadIdMarker !== undefined) {
      const at = uploads.findIndex((upload) => upload.uploadId === uploadIdMarker);
      if (at < 0 || uploads[at]!.key !== keyMarker)
        throw new S3Error(400, 'InvalidArgument', 'Invalid uploadId marker', {
          ArgumentName: 'upload-id-marker',
          ArgumentValue: uploadIdMarker,
        });
      start = at + 1;
    } else {
      start = uploads.findIndex((upload) => compareKeys(upload.key, keyMarker) > 0);
      if (start < 0) start = uploads.length;
    }
  }

  const listed: MultipartUpload[] = [];
  const commonPrefixes: string[] = [];
  let truncated = false;
  for (const upload of uploads.slice(start)) {
    if (!upload.key.startsWith(prefix)) continue;
    const cut = delimiter ? upload.key.indexOf(delimiter, prefix.length) : -1;
    const commonPrefix = cut >= 0 ? upload.key.slice(0, cut + delimiter!.length) : undefined;
    if (commonPrefix !== undefined && (commonPrefixes.includes(commonPrefix) || keyMarker?.startsWith(commonPrefix))) continue;
    if (listed.length + commonPrefixes.length === maxUploads) {
      truncated = true;
      break;
    }
    if (commonPrefix !== undefined) commonPrefixes.push(commonPrefix);
    else listed.push(upload);
  }

  const encode = (value: string | undefined) =>
    value === undefined || encodingType !== 'url' ? value : encodeURIComponent(value).replace(/%2F/g, '/');
  const last = listed.at(-1);
  sendXml(response, 200, 'ListMultipartUploadsResult', {
    Bucket: bucket,
    KeyMarker: encode(keyMarker) ?? '',
    UploadIdMarker: uploadIdMarker ?? '',
    NextKeyMarker: encode(last?.key) ?? '',
    NextUploadIdMarker: last?.uploadId ?? '',
    Delimiter: encode(delimiter),
    Prefix: query.has('prefix') ? encode(prefix) : undefined,
    MaxUploads: maxUploads,
    EncodingType: encodingType,
    IsTruncated: truncated,
    Upload: listed.map((upload) => ({
      Key: encode(upload.key),
      UploadId: upload.uploadId,
      Initiator: OWNER,
      Owner: { ID: OWNER.ID },
      StorageClass: 'STANDARD',
      Initiated: new Date(upload.initiated).toISOString(),
    })),
    CommonPrefixes: commonPrefixes.map((Prefix) => ({ Prefix: encode(Prefix) })),
  });
}
