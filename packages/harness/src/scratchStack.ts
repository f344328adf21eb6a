import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startLocalStack } from '@etl/local-aws';
import { freshPostgresDatabase } from '@etl/local-aws/testing';
import type { LocalStack } from '@etl/local-aws';

export interface ScratchStack {
  stack: LocalStack;
  s3: S3Client;
  sqs: SQSClient;
  /** Stops the stack and removes everything it kept (its folder; the Postgres database if one was made). */
  stop: () => Promise<void>;
}

/**
 * A throwaway local stack in this process, for benchmarks and tools: free ports, state in a temp
 * folder, `bucket` created, clients for S3 and SQS; the warehouse on PGlite, or on a fresh
 * database of the local Postgres.
 */
export async function startScratchStack({
  bucket,
  engine = 'pglite',
}: {
  bucket: string;
  engine?: 'pglite' | 'postgres';
}): Promise<ScratchStack> {
  const dir = mkdtempSync(path.join(tmpdir(), 'etl-scratch-'));
  const database = engine === 'postgres' ? await freshPostgresDatabase('etl_scratch') : undefined;
  const stack = await startLocalStack({ dir, ports: { s3: 0, sqs: 0, redshiftData: 0, iam: 0 }, databaseUrl: database?.url });
  const clientConfig = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const s3 = new S3Client({ ...clientConfig, endpoint: stack.endpoints.s3, forcePathStyle: true });
  const sqs = new SQSClient({ ...clientConfig, endpoint: stack.endpoints.sqs });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    stack,
    s3,
    sqs,
    stop: async () => {
      s3.destroy();
      sqs.destroy();
      await stack.stop();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
