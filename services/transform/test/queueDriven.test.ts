import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { announcements, writeRawFile } from '@etl/extract';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { lambdaInvoker } from '@etl/local-aws';
import {
  functionCredentials,
  packageService,
  provision,
  QueuePoller,
  stackName,
  stackResources,
  stageParams,
  startOffline,
} from '@etl/harness';
import type { MappingSpec, OfflineService } from '@etl/harness';
import { startTestStack } from '@etl/local-aws/testing';
import type { TestStack } from '@etl/local-aws/testing';

jest.setTimeout(120_000);

/**
 * The transform queue as it runs locally: the local stack provides the queue Lift defines in
 * serverless.yml, the local event source mapping polls it and invokes transformWorker through
 * serverless-offline's Lambda endpoint.
 */
describe('transform queue → transformWorker, locally', () => {
  let stack: TestStack;
  let offline: OfflineService;
  let sqs: SQSClient;
  let poller: QueuePoller;
  let close: () => void;
  let queueUrl: string;
  let mapping: MappingSpec;
  let urls: Record<string, string>;

  beforeAll(async () => {
    stack = await startTestStack('pglite');
    const resources = stackResources(await packageService('transform', 'dev'), stackName('transform', 'dev'));
    urls = await provision(stack.endpoints, resources);
    offline = await startOffline('transform', {
      endpoints: stack.endpoints,
      extraEnv: stack.env,
      freePorts: true,
      functionCredentials: await functionCredentials(stack.endpoints, resources),
    });
    sqs = new SQSClient({
      endpoint: stack.endpoints.sqs,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    mapping = resources.mappings[0]!;
    queueUrl = urls[mapping.queueName]!;
    const invoker = lambdaInvoker(() => offline.lambdaEndpoint);
    close = invoker.close;
    poller = new QueuePoller({ sqs, queueUrl, mapping, invoke: invoker.invoke });
    poller.start();
  }, 180_000);
  afterAll(async () => {
    await poller?.stop();
    close?.();
    sqs?.destroy();
    await offline?.stop();
    await stack?.cleanup();
  });

  it("takes the mapping from the service's own configuration", () => {
    const params = stageParams('transform', 'dev');
    expect(mapping).toEqual({
      queueName: 'etl-transform-dev-transform',
      functionName: 'etl-transform-dev-transformWorker',
      batchSize: params.batchSize,
      batchingWindow: params.maxBatchingWindow,
      maxConcurrency: params.maxConcurrency,
      reportBatchItemFailures: true,
      functionTimeout: params.timeout,
    });
  });

  it('invokes the worker for each message and deletes the ones it accepted; a malformed one goes to the DLQ on its first receive', async () => {
    const s3 = new S3Client({
      endpoint: stack.endpoints.s3,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'etl-data-dev' })).catch(() => undefined);
    await sqs.send(new CreateQueueCommand({ QueueName: 'etl-load-dev-load' }));
    const part = await writeRawFile(s3, { bucket: 'etl-data-dev', pipeline: 'orders', runId: '20261127T023749Z-queued', part: 0 }, [
      { not: 'an order' },
    ]);
    s3.destroy();
    const [raw] = announcements({
      pipeline: 'orders',
      runId: '20261127T023749Z-queued',
      cursorHigh: null,
      parts: [part],
      extractedAt: new Date().toISOString(),
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(raw) }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"kind":"raw-file-ready"}' }));
    await offline.waitForOutput(/"message":"raw file transformed"/, 30_000);
    await offline.waitForOutput(/"reason":"message does not match contract \\"raw-file-ready\\"/, 30_000);
    const deadline = Date.now() + 20_000;
    const dlqUrl = urls[`${mapping.queueName}-dlq`]!;
    for (;;) {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      // the good message is deleted; the malformed one cannot succeed: it went to the DLQ at once, not after 5 receives
      if (Attributes!.ApproximateNumberOfMessages === '0' && Attributes!.ApproximateNumberOfMessagesNotVisible === '0') break;
      if (Date.now() > deadline) throw new Error(`queue state: ${JSON.stringify(Attributes)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        WaitTimeSeconds: 5,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    expect(
      Messages.map((m) => [
        m.Body,
        m.MessageAttributes?.['etl-error-code']?.StringValue,
        m.MessageAttributes?.['etl-failed-in']?.StringValue,
      ]),
    ).toEqual([['{"kind":"raw-file-ready"}', 'CONTRACT_VIOLATION', 'transform']]);
    expect(Messages[0]!.MessageAttributes!['etl-error-reason']!.StringValue).toMatch(/^message does not match contract "raw-file-ready"/);
  });
});
