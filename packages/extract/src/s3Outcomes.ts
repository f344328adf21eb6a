import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';

/** The S3 error of reading a key that does not exist. */
export const isNoSuchKey = (error: unknown): boolean => (error as { name?: string } | undefined)?.name === 'NoSuchKey';

/** The S3 error of a request the caller's policies do not allow. */
export const isAccessDenied = (error: unknown): boolean => (error as { name?: string } | undefined)?.name === 'AccessDenied';

/** The S3 error of a conditional write (`If-Match`, `If-None-Match`) whose condition did not hold. */
export const isPreconditionFailed = (error: unknown): boolean =>
  (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode === 412;

/** Reads of a key refused while a listing shows it, before the refusal counts as real: written in between, once. */
const MAX_READS = 3;

/**
 * An object that may not exist yet (a state object before its first write): its text and ETag,
 * or undefined. S3 answers a GetObject of a missing key with 404 only to a caller allowed
 * `s3:ListBucket` on the whole bucket, and with 403 AccessDenied otherwise (GetObject,
 * "Permissions") — a ListBucket limited by `s3:prefix` does not count, since a GetObject has no
 * prefix. So a 403 is told apart by listing the key itself, which such a role may: absent is
 * undefined; present means either another writer put it between the two calls (two deliveries of
 * one task racing) — read it again — or the 403 was a real one, thrown as it came once a second
 * read is refused too. A role without even that ListBucket gets S3's own AccessDenied naming
 * `s3:ListBucket`.
 */
export async function getIfExists(s3: S3Client, bucket: string, key: string): Promise<{ text: string; etag: string } | undefined> {
  for (let read = 1; ; read++) {
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return { text: await object.Body!.transformToString(), etag: object.ETag! };
    } catch (error) {
      if (isNoSuchKey(error)) return undefined;
      if (!isAccessDenied(error)) throw error;
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }));
      if (listed.Contents?.[0]?.Key !== key) return undefined;
      if (read >= MAX_READS) throw error;
    }
  }
}
