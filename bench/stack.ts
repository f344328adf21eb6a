import { createReadStream } from 'node:fs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { ObjectPointer } from '@etl/contracts';
import { startScratchStack } from '@etl/harness';
import type { ScratchStack } from '@etl/harness';
import type { OrdersInput } from './inputs';

export const BENCH_BUCKET = 'etl-bench';

export interface BenchStack extends ScratchStack {
  /** Uploads a generated input as a raw file and returns its claim check. */
  putRaw: (input: OrdersInput, key: string) => Promise<ObjectPointer>;
}

/** A scratch local stack (see `startScratchStack`) with the bench bucket and a way to put inputs in it. */
export async function benchStack(engine: 'pglite' | 'postgres' = 'pglite'): Promise<BenchStack> {
  const scratch = await startScratchStack({ bucket: BENCH_BUCKET, engine });
  return {
    ...scratch,
    putRaw: async (input, key) => {
      await scratch.s3.send(
        new PutObjectCommand({ Bucket: BENCH_BUCKET, Key: key, Body: createReadStream(input.file), ContentLength: input.bytes }),
      );
      return { bucket: BENCH_BUCKET, key, bytes: input.bytes, rows: input.rows, sha256: input.sha256 };
    },
  };
}
