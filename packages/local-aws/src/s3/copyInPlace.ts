import type { IncomingMessage } from 'node:http';
import { header } from '../common/http';
import { S3Error } from './s3Errors';

/** What makes a copy of an object onto itself legal: a change of metadata, storage class, website redirect or encryption. */
const CHANGES = [
  'x-amz-storage-class',
  'x-amz-website-redirect-location',
  'x-amz-server-side-encryption',
  'x-amz-server-side-encryption-customer-algorithm',
];

/**
 * S3 refuses a CopyObject onto its own source that changes nothing it keeps: without
 * `x-amz-metadata-directive: REPLACE` or one of {@link CHANGES} (a tagging directive is not
 * enough). Naming the same storage class is a change, as S3 does not compare values.
 */
export function refuseCopyToItself(request: IncomingMessage, source: { bucket: string; key: string }, bucket: string, key: string): void {
  if (source.bucket !== bucket || source.key !== key) return;
  if (header(request, 'x-amz-metadata-directive')?.toUpperCase() === 'REPLACE') return;
  if (CHANGES.some((name) => header(request, name) !== undefined)) return;
  throw new S3Error(
    400,
    'InvalidRequest',
    "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
  );
}
