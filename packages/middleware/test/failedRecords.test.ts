import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Message } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '@etl/local-aws';
import { startTestStack } from '@etl/local-aws/testing';
import type { TestStack } from '@etl/local-aws/testing';
import { BACKOFF, FAILURE_ATTRIBUTES, FailedRecordRouter } from '../src/failedRecords';
import type { Failure } from '../src/failures';

jest.setTimeout(60_000);

/** The failed-record router against the local SQS: queues with a redrive policy, as Lift makes them. */
describe('FailedRecordRouter on the local SQS', () => {
  let stack: TestStack;
  let sqs: SQSClient;
  beforeAll(async () => {
    stack = await startTestStack('pglite');
    sqs = new SQSClient({ endpoint: stack.endpoints.sqs, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  });
  afterAll(async () => {
    sqs?.destroy();
    await stack?.cleanup();
  });

  const permanent: Failure = {
    code: 'CONTRACT_VIOLATION',
    retry: 'permanent',
    reason: 'message does not match contract "x": part: missing',
  };
  const transient: Failure = { code: 'RETRIES_EXHAUSTED', retry: 'transient', reason: 'gave up after 5 attempt(s): GET … answered 500' };

  /** A queue and its DLQ (maxReceiveCount 5); their URLs and the queue's ARN. */
  async function queues(name: string) {
    const { QueueUrl: dlq } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }));
    const { QueueUrl: url } = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes!.QueueArn, maxReceiveCount: 5 }) },
      }),
    );
    const arn = Attributes!.QueueArn!.replace(/-dlq$/, '');
    return { url: url!, dlq: dlq!, arn };
  }

  async function receive(url: string, wait = 0): Promise<Message[]> {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        WaitTimeSeconds: wait,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    return Messages;
  }

  /** A received message as Lambda hands it over. */
  function asRecord(message: Message, arn: string): SQSRecord {
    return {
      messageId: message.MessageId!,
      receiptHandle: message.ReceiptHandle!,
      body: message.Body!,
      attributes: message.Attributes as unknown as SQSRecord['attributes'],
      messageAttributes: Object.fromEntries(
        Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
          name,
          { dataType: value.DataType!, stringValue: value.StringValue, stringListValues: [], binaryListValues: [] },
        ]),
      ),
      md5OfBody: message.MD5OfBody!,
      eventSource: 'aws:sqs',
      eventSourceARN: arn,
      awsRegion: LOCAL_REGION,
    };
  }

  async function sendAndReceive(q: { url: string; arn: string }, body: string, attributes = {}): Promise<SQSRecord> {
    await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: body, MessageAttributes: attributes }));
    const [message] = await receive(q.url, 5);
    return asRecord(message!, q.arn);
  }

  it('dead-letters a permanent failure on its first receive, with its code, reason and service', async () => {
    const q = await queues('permanent-failures');
    const record = await sendAndReceive(q, '{"broken"', { origin: { DataType: 'String', StringValue: 'planner' } });
    const router = new FailedRecordRouter(() => sqs, 'transform');
    expect(await router.route(record, permanent)).toEqual({ action: 'dead-lettered' });
    const [dead] = await receive(q.dlq, 5);
    expect(dead!.Body).toBe('{"broken"');
    const attribute = (name: string) => dead!.MessageAttributes?.[name]?.StringValue;
    expect(attribute(FAILURE_ATTRIBUTES.code)).toBe('CONTRACT_VIOLATION');
    expect(attribute(FAILURE_ATTRIBUTES.reason)).toBe(permanent.reason);
    expect(attribute(FAILURE_ATTRIBUTES.failedIn)).toBe('transform');
    expect(attribute('origin')).toBe('planner'); // the sender's attributes ride along
  });

  it('brings a transient failure back after a short delay, not the visibility timeout', async () => {
    const q = await queues('transient-failures');
    const record = await sendAndReceive(q, 'retry me');
    const router = new FailedRecordRouter(
      () => sqs,
      'extract',
      Date.now,
      () => 0,
    );
    const outcome = await router.route(record, transient);
    expect(outcome).toMatchObject({ action: 'backed-off', delaySeconds: BACKOFF.baseSeconds / 2 });
    expect(await receive(q.url)).toEqual([]);
    const started = Date.now();
    const [again] = await receive(q.url, 10);
    expect(again!.Body).toBe('retry me');
    expect(again!.Attributes!.ApproximateReceiveCount).toBe('2');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('re-queues a copy with the attempt count before the receive that would dead-letter it, and gives up after the budget', async () => {
    const q = await queues('long-outage');
    const router = new FailedRecordRouter(
      () => sqs,
      'extract',
      Date.now,
      () => 0,
    );
    const record = await sendAndReceive(q, 'outage');
    const fourth = { ...record, attributes: { ...record.attributes, ApproximateReceiveCount: '4' } };
    const outcome = await router.route(fourth, transient);
    expect(outcome).toMatchObject({ action: 'requeued', delaySeconds: 8 }); // the 4th attempt: 2 s × 2³, half of it with no jitter
    const [copy] = await receive(q.url, 10);
    expect(copy!.Body).toBe('outage');
    expect(copy!.Attributes!.ApproximateReceiveCount).toBe('1');
    expect(copy!.MessageAttributes![FAILURE_ATTRIBUTES.attempts]!.StringValue).toBe('4');
    // a day later it is still failing: dead-lettered, saying so
    const later = new FailedRecordRouter(
      () => sqs,
      'extract',
      () => Date.now() + (BACKOFF.giveUpAfterHours + 1) * 3_600_000,
    );
    expect(await later.route(asRecord(copy!, q.arn), transient)).toEqual({ action: 'dead-lettered' });
    const [dead] = await receive(q.dlq, 5);
    expect(dead!.MessageAttributes![FAILURE_ATTRIBUTES.reason]!.StringValue).toMatch(/^still failing after 2\d\.\d h of retries: gave up/);
    // its receives in all; nothing that would make a redriven copy give up at once
    expect(dead!.MessageAttributes![FAILURE_ATTRIBUTES.receives]!.StringValue).toBe('5');
    expect(Object.keys(dead!.MessageAttributes!)).not.toContain(FAILURE_ATTRIBUTES.failingSince);
    expect(Object.keys(dead!.MessageAttributes!)).not.toContain(FAILURE_ATTRIBUTES.attempts);
  });

  it('reports the record failed as before when its queue has no DLQ', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'no-dlq' }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    const record = await sendAndReceive({ url: QueueUrl!, arn: Attributes!.QueueArn! }, 'x');
    expect(await new FailedRecordRouter(() => sqs, 'load').route(record, permanent)).toEqual({
      action: 'returned',
      why: 'its queue has no dead-letter queue',
    });
  });
});
