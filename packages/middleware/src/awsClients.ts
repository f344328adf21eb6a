import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';

/**
 * Client factories for the AWS services the pipeline uses.
 *
 * Region and endpoints come from the environment, as the SDK reads them itself:
 * `AWS_REGION`, and `AWS_ENDPOINT_URL` or the per-service `AWS_ENDPOINT_URL_S3`,
 * `AWS_ENDPOINT_URL_SQS`, `AWS_ENDPOINT_URL_REDSHIFT_DATA` (which is how the local
 * stack is reached). We add only what the SDK does not infer: path-style S3 addressing
 * when S3 is a custom endpoint, since `bucket.localhost` does not resolve everywhere; and five
 * attempts for S3 (the SDK's default is three), since S3 answers `503 SlowDown` while a prefix's
 * request rate scales up and asks to be retried (`AWS_MAX_ATTEMPTS` still wins).
 */
export function s3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  return new S3Client({ forcePathStyle: hasCustomEndpoint('S3', env), ...(env.AWS_MAX_ATTEMPTS ? {} : { maxAttempts: S3_MAX_ATTEMPTS }) });
}

/** Attempts per S3 request: SlowDown is routine under load (pnpm chaos: a planner run failed on three 503s in a row). */
export const S3_MAX_ATTEMPTS = 5;

export function sqsClient(): SQSClient {
  return new SQSClient({});
}

export function redshiftDataClient(): RedshiftDataClient {
  return new RedshiftDataClient({});
}

/** True when the SDK will send this service's requests somewhere other than AWS. */
export function hasCustomEndpoint(serviceEnvName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env[`AWS_ENDPOINT_URL_${serviceEnvName}`] || env.AWS_ENDPOINT_URL);
}
