import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { contracts, exampleRawFileReady, parseMessage } from '@etl/contracts';
import { announcements, writeRawFile } from '@etl/extract';
import { describeOfflineWorker } from '@etl/harness/testing';
import type { TestStack } from '@etl/local-aws/testing';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Raw files in the local S3 and the load queue the worker reports to. */
async function rawFiles(stack: TestStack): Promise<string[]> {
  const s3 = new S3Client({ endpoint: stack.endpoints.s3, forcePathStyle: true, region: 'us-east-1', credentials });
  const sqs = new SQSClient({ endpoint: stack.endpoints.sqs, region: 'us-east-1', credentials });
  await s3.send(new CreateBucketCommand({ Bucket: 'etl-data-dev' }));
  await sqs.send(new CreateQueueCommand({ QueueName: 'etl-load-dev-load' }));
  const order = (id: string) => ({
    order_id: id,
    customer_id: 'c-1',
    order_ts: '2026-11-01T10:00:00Z',
    quantity: 1,
    unit_price: '1.00',
    currency: 'EUR',
    status: 'paid',
    country: 'FR',
    note: null,
    updated_at: '2026-11-01T10:00:00Z',
  });
  const write = (part: number) =>
    writeRawFile(s3, { bucket: 'etl-data-dev', pipeline: 'orders', runId: '20261127T023749Z-offline', part }, [
      order(`o-${part}-a`),
      order(`o-${part}-b`),
      Buffer.from('{broken'), // a raw line that is not JSON
    ]);
  const parts = await Promise.all([0, 1, 2].map(write));
  const messages = announcements({
    pipeline: 'orders',
    runId: '20261127T023749Z-offline',
    cursorHigh: '2026-11-01 10:00:00',
    parts,
    extractedAt: new Date().toISOString(),
  });
  s3.destroy();
  sqs.destroy();
  return messages.map((message) => JSON.stringify(message));
}

/** Each good raw file became a staged file and a message on the load queue, every row accounted for. */
async function stagedAndAnnounced(stack: TestStack): Promise<void> {
  const sqs = new SQSClient({ endpoint: stack.endpoints.sqs, region: 'us-east-1', credentials });
  const { QueueUrl } = { QueueUrl: `${stack.endpoints.sqs}/000000000000/etl-load-dev-load` };
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
  sqs.destroy();
  const staged = Messages.map((m) => parseMessage(contracts.stagedFileReady, m.Body!)).sort((a, b) => a.part - b.part);
  expect(staged.map((m) => [m.staged.key, m.accounting, m.rejectsByRule])).toEqual(
    [0, 1, 2].map((part) => [
      `staged/orders/20261127T023749Z-offline/part-${part}.csv.gz`,
      { rowsIn: 3, rowsStaged: 2, rowsRejected: 1, duplicatesCollapsed: 0 },
      { json: 1 },
    ]),
  );
  expect(staged.every((m) => m.quarantine?.rows === 1)).toBe(true);
}

describeOfflineWorker({
  verify: stagedAndAnnounced,
  service: 'transform',
  worker: 'transformWorker',
  goodBodies: rawFiles,
  malformedBodies: [
    'not json at all',
    JSON.stringify({ ...exampleRawFileReady(), kind: 'staged-file-ready' }),
    JSON.stringify({ ...exampleRawFileReady(), file: { ...exampleRawFileReady().file, key: 'staged/orders/x.csv.gz' } }),
    JSON.stringify({ ...exampleRawFileReady(), sha256: undefined, extra: true }),
  ],
});
