import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { LOCAL_CREDENTIALS, launchStack, stopProcess } from '@etl/local-aws';
import type { Warehouse } from '@etl/warehouse';
import { stopBackgroundServices } from '../src/backgroundServices';

/** What an end-to-end test of `pnpm dev` looks at: its state folder, and the warehouse and S3 of a stack that outlives each run. */
export interface DevStack {
  dir: string;
  child: ChildProcess;
  warehouse: Warehouse;
  s3: S3Client;
  sqs: SQSClient;
}

/**
 * A jest fixture for the enclosing `describe`: a state folder and a local stack in it (as
 * `pnpm local:up` leaves one, so every `runDev` on the folder uses it), torn down after. Read the
 * fields inside tests (they exist once beforeAll ran).
 */
export function useDevStack(prefix: string): Readonly<DevStack> {
  const fixture = {} as DevStack;
  beforeAll(async () => {
    fixture.dir = await mkdtemp(path.join(tmpdir(), prefix));
    const { child, ready } = await launchStack([
      '--dir',
      fixture.dir,
      '--s3-port',
      '0',
      '--sqs-port',
      '0',
      '--redshift-port',
      '0',
      '--iam-port',
      '0',
    ]);
    fixture.child = child;
    fixture.warehouse = {
      client: new RedshiftDataClient({ endpoint: ready.endpoints.redshiftData, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }),
      target: { WorkgroupName: 'etl-dev', Database: 'analytics' },
      copyRoleArn: 'unused',
    };
    fixture.s3 = new S3Client({ endpoint: ready.endpoints.s3, forcePathStyle: true, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    fixture.sqs = new SQSClient({ endpoint: ready.endpoints.sqs, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  }, 120_000);
  afterAll(async () => {
    fixture.warehouse?.client.destroy();
    fixture.s3?.destroy();
    fixture.sqs?.destroy();
    if (fixture.dir) await stopBackgroundServices(fixture.dir); // what an etl run left running on the stack
    if (fixture.child) await stopProcess(fixture.child);
    if (fixture.dir) await rm(fixture.dir, { recursive: true, force: true });
  });
  return fixture;
}

/** A table's rows as one hash, to compare a loaded table with an expected one. */
export const checksum = (rows: unknown[][]): string =>
  createHash('sha256')
    .update(rows.map((row) => row.map(String).join('\u0001')).join('\n'))
    .digest('hex');
