import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { parseMessage, serializeMessage } from '@etl/contracts';
import type { Contract } from '@etl/contracts';
import { getIfExists, isPreconditionFailed } from './s3Outcomes';

/** A JSON state object of the data bucket (`state/…`), read through its contract; undefined when there is none. */
export async function readState<T>(s3: S3Client, bucket: string, key: string, contract: Contract<T>): Promise<T | undefined> {
  const object = await getIfExists(s3, bucket, key);
  return object && parseMessage(contract, object.text);
}

/** Puts a JSON state object through its contract; `IfNoneMatch: '*'` makes it a write only if there is none. */
function putState<T>(s3: S3Client, bucket: string, key: string, contract: Contract<T>, value: T, condition: { IfNoneMatch?: '*' } = {}) {
  return s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: serializeMessage(contract, value),
      ContentType: 'application/json',
      ...condition,
    }),
  );
}

/** Writes a JSON state object through its contract, replacing what is there. */
export async function writeState<T>(s3: S3Client, bucket: string, key: string, contract: Contract<T>, value: T): Promise<void> {
  await putState(s3, bucket, key, contract, value);
}

/**
 * Writes a JSON state object unless there is one (a conditional write: of writers racing, the
 * first wins). Returns the object there afterwards — `value`, or the first writer's — and
 * whether it is ours.
 */
export async function writeStateOnce<T>(
  s3: S3Client,
  bucket: string,
  key: string,
  contract: Contract<T>,
  value: T,
): Promise<{ value: T; written: boolean }> {
  try {
    await putState(s3, bucket, key, contract, value, { IfNoneMatch: '*' });
    return { value, written: true };
  } catch (error) {
    if (!isPreconditionFailed(error)) throw error;
    return { value: (await readState(s3, bucket, key, contract))!, written: false };
  }
}
