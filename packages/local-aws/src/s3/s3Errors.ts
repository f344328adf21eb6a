/** An S3 error response: HTTP status, S3 error code and a message that says what to change. */
export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const s3Errors = {
  noSuchBucket: (bucket: string) =>
    new S3Error(404, 'NoSuchBucket', `The specified bucket does not exist: ${bucket}`, { BucketName: bucket }),
  noSuchKey: (key: string) => new S3Error(404, 'NoSuchKey', `The specified key does not exist: ${key}`, { Key: key }),
  noSuchUpload: (uploadId: string) =>
    new S3Error(404, 'NoSuchUpload', `The specified multipart upload does not exist (aborted or completed?): ${uploadId}`, {
      UploadId: uploadId,
    }),
  preconditionFailed: (condition: string) =>
    new S3Error(412, 'PreconditionFailed', `At least one of the pre-conditions you specified did not hold: ${condition}`, {
      Condition: condition,
    }),
  notImplemented: (what: string) => new S3Error(501, 'NotImplemented', `The local S3 stand-in does not implement ${what}`),
  invalidArgument: (message: string) => new S3Error(400, 'InvalidArgument', message),
  badDigest: (message: string) => new S3Error(400, 'BadDigest', message),
  /** What S3 answers when a prefix takes more requests than it can serve; SDKs retry it with backoff. */
  slowDown: () => new S3Error(503, 'SlowDown', 'Please reduce your request rate.'),
} as const;
