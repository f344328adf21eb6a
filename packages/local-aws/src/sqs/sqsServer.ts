import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { header, readBody } from '../common/http';
import { SqsError } from './sqsErrors';
import { fromQuery, jsonErrorBody, queryErrorXml, toQueryXml } from './sqsProtocols';
import type { RequestContext, SqsStore } from './sqsStore';
import type { AccessControl } from '../iam/accessControl';
import { authorizeSqs, sqsCaller } from './sqsAuthorization';

type Operation = (
  store: SqsStore,
  input: Record<string, unknown>,
  context: RequestContext,
) => Promise<Record<string, unknown>> | Record<string, unknown>;

const OPERATIONS: Record<string, Operation> = {
  CreateQueue: (s, i, c) => s.createQueue(i, c),
  GetQueueUrl: (s, i, c) => s.getQueueUrl(i, c),
  ListQueues: (s, i, c) => s.listQueues(i, c),
  DeleteQueue: (s, i) => s.deleteQueue(i),
  PurgeQueue: (s, i) => s.purgeQueue(i),
  GetQueueAttributes: (s, i) => s.getQueueAttributes(i),
  SetQueueAttributes: (s, i) => s.setQueueAttributes(i),
  SendMessage: (s, i) => s.sendMessage(i),
  SendMessageBatch: (s, i) => s.sendMessageBatch(i),
  ReceiveMessage: (s, i, c) => s.receiveMessage(i, c),
  DeleteMessage: (s, i) => s.deleteMessage(i),
  DeleteMessageBatch: (s, i) => s.deleteMessageBatch(i),
  ChangeMessageVisibility: (s, i) => s.changeMessageVisibility(i),
  ChangeMessageVisibilityBatch: (s, i) => s.changeMessageVisibilityBatch(i),
  StartMessageMoveTask: (s, i) => s.startMessageMoveTask(i),
  ListMessageMoveTasks: (s, i) => s.listMessageMoveTasks(i),
};

/**
 * An HTTP server speaking both SQS wire protocols: AWS JSON 1.0 (`x-amz-target:
 * AmazonSQS.<Op>`, current SDKs) and the query protocol (form-encoded `Action=<Op>`, XML
 * replies; older SDKs and Debian's AWS CLI). Both call the same {@link SqsStore}. With `access`,
 * requests signed with keys the local IAM issued are checked against their policies and the queue's.
 */
export function createSqsServer(store: SqsStore, access?: AccessControl): Server {
  return createServer((request, response) => {
    void handle(store, request, response, access);
  });
}

async function handle(store: SqsStore, request: IncomingMessage, response: ServerResponse, access?: AccessControl): Promise<void> {
  const target = header(request, 'x-amz-target');
  const json = target !== undefined;
  try {
    const body = (await readBody(request, 2 * 1024 * 1024)).toString('utf8');
    const caller = access && sqsCaller(access, request, body);
    const gone = new AbortController();
    response.on('close', () => {
      if (!response.writableFinished) gone.abort(); // closed before the answer: the client left
    });
    const context = { origin: `http://${header(request, 'host') ?? '127.0.0.1'}`, signal: gone.signal };
    let action: string;
    let input: Record<string, unknown>;
    if (json) {
      action = target.replace(/^AmazonSQS\./, '');
      const parsed: unknown = body.trim() === '' ? {} : JSON.parse(body);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new SqsError(
          'SerializationException',
          `the request body must be a JSON object, not ${body.trim().slice(0, 40)}`,
          'MalformedInput',
        );
      input = parsed as Record<string, unknown>;
    } else {
      const params = new URLSearchParams(new URL(request.url ?? '/', 'http://local').search);
      for (const [name, value] of new URLSearchParams(body)) params.append(name, value);
      ({ action, input } = fromQuery(params));
      // the query protocol may address the queue by the request path instead of QueueUrl
      const path = new URL(request.url ?? '/', 'http://local').pathname;
      if (input.QueueUrl === undefined && path.split('/').filter(Boolean).length === 2) input.QueueUrl = `${context.origin}${path}`;
    }
    const operation = OPERATIONS[action];
    if (!operation)
      throw new SqsError(
        'InvalidAction',
        `The action ${action || '(none)'} is not valid for this endpoint (the local SQS stand-in implements: ${Object.keys(OPERATIONS).join(', ')}).`,
        'InvalidAction',
      );
    if (access && caller) authorizeSqs(access, caller, action, input, (name) => store.policyOf(name), request);
    const output = await operation(store, input, context);
    if (json) {
      const text = JSON.stringify(output);
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(text) }).end(text);
    } else {
      const xml = toQueryXml(action, output);
      response.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml) }).end(xml);
    }
  } catch (caught) {
    const error =
      caught instanceof SqsError
        ? caught
        : caught instanceof SyntaxError
          ? new SqsError('SerializationException', `request body is not valid JSON: ${caught.message}`, 'MalformedInput')
          : new SqsError('InternalError', `local SQS: ${(caught as Error).message}`, 'InternalError', 500, false);
    const text = json ? jsonErrorBody(error) : queryErrorXml(error);
    response
      .writeHead(error.status, {
        'content-type': json ? 'application/x-amz-json-1.0' : 'text/xml',
        'x-amzn-query-error': `${error.queryCode};${error.senderFault ? 'Sender' : 'Receiver'}`,
        'content-length': Buffer.byteLength(text),
      })
      .end(text);
  }
}
