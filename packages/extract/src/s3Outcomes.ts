/** The S3 error of reading a key that does not exist. */
export const isNoSuchKey = (error: unknown): boolean => (error as { name?: string } | undefined)?.name === 'NoSuchKey';

/** The S3 error of a conditional write (`If-Match`, `If-None-Match`) whose condition did not hold. */
export const isPreconditionFailed = (error: unknown): boolean =>
  (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode === 412;
