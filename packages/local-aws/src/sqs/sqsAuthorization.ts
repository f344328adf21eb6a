import type { IncomingMessage } from 'node:http';
import { AuthenticationError, deniedMessage, globalContext, receivedRequest, sha256Hex } from '../iam/accessControl';
import type { AccessControl, AuthenticationFailure, Caller } from '../iam/accessControl';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../localAccount';
import { SqsError } from './sqsErrors';

/** Batch actions are authorised as their single form (SQS API reference: "…Batch: the permission is sqs:…"). */
const ACTION_OF: Record<string, string> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};

/** How SQS answers a request whose authentication failed: JSON `__type` and query code. */
const AUTHENTICATION_ERRORS: Record<AuthenticationFailure, { code: string; queryCode: string; status: number }> = {
  malformed: { code: 'IncompleteSignature', queryCode: 'IncompleteSignature', status: 400 },
  'missing-token': { code: 'InvalidClientTokenId', queryCode: 'InvalidClientTokenId', status: 403 },
  'unknown-token': { code: 'InvalidClientTokenId', queryCode: 'InvalidClientTokenId', status: 403 },
  'inactive-key': { code: 'InvalidClientTokenId', queryCode: 'InvalidClientTokenId', status: 403 },
  'expired-token': { code: 'ExpiredToken', queryCode: 'ExpiredToken', status: 403 },
  signature: { code: 'SignatureDoesNotMatch', queryCode: 'SignatureDoesNotMatch', status: 403 },
  skew: { code: 'SignatureDoesNotMatch', queryCode: 'SignatureDoesNotMatch', status: 403 },
};

export function sqsCaller(access: AccessControl, request: IncomingMessage, body: string): Caller {
  try {
    return access.authenticate(receivedRequest(request), sha256Hex(body), new URLSearchParams(body));
  } catch (error) {
    if (!(error instanceof AuthenticationError)) throw error;
    const { code, queryCode, status } = AUTHENTICATION_ERRORS[error.failure];
    throw new SqsError(code, error.message, queryCode, status);
  }
}

/** The queue an action addresses (by URL, or by name for CreateQueue/GetQueueUrl); undefined for ListQueues. */
function queueName(input: Record<string, unknown>): string | undefined {
  if (typeof input.QueueUrl === 'string') return input.QueueUrl.replace(/\/+$/, '').split('/').pop();
  if (typeof input.QueueName === 'string') return input.QueueName;
  if (typeof input.SourceArn === 'string') return input.SourceArn.split(':').pop();
  return undefined;
}

/**
 * Throws SQS's AccessDenied unless the caller may run `action` on the queue, by its own policies
 * and the queue's policy (the `Policy` attribute) together.
 */
export function authorizeSqs(
  access: AccessControl,
  caller: Caller,
  action: string,
  input: Record<string, unknown>,
  queuePolicy: (name: string) => string | undefined,
  request: IncomingMessage,
): void {
  if (!caller.enforced) return;
  const iamAction = `sqs:${ACTION_OF[action] ?? action}`;
  const name = queueName(input);
  const resource = name === undefined ? '*' : `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${name}`;
  const policyText = name === undefined ? undefined : queuePolicy(name);
  const evaluation = access.authorize(
    caller,
    iamAction,
    resource,
    globalContext(request),
    policyText ? access.iam.document(policyText, 'resource') : undefined,
  );
  // SQS writes the action lower-cased in its message, and the queue's ARN unquoted
  if (evaluation.decision !== 'Allow')
    throw new SqsError(
      'com.amazon.coral.service#AccessDeniedException',
      deniedMessage(caller, iamAction.toLowerCase(), resource, evaluation),
      'AccessDenied',
      403,
    );
}
