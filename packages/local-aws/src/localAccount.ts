/** The local AWS account: the id, region, credentials and endpoints the stack answers as. */
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_REGION = 'us-east-1';
/**
 * The administrator's credentials: a key the local IAM never issued, so its requests are the
 * account's administrator's and are not checked (keys the IAM issues are).
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** The database the local warehouse holds unless told another (`--database`). */
export const LOCAL_WAREHOUSE_DATABASE = 'analytics';

export interface LocalEndpoints {
  s3: string;
  sqs: string;
  redshiftData: string;
  /** IAM and STS (one server answers both) */
  iam: string;
}

/** Endpoints from `AWS_ENDPOINT_URL_*` when set, else the local stack's default ports. */
export function localEndpoints(env: NodeJS.ProcessEnv = process.env): LocalEndpoints {
  return {
    s3: env.AWS_ENDPOINT_URL_S3 ?? 'http://127.0.0.1:4569',
    sqs: env.AWS_ENDPOINT_URL_SQS ?? 'http://127.0.0.1:9324',
    redshiftData: env.AWS_ENDPOINT_URL_REDSHIFT_DATA ?? 'http://127.0.0.1:9355',
    iam: env.AWS_ENDPOINT_URL_IAM ?? env.AWS_ENDPOINT_URL_STS ?? 'http://127.0.0.1:4593',
  };
}

/** The warehouse's data under a stack's `--dir` (PGlite's files; none for a Postgres URL). */
export const WAREHOUSE_DIR = 'warehouse';
