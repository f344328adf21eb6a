import { LOCAL_ACCOUNT_ID } from '../localAccount';
import { md5OfAttributes } from './md5';
import { SqsError } from './sqsErrors';
import type { StoredMessage } from './sqsQueue';

/** What SQS answers, in the JSON protocol's shapes: a sent message, a failed batch entry, a received message. */

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

export function sendOutput(message: StoredMessage): Output {
  return {
    MessageId: message.id,
    MD5OfMessageBody: message.md5,
    MD5OfMessageAttributes: message.md5OfAttributes,
    SequenceNumber: message.sequenceNumber,
  };
}

export function batchFailure(id: unknown, error: unknown): Output {
  const sqs = error instanceof SqsError ? error : new SqsError('InternalError', String(error), 'InternalError', 500, false);
  return { Id: id, SenderFault: sqs.senderFault, Code: sqs.queryCode, Message: sqs.message };
}

/** A received message as ReceiveMessage returns it, with the system and message attributes asked for. */
export function receivedMessage(stored: StoredMessage, input: Input): Output {
  const names = new Set([
    ...((input.AttributeNames as string[] | undefined) ?? []),
    ...((input.MessageSystemAttributeNames as string[] | undefined) ?? []),
  ]);
  const all = names.has('All');
  const system: Record<string, string | undefined> = {
    SenderId: LOCAL_ACCOUNT_ID,
    SentTimestamp: String(stored.sentAt),
    ApproximateReceiveCount: String(stored.receiveCount),
    ApproximateFirstReceiveTimestamp: stored.firstReceiveAt === undefined ? undefined : String(stored.firstReceiveAt),
    MessageGroupId: stored.groupId,
    MessageDeduplicationId: stored.dedupId,
    SequenceNumber: stored.sequenceNumber,
    DeadLetterQueueSourceArn: stored.deadLetterSourceArn,
  };
  const attributes = Object.fromEntries(Object.entries(system).filter(([name, value]) => value !== undefined && (all || names.has(name))));
  const messageAttributes = Object.fromEntries(
    Object.entries(stored.attributes ?? {}).filter(([name]) => messageAttributeWanted(name, input.MessageAttributeNames)),
  );
  const hasMessageAttributes = Object.keys(messageAttributes).length > 0;
  return {
    MessageId: stored.id,
    ReceiptHandle: stored.receiptHandle,
    MD5OfBody: stored.md5,
    Body: stored.body,
    Attributes: Object.keys(attributes).length > 0 ? attributes : undefined,
    MessageAttributes: hasMessageAttributes ? messageAttributes : undefined,
    MD5OfMessageAttributes: hasMessageAttributes ? md5OfAttributes(messageAttributes) : undefined,
  };
}

/**
 * Whether ReceiveMessage's `MessageAttributeNames` ask for a message attribute: `All`, `.*` or
 * `*` for every one, its exact name, or a prefix filter — `cu.*` is every name starting with
 * `cu` (`custom`, `cu.id`), as SQS matches it.
 */
export function messageAttributeWanted(name: string, names: unknown): boolean {
  const wanted = Array.isArray(names) ? names.map(String) : [];
  return wanted.some((w) => w === 'All' || w === '.*' || w === '*' || w === name || (w.endsWith('.*') && name.startsWith(w.slice(0, -2))));
}
