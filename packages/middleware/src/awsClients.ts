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
 * when S3 is a custom endpoint, since `bucket.localhost` does not resolve everywhere.
 */
export function s3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  return new S3Client({ forcePathStyle: hasCustomEndpoint('S3', env) });
}

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
