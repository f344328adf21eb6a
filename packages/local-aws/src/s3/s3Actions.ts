import type { IncomingMessage } from 'node:http';
import { header } from '../common/http';
import type { S3Target } from './s3Request';

/** One permission a request needs: an IAM action on a resource, with the request's S3 condition keys. */
export interface S3Permission {
  action: string;
  resource: string;
  /** the bucket whose policy also decides */
  bucket: string;
  context: Record<string, string>;
}

const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;
const objectArn = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;

/** `x-amz-copy-source` as bucket and key (URL-encoded, an optional leading slash and `?versionId`). */
export function copySourceOf(request: IncomingMessage): { bucket: string; key: string } | undefined {
  const value = header(request, 'x-amz-copy-source');
  if (value === undefined) return undefined;
  const source = decodeURIComponent(value.split('?')[0]!).replace(/^\//, '');
  const slash = source.indexOf('/');
  return slash <= 0 ? undefined : { bucket: source.slice(0, slash), key: source.slice(slash + 1) };
}

/**
 * The permissions an S3 REST request needs, as the Service Authorization Reference maps
 * operations to actions: HeadObject is `s3:GetObject`, ListObjects(V2) and HeadBucket are
 * `s3:ListBucket` (with `s3:prefix`, `s3:delimiter`, `s3:max-keys`), ListMultipartUploads is
 * `s3:ListBucketMultipartUploads`, ListParts `s3:ListMultipartUploadParts`, multipart parts are
 * `s3:PutObject`, a copy also needs `s3:GetObject` on its source, tags on a PUT need
 * `s3:PutObjectTagging`. DeleteObjects is checked key by key where it runs.
 */
export function s3Permissions(method: string, target: S3Target, request: IncomingMessage): S3Permission[] {
  const { bucket, key, query } = target;
  if (!bucket) return [{ action: 's3:ListAllMyBuckets', resource: '*', bucket: '', context: {} }];
  const onBucket = (action: string, context: Record<string, string> = {}): S3Permission => ({
    action,
    resource: bucketArn(bucket),
    bucket,
    context,
  });
  if (key === undefined) {
    if (query.has('notification')) return [onBucket(method === 'GET' ? 's3:GetBucketNotification' : 's3:PutBucketNotification')];
    if (query.has('policy'))
      return [onBucket(method === 'GET' ? 's3:GetBucketPolicy' : method === 'DELETE' ? 's3:DeleteBucketPolicy' : 's3:PutBucketPolicy')];
    switch (method) {
      case 'PUT':
        return [onBucket('s3:CreateBucket')];
      case 'DELETE':
        return [onBucket('s3:DeleteBucket')];
      case 'HEAD':
        return [onBucket('s3:ListBucket')];
      case 'POST':
        return []; // DeleteObjects: s3:DeleteObject for each key, answered per key
      default: {
        if (query.has('location')) return [onBucket('s3:GetBucketLocation')];
        if (query.has('uploads')) return [onBucket('s3:ListBucketMultipartUploads')];
        const context: Record<string, string> = {};
        for (const name of ['prefix', 'delimiter', 'max-keys']) {
          const value = query.get(name);
          if (value !== null) context[`s3:${name}`] = value;
        }
        return [onBucket('s3:ListBucket', context)];
      }
    }
  }
  const onObject = (action: string): S3Permission => ({ action, resource: objectArn(bucket, key), bucket, context: {} });
  if (query.has('tagging'))
    return [onObject(method === 'GET' ? 's3:GetObjectTagging' : method === 'DELETE' ? 's3:DeleteObjectTagging' : 's3:PutObjectTagging')];
  const uploadId = query.has('uploadId');
  switch (method) {
    case 'GET':
    case 'HEAD':
      return [onObject(uploadId ? 's3:ListMultipartUploadParts' : 's3:GetObject')];
    case 'DELETE':
      return [onObject(uploadId ? 's3:AbortMultipartUpload' : 's3:DeleteObject')];
    case 'PUT':
    case 'POST': {
      const permissions = [onObject('s3:PutObject')];
      if (header(request, 'x-amz-tagging') !== undefined) permissions.push(onObject('s3:PutObjectTagging'));
      const source = copySourceOf(request);
      if (source)
        permissions.push({ action: 's3:GetObject', resource: objectArn(source.bucket, source.key), bucket: source.bucket, context: {} });
      return permissions;
    }
  }
  return [];
}
