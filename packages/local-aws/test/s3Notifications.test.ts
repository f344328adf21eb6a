import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  CreateBucketCommand,
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { S3Event } from 'aws-lambda';
import { LOCAL_CREDENTIALS } from '../src/localAccount';
import { setLambdaEndpoint } from '../src/lambdaEndpoints';
import { NOTIFICATION_LOG } from '../src/s3Notifications';
import { startTestStack } from '../src/testStack';
import type { TestStack } from '../src/testStack';

jest.setTimeout(120_000);

/** The local S3's bucket notifications, driven by the SDK v3 as an application (or Serverless's custom resource) drives S3's. */
describe('local S3 bucket notifications', () => {
  let stack: TestStack;
  let s3: S3Client;
  let sqs: SQSClient;
  let queueUrl: string;
  const queueArn = 'arn:aws:sqs:us-east-1:000000000000:drops';

  beforeAll(async () => {
    stack = await startTestStack('pglite');
    s3 = new S3Client({ endpoint: stack.endpoints.s3, forcePathStyle: true, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    sqs = new SQSClient({ endpoint: stack.endpoints.sqs, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    await s3.send(new CreateBucketCommand({ Bucket: 'events' }));
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'drops' }))).QueueUrl!;
  });
  afterAll(async () => {
    s3?.destroy();
    sqs?.destroy();
    await stack?.cleanup();
  });

  const receive = async () =>
    (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 2, MaxNumberOfMessages: 10 }))).Messages ?? [];

  it('sends a queue a test event when configured, then an S3 event for each object created under its prefix', async () => {
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'events',
        NotificationConfiguration: {
          QueueConfigurations: [
            {
              Id: 'to-drops',
              QueueArn: queueArn,
              Events: ['s3:ObjectCreated:*'],
              Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'landing/' }] } },
            },
          ],
        },
      }),
    );
    const [test] = await receive();
    expect(JSON.parse(test!.Body!)).toMatchObject({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'events' });

    const put = await s3.send(new PutObjectCommand({ Bucket: 'events', Key: 'landing/a b+c.csv', Body: 'x,y\n1,2\n' }));
    await s3.send(new PutObjectCommand({ Bucket: 'events', Key: 'elsewhere/ignored.csv', Body: 'not under the prefix' }));
    const messages = await receive();
    expect(messages).toHaveLength(1);
    const event = JSON.parse(messages[0]!.Body!) as S3Event;
    expect(event.Records[0]).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      s3: {
        configurationId: 'to-drops',
        bucket: { name: 'events', arn: 'arn:aws:s3:::events' },
        // as S3 sends a key: URL-encoded, a space as "+"
        object: { key: 'landing/a+b%2Bc.csv', size: 8, eTag: put.ETag!.replace(/"/g, '') },
      },
    });
    expect(decodeURIComponent(event.Records[0]!.s3.object.key.replace(/\+/g, ' '))).toBe('landing/a b+c.csv');
  });

  it('returns the configuration as it was put', async () => {
    const config = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'events' }));
    expect(config.QueueConfigurations).toEqual([
      {
        Id: 'to-drops',
        QueueArn: queueArn,
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'Prefix', Value: 'landing/' }] } },
      },
    ]);
  });

  it('refuses a queue that does not exist and an unknown event, as S3 does', async () => {
    const put = (QueueArn: string, event: string) =>
      s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: 'events',
          NotificationConfiguration: { QueueConfigurations: [{ QueueArn, Events: [event as 's3:ObjectCreated:*'] }] },
        }),
      );
    await expect(put('arn:aws:sqs:us-east-1:000000000000:nosuch', 's3:ObjectCreated:*')).rejects.toMatchObject({
      name: 'InvalidArgument',
      message: 'Unable to validate the following destination configurations',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(put(queueArn, 's3:ObjectCreated:Sometimes')).rejects.toMatchObject({ name: 'InvalidArgument' });
  });

  it('invokes a function through the endpoint its service registered, retrying a failed invocation twice, and logs each delivery', async () => {
    const invocations: { name: string; event: S3Event }[] = [];
    let failuresLeft = 2;
    const lambda = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        invocations.push({ name: decodeURIComponent(request.url!.split('/')[3]!), event: JSON.parse(body) as S3Event });
        if (failuresLeft-- > 0)
          return void response.writeHead(200, { 'x-amz-function-error': 'Unhandled' }).end(JSON.stringify({ errorMessage: 'not yet' }));
        response.writeHead(200).end('null');
      });
    });
    await new Promise<void>((resolve) => lambda.listen(0, '127.0.0.1', resolve));
    try {
      setLambdaEndpoint(stack.dir, 'etl-extract-dev', `http://127.0.0.1:${(lambda.address() as AddressInfo).port}`);
      await s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: 'events',
          NotificationConfiguration: {
            LambdaFunctionConfigurations: [
              {
                Id: 'dropped',
                LambdaFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:etl-extract-dev-dropped',
                Events: ['s3:ObjectCreated:Put'],
                Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.jsonl' }] } },
              },
            ],
          },
        }),
      );
      await s3.send(new PutObjectCommand({ Bucket: 'events', Key: 'landing/orders/x.jsonl', Body: '{}\n' }));
      for (let waited = 0; invocations.length < 3 && waited < 20_000; waited += 200) await new Promise((r) => setTimeout(r, 200));
      expect(invocations).toHaveLength(3);
      expect(
        invocations.every(
          ({ name, event }) => name === 'etl-extract-dev-dropped' && event.Records[0]!.s3.object.key === 'landing/orders/x.jsonl',
        ),
      ).toBe(true);
      const logged = readFileSync(path.join(stack.dir, NOTIFICATION_LOG), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { outcome: string; event: string });
      expect(logged.filter((l) => l.event.endsWith('landing/orders/x.jsonl')).map((l) => l.outcome)).toEqual([
        'retrying',
        'retrying',
        'invoked',
      ]);
    } finally {
      await new Promise((resolve) => lambda.close(resolve));
    }
  });
});
