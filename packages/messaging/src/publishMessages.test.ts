import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SQSClient } from '@aws-sdk/client-sqs';
import { contracts, exampleRawFileReady } from '@etl/contracts';
import { RetriesExhausted, withRetry } from '@etl/middleware';
import type { Retry } from '@etl/middleware';
import { publishMessages, PublishRefused } from './publishMessages';

/**
 * SQS partial failures and 5xx cannot be produced on demand by a real queue, so this test
 * injects them: a local HTTP server answers the real SQS client's SendMessageBatch calls
 * (AWS JSON 1.0) from a script of replies.
 */
type Entry = { Id: string; MessageBody: string; MessageGroupId?: string };
type Reply = (entries: Entry[]) => { status: number; body: unknown };

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const ok = (e: Entry) => ({ Id: e.Id, MessageId: `sqs-${e.Id}`, MD5OfMessageBody: md5(e.MessageBody) });
const accept: Reply = (entries) => ({ status: 200, body: { Successful: entries.map(ok) } });
const failFirst =
  (code: string, senderFault: boolean): Reply =>
  (entries) => ({
    status: 200,
    body: {
      Successful: entries.slice(1).map(ok),
      Failed: [{ Id: entries[0]!.Id, Code: code, SenderFault: senderFault, Message: `${code} happened` }],
    },
  });
const serverError: Reply = () => ({ status: 500, body: { __type: 'com.amazonaws.sqs#InternalError', message: 'boom' } });

describe('publishMessages', () => {
  let replies: Reply[] = [];
  const calls: Entry[][] = [];
  let sqs: SQSClient;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const entries = (JSON.parse(raw) as { Entries: Entry[] }).Entries;
      calls.push(entries);
      const { status, body } = (replies.shift() ?? accept)(entries);
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(body));
    });
  });
  const queueUrl = 'http://127.0.0.1/000000000000/etl-transform-dev-transform';
  const retry: Retry = (operation, options) => withRetry(operation, { ...options, baseDelayMs: 1, maxAttempts: 3 });
  const fastRetry = { retry };
  const messages = Array.from({ length: 12 }, (_, part) => exampleRawFileReady({ part, run: { parts: 12, cursorHigh: null } }));

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    sqs = new SQSClient({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1, // SDK retries off: this test is about ours
    });
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    replies = [];
    calls.length = 0;
  });

  it('sends in batches of 10 and returns the message ids in input order', async () => {
    const ids = await publishMessages({ sqs, queueUrl, contract: contracts.rawFileReady, messages, ...fastRetry });
    expect(calls.map((c) => c.length)).toEqual([10, 2]);
    expect(ids).toEqual(messages.map((_, i) => `sqs-${i}`));
    expect(JSON.parse(calls[0]![3]!.MessageBody)).toEqual(messages[3]);
  });

  it('resends only the entries SQS failed on its side', async () => {
    replies = [failFirst('InternalError', false)];
    const ids = await publishMessages({ sqs, queueUrl, contract: contracts.rawFileReady, messages, ...fastRetry });
    expect(calls.map((c) => c.map((e) => e.Id))).toEqual([['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], ['0'], ['10', '11']]);
    expect(ids).toHaveLength(12);
    expect(ids.every((id) => id.startsWith('sqs-'))).toBe(true);
  });

  it('retries a whole call after a 5xx', async () => {
    replies = [serverError];
    await publishMessages({ sqs, queueUrl, contract: contracts.rawFileReady, messages: messages.slice(0, 2), ...fastRetry });
    expect(calls).toHaveLength(2);
  });

  it('fails at once, naming the entry, when SQS refuses it as our fault', async () => {
    replies = [failFirst('InvalidParameterValue', true)];
    const error = await publishMessages({
      sqs,
      queueUrl,
      contract: contracts.rawFileReady,
      messages: messages.slice(0, 2),
      ...fastRetry,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishRefused);
    expect((error as Error).message).toContain('#0 InvalidParameterValue');
    expect(calls).toHaveLength(1);
  });

  it('throws, never drops, when SQS keeps failing an entry', async () => {
    replies = [failFirst('InternalError', false), failFirst('InternalError', false), failFirst('InternalError', false)];
    const error = await publishMessages({
      sqs,
      queueUrl,
      contract: contracts.rawFileReady,
      messages: messages.slice(0, 3),
      ...fastRetry,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhausted);
    expect(calls).toHaveLength(3);
  });

  it('sends FIFO group and deduplication ids', async () => {
    await publishMessages({
      sqs,
      queueUrl,
      contract: contracts.rawFileReady,
      messages: messages.slice(0, 2),
      fifo: { groupId: (m) => m.pipeline, deduplicationId: (m) => `${m.runId}-${m.part}` },
      ...fastRetry,
    });
    expect(calls[0]).toEqual([
      expect.objectContaining({ MessageGroupId: 'orders', MessageDeduplicationId: '20261127T023749Z-a1b2c3-0' }),
      expect.objectContaining({ MessageGroupId: 'orders', MessageDeduplicationId: '20261127T023749Z-a1b2c3-1' }),
    ]);
  });

  it('refuses to send a message that breaks its contract, before any call', async () => {
    await expect(
      publishMessages({
        sqs,
        queueUrl,
        contract: contracts.rawFileReady,
        messages: [exampleRawFileReady({ pipeline: 'Bad' })],
        ...fastRetry,
      }),
    ).rejects.toThrow(/raw-file-ready.*pipeline/);
    expect(calls).toHaveLength(0);
  });
});
