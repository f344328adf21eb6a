import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { QueuePoller, succeededRecords } from '../src/queuePoller';
import { queueArn } from '@etl/local-aws';
import { startTestStack } from '@etl/local-aws/testing';
import type { TestStack } from '@etl/local-aws/testing';

jest.setTimeout(120_000);

/**
 * The local event source mapping against the local SQS over HTTP: 1,000 messages, a worker
 * that fails chosen records, and a hard restart (SIGKILL) of the stack mid-run.
 */
describe('QueuePoller', () => {
  let stack: TestStack;
  let sqs: SQSClient;

  beforeAll(async () => {
    stack = await startTestStack('pglite');
    sqs = new SQSClient({
      endpoint: stack.endpoints.sqs,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  }, 120_000);
  afterAll(async () => {
    sqs?.destroy();
    await stack?.cleanup();
  });

  it('processes every good record once per delivery, retries failures, dead-letters them after 3 receives, and loses nothing across a restart', async () => {
    const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'work-dlq', Attributes: { MessageRetentionPeriod: '1209600' } })))
      .QueueUrl!;
    const queueUrl = (
      await sqs.send(
        new CreateQueueCommand({
          QueueName: 'work',
          Attributes: {
            VisibilityTimeout: '1',
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn('work-dlq'), maxReceiveCount: 3 }),
          },
        }),
      )
    ).QueueUrl!;
    const total = 1000;
    const failing = new Set(Array.from({ length: total }, (_, n) => n).filter((n) => n % 50 === 7));
    for (let at = 0; at < total; at += 10) {
      const sent = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: JSON.stringify({ n: at + i }) })),
        }),
      );
      expect(sent.Failed ?? []).toEqual([]);
    }

    // per message: the receive count of every delivery the worker saw
    const seen = new Map<number, number[]>();
    const batchSizes: number[] = [];
    let concurrent = 0;
    let peakConcurrent = 0;
    const invoke = async (_functionName: string, event: SQSEvent) => {
      concurrent++;
      peakConcurrent = Math.max(peakConcurrent, concurrent);
      batchSizes.push(event.Records.length);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const response: SQSBatchResponse = { batchItemFailures: [] };
      for (const record of event.Records) {
        const { n } = JSON.parse(record.body) as { n: number };
        seen.set(n, [...(seen.get(n) ?? []), Number(record.attributes.ApproximateReceiveCount)]);
        if (failing.has(n)) response.batchItemFailures.push({ itemIdentifier: record.messageId });
      }
      concurrent--;
      return { payload: response };
    };
    const events: string[] = [];
    const poller = new QueuePoller({
      sqs,
      queueUrl,
      mapping: {
        queueName: 'work',
        functionName: 'worker',
        batchSize: 10,
        batchingWindow: 0,
        maxConcurrency: 3,
        reportBatchItemFailures: true,
        functionTimeout: 6,
      },
      invoke,
      onEvent: (event) => events.push(event.event),
    });
    poller.start();

    const goodDone = () => [...seen.keys()].filter((n) => !failing.has(n)).length;
    while (goodDone() < 300) await new Promise((resolve) => setTimeout(resolve, 20));
    await stack.restart(); // SIGKILL mid-run: nothing acknowledged may be lost

    const queueDrained = async () => {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return Attributes!.ApproximateNumberOfMessages === '0' && Attributes!.ApproximateNumberOfMessagesNotVisible === '0';
    };
    const deadline = Date.now() + 90_000;
    while (!(goodDone() === total - failing.size && (await queueDrained().catch(() => false)))) {
      if (Date.now() > deadline) throw new Error(`not drained: ${goodDone()} good records done`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // (a record failing its third delivery moves to the DLQ when a poller next receives from the queue)
    await poller.stop();

    const dead: number[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: dlqUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 60,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) break;
      for (const message of Messages) {
        dead.push((JSON.parse(message.Body!) as { n: number }).n);
        expect(message.Attributes?.DeadLetterQueueSourceArn).toBe(queueArn('work'));
      }
    }

    expect(dead.sort((a, b) => a - b)).toEqual([...failing].sort((a, b) => a - b));
    // A receive SQS counted whose response died with the stack is a delivery the worker never saw
    // (SQS says so too: the count is approximate); at most the batches in flight at the kill.
    let unseenReceives = 0;
    for (let n = 0; n < total; n++) {
      const counts = seen.get(n) ?? [];
      expect({ n, seen: counts.length > 0 }).toEqual({ n, seen: true });
      // at most once per delivery: redeliveries happen (failures, the restart), a delivery handed over twice never
      expect({ n, counts: new Set(counts).size }).toEqual({ n, counts: counts.length });
      if (failing.has(n)) expect({ n, lastDelivery: Math.max(...counts) }).toEqual({ n, lastDelivery: 3 });
      unseenReceives += Math.max(...counts) - counts.length;
    }
    expect(unseenReceives).toBeLessThanOrEqual(3 * 10);
    expect(Math.max(...batchSizes)).toBe(10);
    expect(peakConcurrent).toBeLessThanOrEqual(3);
    expect(events).toContain('poll-error'); // it saw the stack go away, and carried on
  });
});

describe('succeededRecords', () => {
  const records = ['a', 'b', 'c'].map((messageId) => ({ messageId }) as SQSEvent['Records'][number]);

  it('keeps every record not reported failed', () => {
    expect(succeededRecords(records, { batchItemFailures: [{ itemIdentifier: 'b' }] }, true)).toEqual([records[0], records[2]]);
    expect(succeededRecords(records, { batchItemFailures: [] }, true)).toEqual(records);
    expect(succeededRecords(records, null, true)).toEqual(records);
  });

  it('fails the whole batch for a response naming an unknown record, as Lambda does', () => {
    expect(succeededRecords(records, { batchItemFailures: [{ itemIdentifier: 'zzz' }] }, true)).toBe('batch-failed');
    expect(succeededRecords(records, { batchItemFailures: 'nope' }, true)).toBe('batch-failed');
  });

  it('ignores the response when ReportBatchItemFailures is off', () => {
    expect(succeededRecords(records, { batchItemFailures: [{ itemIdentifier: 'b' }] }, false)).toEqual(records);
  });
});
