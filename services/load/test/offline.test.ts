import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { exampleStagedFileReady } from '@etl/contracts';
import { query } from '@etl/warehouse';
import { describeOfflineWorker } from '@etl/harness/testing';
import type { TestStack } from '@etl/local-aws/testing';
import { stagedRun } from './stagedRun';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const RUN = '20261127T023749Z-offline';

/** Staged files in the local S3, made by the real extract writer and transform. */
async function stagedFiles(stack: TestStack): Promise<string[]> {
  const s3 = new S3Client({ endpoint: stack.endpoints.s3, forcePathStyle: true, region: 'us-east-1', credentials });
  await s3.send(new CreateBucketCommand({ Bucket: 'etl-data-dev' }));
  const staged = await stagedRun(s3, { bucket: 'etl-data-dev', runId: RUN, parts: 2 });
  s3.destroy();
  return staged.map((message) => JSON.stringify(message));
}

/** The worker loaded both files into the local warehouse: 6 orders, one complete run, the watermark moved. */
async function loaded(stack: TestStack): Promise<void> {
  const warehouse = {
    client: new RedshiftDataClient({ endpoint: stack.endpoints.redshiftData, region: 'us-east-1', credentials }),
    target: { WorkgroupName: 'etl-dev', Database: 'analytics' },
    copyRoleArn: 'arn:aws:iam::000000000000:role/unused',
  };
  expect(await query(warehouse, 'SELECT COUNT(*) FROM public.orders')).toEqual([[6]]);
  expect(
    await query(warehouse, 'SELECT parts_loaded, rows_extracted, rows_inserted FROM etl_runs WHERE run_id = :run', { run: RUN }),
  ).toEqual([[2, 6, 6]]);
  expect(await query(warehouse, "SELECT cursor_value FROM etl_watermarks WHERE pipeline = 'orders'")).toEqual([['2026-12-01 00:00:00']]);
  warehouse.client.destroy();
}

describeOfflineWorker({
  service: 'load',
  worker: 'loadWorker',
  goodBodies: stagedFiles,
  verify: loaded,
  malformedBodies: [
    '{"truncated": ',
    JSON.stringify({ ...exampleStagedFileReady(), accounting: { rowsIn: 10, rowsStaged: 10, rowsRejected: 2, duplicatesCollapsed: 1 } }),
    JSON.stringify({ ...exampleStagedFileReady(), runId: 'yesterday' }),
  ],
});
