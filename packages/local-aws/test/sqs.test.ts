import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { createSqsServer, queueArn, SqsStore } from '../src/sqs';

/** The local SQS driven by the real SDK v3 client (AWS JSON 1.0) at default settings, and by raw query-protocol requests. */
describe('local SQS', () => {
  let dir: string;
  let store: SqsStore;
  let server: http.Server;
  let port = 0;
  let sqs: SQSClient;

  async function start(): Promise<void> {
    store = await SqsStore.open(dir);
    server = createSqsServer(store);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  }
  async function stop(): Promise<void> {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await store.close();
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'local-sqs-'));
    await start();
    sqs = new SQSClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  afterAll(async () => {
    sqs.destroy();
    await stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function queue(name: string, attributes: Record<string, string> = {}): Promise<string> {
    return (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
  }
  const receive = (QueueUrl: string, extra: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {}) =>
    sqs.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
        ...extra,
      }),
    );

  it('creates, finds, lists, configures and deletes queues', async () => {
    const url = await queue('etl-test-basic', { VisibilityTimeout: '45' });
    expect(url).toBe(`http://127.0.0.1:${port}/000000000000/etl-test-basic`);
    expect(await queue('etl-test-basic', { VisibilityTimeout: '45' })).toBe(url); // idempotent
    await expect(queue('etl-test-basic', { VisibilityTimeout: '10' })).rejects.toMatchObject({ name: 'QueueNameExists' });
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: 'etl-test-basic' }))).QueueUrl).toBe(url);
    expect((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'etl-test-b' }))).QueueUrls).toEqual([url]);
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { DelaySeconds: '2' } }));
    const attributes = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
    expect(attributes).toMatchObject({
      VisibilityTimeout: '45',
      DelaySeconds: '2',
      QueueArn: queueArn('etl-test-basic'),
      ApproximateNumberOfMessages: '0',
    });
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: 'etl-test-basic' }))).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
  });

  it('sends and receives with body MD5, message attributes and system attributes, then deletes', async () => {
    const url = await queue('etl-test-send');
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: '{"kind":"raw-file-ready"} ✓',
        MessageAttributes: {
          pipeline: { DataType: 'String', StringValue: 'orders' },
          part: { DataType: 'Number', StringValue: '3' },
          blob: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2]) },
        },
      }),
    ); // the SDK checks MD5OfMessageBody and MD5OfMessageAttributes itself
    const { Messages } = await receive(url);
    expect(Messages).toHaveLength(1);
    const [message] = Messages!;
    expect(message).toMatchObject({ MessageId: sent.MessageId, Body: '{"kind":"raw-file-ready"} ✓' });
    expect(message!.Attributes).toMatchObject({ ApproximateReceiveCount: '1', SenderId: '000000000000' });
    expect(Number(message!.Attributes!.SentTimestamp)).toBeGreaterThan(Date.now() - 10_000);
    expect(message!.MessageAttributes!.pipeline).toMatchObject({ StringValue: 'orders' });
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message!.ReceiptHandle }));
    expect((await receive(url)).Messages).toBeUndefined();
  });

  it('refuses a message over 1 MiB and a batch over 1 MiB, and accepts one at the limit', async () => {
    const url = await queue('etl-test-size');
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(1_048_577) }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 400 },
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(1_048_576) }));
    const entries = [0, 1].map((i) => ({ Id: `e${i}`, MessageBody: 'y'.repeat(600_000) }));
    await expect(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }))).rejects.toMatchObject({
      name: 'BatchRequestTooLong',
    });
  });

  it('batches sends, deletes and visibility changes, reporting per-entry failures', async () => {
    const url = await queue('etl-test-batch', { VisibilityTimeout: '30' });
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `body ${i}` })),
      }),
    );
    expect(sent.Successful).toHaveLength(10);
    const { Messages } = await receive(url);
    expect(Messages!.map((m) => m.Body).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `body ${i}`).sort());
    const changed = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'a', ReceiptHandle: Messages![0]!.ReceiptHandle, VisibilityTimeout: 0 },
          { Id: 'b', ReceiptHandle: 'bogus', VisibilityTimeout: 0 },
        ],
      }),
    );
    expect(changed.Successful?.map((e) => e.Id)).toEqual(['a']);
    expect(changed.Failed?.map((e) => e.Id)).toEqual(['b']);
    const again = await receive(url);
    expect(again.Messages?.map((m) => m.MessageId)).toEqual([Messages![0]!.MessageId]);
    expect(again.Messages![0]!.Attributes!.ApproximateReceiveCount).toBe('2');
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: [...Messages!.slice(1), again.Messages![0]!].map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
      }),
    );
    expect(deleted.Successful).toHaveLength(10);
    const counts = (
      await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      )
    ).Attributes;
    expect(counts).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  });

  it('hides a received message for its visibility timeout, then delivers it again', async () => {
    const url = await queue('etl-test-visibility');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'again' }));
    const first = await receive(url, { VisibilityTimeout: 1 });
    expect(first.Messages).toHaveLength(1);
    expect((await receive(url)).Messages).toBeUndefined();
    const second = await receive(url, { WaitTimeSeconds: 3 });
    expect(second.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
    // the first receipt handle is stale now: deleting with it succeeds but deletes nothing (as SQS)
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.Messages![0]!.ReceiptHandle }));
    await sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: second.Messages![0]!.ReceiptHandle, VisibilityTimeout: 0 }),
    );
    expect((await receive(url)).Messages?.[0]?.Body).toBe('again');
  });

  it('long-polls: a receive waiting on an empty queue returns as soon as a message arrives', async () => {
    const url = await queue('etl-test-longpoll');
    const started = Date.now();
    const waiting = receive(url, { WaitTimeSeconds: 10 });
    setTimeout(() => void sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'late' })), 300);
    const { Messages } = await waiting;
    expect(Messages?.[0]?.Body).toBe('late');
    expect(Date.now() - started).toBeLessThan(5_000);
    const empty = Date.now();
    expect((await receive(url, { WaitTimeSeconds: 1 })).Messages).toBeUndefined();
    expect(Date.now() - empty).toBeGreaterThanOrEqual(900);
  });

  it('gives nothing to a long poll whose client left: the message stays visible for the next receive', async () => {
    const url = await queue('etl-test-abandoned');
    const abandoned = new AbortController();
    const waiting = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }), { abortSignal: abandoned.signal });
    await new Promise((resolve) => setTimeout(resolve, 200));
    abandoned.abort();
    await expect(waiting).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 200)); // the server sees the connection close
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'for whoever asks next' }));
    const { Messages } = await receive(url, { WaitTimeSeconds: 1, MessageSystemAttributeNames: ['ApproximateReceiveCount'] });
    expect(Messages?.[0]?.Body).toBe('for whoever asks next');
    expect(Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('1');
  });

  it('answers a JSON body that is not an object with a 400 SerializationException, not a 500', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' },
      body: 'null',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { __type: string }).__type).toMatch(/SerializationException/);
  });

  it('refuses a RedrivePolicy whose dead-letter queue does not exist, or is of the other type', async () => {
    const policy = (target: string) => JSON.stringify({ deadLetterTargetArn: queueArn(target), maxReceiveCount: 3 });
    await expect(
      sqs.send(new CreateQueueCommand({ QueueName: 'etl-test-orphan', Attributes: { RedrivePolicy: policy('etl-test-nowhere') } })),
    ).rejects.toThrow(/Dead letter target does not exist/);
    await queue('etl-test-standard-dlq');
    await expect(
      sqs.send(
        new CreateQueueCommand({
          QueueName: 'etl-test-ordered.fifo',
          Attributes: { FifoQueue: 'true', RedrivePolicy: policy('etl-test-standard-dlq') },
        }),
      ),
    ).rejects.toThrow(/must be same type of queue/);
  });

  it('delays messages by DelaySeconds', async () => {
    const url = await queue('etl-test-delay');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 1 }));
    expect((await receive(url)).Messages).toBeUndefined();
    expect(
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] }))).Attributes,
    ).toEqual({ ApproximateNumberOfMessagesDelayed: '1' });
    expect((await receive(url, { WaitTimeSeconds: 3 })).Messages?.[0]?.Body).toBe('later');
  });

  it('moves a message to the DLQ after maxReceiveCount receives, and redrives it back', async () => {
    const dlqUrl = await queue('etl-test-work-dlq', { MessageRetentionPeriod: '1209600' });
    const url = await queue('etl-test-work', {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn('etl-test-work-dlq'), maxReceiveCount: 3 }),
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));
    for (let i = 1; i <= 3; i++) {
      const { Messages } = await receive(url, { VisibilityTimeout: 0 });
      expect(Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe(String(i));
    }
    expect((await receive(url)).Messages).toBeUndefined();
    const dead = await receive(dlqUrl, { VisibilityTimeout: 0 });
    expect(dead.Messages?.[0]).toMatchObject({
      Body: 'poison',
      Attributes: expect.objectContaining({ DeadLetterQueueSourceArn: queueArn('etl-test-work') }),
    });

    await expect(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: queueArn('etl-test-work') }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 400 },
    });
    const task = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: queueArn('etl-test-work-dlq') }));
    expect(task.TaskHandle).toBeDefined();
    expect((await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: queueArn('etl-test-work-dlq') }))).Results?.[0]).toMatchObject({
      Status: 'COMPLETED',
      ApproximateNumberOfMessagesMoved: 1,
    });
    const back = await receive(url);
    expect(back.Messages?.[0]).toMatchObject({ Body: 'poison', Attributes: expect.objectContaining({ ApproximateReceiveCount: '1' }) });
  });

  it('keeps FIFO message groups in order, one batch in flight per group, and drops duplicates within 5 minutes', async () => {
    const url = await queue('etl-test-order.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    for (const [group, body] of [
      ['A', 'a1'],
      ['B', 'b1'],
      ['A', 'a2'],
      ['B', 'b2'],
      ['A', 'a3'],
    ]) {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: group }));
    }
    const duplicate = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a1', MessageGroupId: 'A' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a1', MessageGroupId: 'A', MessageDeduplicationId: 'explicit' }));
    const first = await receive(url, { MaxNumberOfMessages: 2, VisibilityTimeout: 30 });
    expect(first.Messages?.map((m) => m.Body)).toEqual(['a1', 'b1']);
    expect(first.Messages?.[0]?.MessageId).toBe(duplicate.MessageId);
    // A and B each have a message in flight: nothing more is delivered until they are done
    expect((await receive(url)).Messages).toBeUndefined();
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.Messages![0]!.ReceiptHandle }));
    expect((await receive(url)).Messages?.map((m) => m.Body)).toEqual(['a2', 'a3', 'a1']);
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('purges a queue', async () => {
    const url = await queue('etl-test-purge');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'gone soon' }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    expect((await receive(url)).Messages).toBeUndefined();
  });

  it('allows one PurgeQueue a minute: a second is 403 PurgeQueueInProgress, in either protocol and after a restart', async () => {
    const url = await queue('etl-test-purge-twice');
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    await expect(sqs.send(new PurgeQueueCommand({ QueueUrl: url }))).rejects.toMatchObject({
      name: 'PurgeQueueInProgress',
      message: 'Only one PurgeQueue operation on etl-test-purge-twice is allowed every 60 seconds.',
      $metadata: { httpStatusCode: 403 },
    });
    const viaQuery = await form(new URLSearchParams({ Action: 'PurgeQueue', QueueUrl: url }));
    expect(viaQuery.status).toBe(403);
    expect(viaQuery.body).toContain('<Code>AWS.SimpleQueueService.PurgeQueueInProgress</Code>');
    await stop();
    await start();
    await expect(sqs.send(new PurgeQueueCommand({ QueueUrl: url }))).rejects.toMatchObject({ name: 'PurgeQueueInProgress' });
    await sqs.send(new PurgeQueueCommand({ QueueUrl: await queue('etl-test-purge-other') })); // per queue
  });

  it('refuses a queue of a name deleted less than 60 seconds ago (QueueDeletedRecently), also after a restart', async () => {
    const url = await queue('etl-test-recreated');
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    const recently = {
      name: 'QueueDeletedRecently',
      message: 'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
      $metadata: { httpStatusCode: 400 },
    };
    await expect(queue('etl-test-recreated')).rejects.toMatchObject(recently);
    const viaQuery = await form(new URLSearchParams({ Action: 'CreateQueue', QueueName: 'etl-test-recreated' }));
    expect([viaQuery.status, viaQuery.body]).toEqual([
      400,
      expect.stringContaining('<Code>AWS.SimpleQueueService.QueueDeletedRecently</Code>'),
    ]);
    await stop();
    await start();
    await expect(queue('etl-test-recreated')).rejects.toMatchObject(recently);
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: 'etl-test-recreated' }))).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
    });
  });

  it('filters message attributes by name prefix (cu.* is every name starting with cu), All, .* and *; GetQueueAttributes takes no prefix', async () => {
    const url = await queue('etl-test-attribute-prefix', { VisibilityTimeout: '0' });
    const string = (StringValue: string) => ({ DataType: 'String', StringValue });
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'tagged',
        MessageAttributes: { custom: string('1'), 'cu.id': string('2'), other: string('3') },
      }),
    );
    const names = async (MessageAttributeNames: string[]) =>
      Object.keys((await receive(url, { MessageAttributeNames })).Messages?.[0]?.MessageAttributes ?? {}).sort();
    expect(await names(['cu.*'])).toEqual(['cu.id', 'custom']);
    expect(await names(['cu.*', 'other'])).toEqual(['cu.id', 'custom', 'other']);
    for (const all of ['All', '.*', '*']) expect(await names([all])).toEqual(['cu.id', 'custom', 'other']);
    expect(await names(['nothing.*'])).toEqual([]);
    const viaQuery = await form(
      new URLSearchParams({ Action: 'ReceiveMessage', QueueUrl: url, 'MessageAttributeName.1': 'cus.*', VisibilityTimeout: '0' }),
    );
    expect(viaQuery.body).toContain('<MessageAttribute><Name>custom</Name>');
    expect(viaQuery.body).not.toContain('<Name>cu.id</Name>');
    await expect(
      sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Visibility.*' as 'All'] })),
    ).rejects.toMatchObject({
      name: 'InvalidAttributeName',
      message: 'Unknown Attribute Visibility.*.',
    });
  });

  it('gives a FIFO receive retried with its ReceiveRequestAttemptId the same messages and receipt handles, until one of them changes', async () => {
    const url = await queue('etl-test-attempts.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    for (const body of ['a1', 'a2']) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: 'A' }));
    const attempt = (ReceiveRequestAttemptId: string) => receive(url, { ReceiveRequestAttemptId, VisibilityTimeout: 30 });
    const first = await attempt('try-1');
    expect(first.Messages?.map((m) => m.Body)).toEqual(['a1', 'a2']);
    const handles = first.Messages!.map((m) => [m.MessageId, m.ReceiptHandle, m.Attributes?.ApproximateReceiveCount]);
    // the answer was lost: the retry gets the same delivery, where a receive of its own gets nothing (group A in flight)
    expect((await attempt('try-1')).Messages?.map((m) => [m.MessageId, m.ReceiptHandle, m.Attributes?.ApproximateReceiveCount])).toEqual(
      handles,
    );
    expect((await attempt('try-2')).Messages).toBeUndefined();
    await stop();
    await start();
    expect((await attempt('try-1')).Messages?.map((m) => m.ReceiptHandle)).toEqual(handles.map(([, handle]) => handle));
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.Messages![0]!.ReceiptHandle }));
    expect((await attempt('try-1')).Messages).toBeUndefined(); // a1 was deleted: no replay, and a2 still holds its group
  });

  it('speaks the query protocol too (form parameters in, XML out)', async () => {
    const url = await queue('etl-test-query');
    const sendBody = new URLSearchParams({
      Action: 'SendMessage',
      QueueUrl: url,
      MessageBody: 'via query',
      'MessageAttribute.1.Name': 'pipeline',
      'MessageAttribute.1.Value.DataType': 'String',
      'MessageAttribute.1.Value.StringValue': 'orders',
    });
    const sent = await form(sendBody);
    expect(sent.status).toBe(200);
    expect(sent.body).toMatch(
      /<SendMessageResponse[^>]*><SendMessageResult><MessageId>[0-9a-f-]+<\/MessageId><MD5OfMessageBody>[0-9a-f]{32}<\/MD5OfMessageBody>/,
    );
    const received = await form(
      new URLSearchParams({ Action: 'ReceiveMessage', QueueUrl: url, 'AttributeName.1': 'All', 'MessageAttributeName.1': 'All' }),
    );
    expect(received.body).toContain('<Body>via query</Body>');
    expect(received.body).toContain('<Attribute><Name>ApproximateReceiveCount</Name><Value>1</Value></Attribute>');
    expect(received.body).toContain(
      '<MessageAttribute><Name>pipeline</Name><Value><DataType>String</DataType><StringValue>orders</StringValue></Value></MessageAttribute>',
    );
    const missing = await form(new URLSearchParams({ Action: 'GetQueueUrl', QueueName: 'nope' }));
    expect(missing.status).toBe(400);
    expect(missing.body).toContain('<Code>AWS.SimpleQueueService.NonExistentQueue</Code>');
  });

  it('keeps messages, their in-flight state and receipt handles across a restart', async () => {
    const url = await queue('etl-test-restart');
    await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: url, Entries: [0, 1, 2].map((i) => ({ Id: `r${i}`, MessageBody: `kept ${i}` })) }),
    );
    const { Messages } = await receive(url, { VisibilityTimeout: 60 });
    expect(Messages).toHaveLength(3);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: Messages![0]!.ReceiptHandle }));

    await stop();
    await start();

    const counts = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    expect(counts.Attributes).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '2' });
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: Messages![1]!.ReceiptHandle, VisibilityTimeout: 0 }));
    const after = await receive(url);
    expect(after.Messages?.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([[Messages![1]!.Body, '2']]);
  });

  function form(body: URLSearchParams): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const request = http.request(
        `http://127.0.0.1:${port}/`,
        { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
        (response) => {
          let data = '';
          response.on('data', (chunk: Buffer) => (data += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: data }));
        },
      );
      request.on('error', reject);
      request.end(body.toString());
    });
  }
});
