import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { functionCredentials, packageService, provision, QueuePoller, stackName, stackResources, startOffline } from '@etl/harness';
import type { OfflineService, PollerEvent, StackResources } from '@etl/harness';
import { LOCAL_CREDENTIALS, lambdaInvoker } from '@etl/local-aws';
import { startTestStack } from '@etl/local-aws/testing';
import type { TestStack } from '@etl/local-aws/testing';
import { query } from '@etl/warehouse';
import { stagedRun } from './stagedRun';

jest.setTimeout(180_000);

const RUN = '20261206T060000Z-poison';

/**
 * A full load batch with one file whose content the warehouse's COPY refuses: the load worker,
 * under its own role, loads the other 19 in the same invocation and sends the poison file's
 * message to the DLQ at once with its code — not after 5 receives, each a visibility timeout.
 */
describe('a poison file in a full load batch', () => {
  let stack: TestStack;
  let offline: OfflineService;
  let sqs: SQSClient;
  let close: (() => void) | undefined;
  let resources: StackResources;
  let urls: Record<string, string>;
  beforeAll(async () => {
    stack = await startTestStack('pglite');
    resources = stackResources(await packageService('load', 'dev', { outDir: '.serverless-poison-test' }), stackName('load', 'dev'));
    urls = await provision(stack.endpoints, resources);
    offline = await startOffline('load', {
      freePorts: true,
      endpoints: stack.endpoints,
      extraEnv: stack.env,
      functionCredentials: await functionCredentials(stack.endpoints, resources),
    });
    sqs = new SQSClient({ endpoint: stack.endpoints.sqs, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  }, 180_000);
  afterAll(async () => {
    close?.();
    sqs?.destroy();
    await offline?.stop();
    await stack?.cleanup();
  });

  it('loads the 19 good files and dead-letters the poison one on its first receive, with its code', async () => {
    const s3 = new S3Client({ endpoint: stack.endpoints.s3, forcePathStyle: true, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    await s3.send(new CreateBucketCommand({ Bucket: 'etl-data-dev' })).catch(() => undefined);
    const staged = await stagedRun(s3, { bucket: 'etl-data-dev', runId: RUN, parts: 20 });
    // part 13's staged file now holds text no column of orders takes: COPY refuses the file
    const poison = staged[13]!;
    await s3.send(
      new PutObjectCommand({ Bucket: poison.staged.bucket, Key: poison.staged.key, Body: gzipSync('not,a,row,of,orders\n'.repeat(3)) }),
    );
    s3.destroy();

    // a full batch (the prod batch size), gathered at once
    const mapping = { ...resources.mappings[0]!, batchSize: 20, batchingWindow: 2, maxConcurrency: 1 };
    const queueUrl = urls[mapping.queueName]!;
    for (let at = 0; at < staged.length; at += 10)
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: staged.slice(at, at + 10).map((message) => ({ Id: `part-${message.part}`, MessageBody: JSON.stringify(message) })),
        }),
      );
    const events: PollerEvent[] = [];
    const invoker = lambdaInvoker(() => offline.lambdaEndpoint);
    close = invoker.close;
    const poller = new QueuePoller({ sqs, queueUrl, mapping, invoke: invoker.invoke, onEvent: (event) => events.push(event) });
    const started = Date.now();
    poller.start();
    try {
      const dlqUrl = urls[`${mapping.queueName}-dlq`]!;
      let dead: Awaited<ReturnType<typeof receiveAll>> = [];
      while (dead.length === 0 && Date.now() - started < 120_000) dead = await receiveAll(dlqUrl);
      expect(dead.map((m) => [JSON.parse(m.Body!).part, m.MessageAttributes?.['etl-error-code']?.StringValue])).toEqual([
        [13, 'WAREHOUSE_LOAD_REFUSED'],
      ]);
      // the reason is the record COPY refused, by file, line and column (not an aborted transaction hiding it)
      expect(dead[0]!.MessageAttributes!['etl-error-reason']!.StringValue).toMatch(
        /Load into table 'etl_stage' failed\. s3:\/\/etl-data-dev\/staged\/orders\/.*part-13\.csv\.gz line 1/,
      );
      expect(dead[0]!.MessageAttributes!['etl-receives']!.StringValue).toBe('1'); // its first receive
    } finally {
      await poller.stop();
    }
    // one invocation settled all 20: nothing waits out a visibility timeout
    expect(events.filter((e) => e.event === 'invoked')).toEqual([expect.objectContaining({ records: 20, failed: 0 })]);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    expect(Attributes).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
    const warehouse = {
      client: new RedshiftDataClient({ endpoint: stack.endpoints.redshiftData, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }),
      target: { WorkgroupName: 'etl-dev', Database: 'analytics' },
      copyRoleArn: 'arn:aws:iam::000000000000:role/unused',
    };
    try {
      expect(await query(warehouse, 'SELECT COUNT(*) FROM etl_load_files WHERE run_id = :run', { run: RUN })).toEqual([[19]]);
      expect(await query(warehouse, 'SELECT COUNT(*) FROM public.orders')).toEqual([[19 * 3]]);
      // the run is not complete: its watermark has not moved
      expect(await query(warehouse, "SELECT COUNT(*) FROM etl_watermarks WHERE pipeline = 'orders'")).toEqual([[0]]);
    } finally {
      warehouse.client.destroy();
    }
  });

  async function receiveAll(url: string) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 2, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
    );
    return Messages;
  }
});
