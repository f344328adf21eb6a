import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ObjectPointer } from '@etl/contracts';
import { freshPostgresDatabase, LOCAL_CREDENTIALS, LOCAL_REGION, startLocalStack } from '@etl/local-aws';
import type { LocalStack } from '@etl/local-aws';
import type { OrdersInput } from './inputs';

export const BENCH_BUCKET = 'etl-bench';

export interface BenchStack {
  stack: LocalStack;
  s3: S3Client;
  /** Uploads a generated input as a raw file and returns its claim check. */
  putRaw: (input: OrdersInput, key: string) => Promise<ObjectPointer>;
  stop: () => Promise<void>;
}

/**
 * The local stack in this process on free ports, state in a temp folder, with the bench bucket;
 * its warehouse on PGlite, or on a fresh database of the local Postgres (dropped by `stop`).
 */
export async function benchStack(engine: 'pglite' | 'postgres' = 'pglite'): Promise<BenchStack> {
  const dir = mkdtempSync(path.join(tmpdir(), 'etl-bench-'));
  const database = engine === 'postgres' ? await freshPostgresDatabase('etl_bench') : undefined;
  const stack = await startLocalStack({ dir, ports: { s3: 0, sqs: 0, redshiftData: 0 }, databaseUrl: database?.url });
  const s3 = new S3Client({ endpoint: stack.endpoints.s3, forcePathStyle: true, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  await s3.send(new CreateBucketCommand({ Bucket: BENCH_BUCKET }));
  return {
    stack,
    s3,
    putRaw: async (input, key) => {
      await s3.send(
        new PutObjectCommand({ Bucket: BENCH_BUCKET, Key: key, Body: createReadStream(input.file), ContentLength: input.bytes }),
      );
      return { bucket: BENCH_BUCKET, key, bytes: input.bytes, rows: input.rows, sha256: input.sha256 };
    },
    stop: async () => {
      s3.destroy();
      await stack.stop();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
