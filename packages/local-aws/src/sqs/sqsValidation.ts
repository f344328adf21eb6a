import type { MessageAttributeValue } from './md5';
import { messageSize } from './md5';
import { sqsErrors } from './sqsErrors';
import type { SqsQueue } from './sqsQueue';
import { parsePolicy } from '../iam/policyEvaluation';

/**
 * What SQS refuses before it changes anything: queue attributes (names, ranges, redrive
 * policies whose target must exist and be of the same type), message entries, batch entries —
 * each with the error SQS answers.
 */

type Input = Record<string, unknown>;

/** A message entry that passed the checks, with what the queue adds (its default delay). */
export interface SendEntry {
  body: string;
  attributes: Record<string, MessageAttributeValue> | undefined;
  delaySeconds: number;
  groupId: string | undefined;
  dedupId: string | undefined;
}

const SETTABLE_ATTRIBUTES = new Set([
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
  'Policy',
]);
const RANGES: Record<string, [number, number]> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 1_048_576],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43_200],
};
const MAX_MESSAGE_BYTES = 1_048_576;
const VALID_BODY = /^[\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

/** Queue attributes as CreateQueue and SetQueueAttributes check them; `queueNamed` finds a redrive policy's target. */
export function validateQueueAttributes(
  name: string,
  attributes: Record<string, string>,
  queueNamed: (name: string) => SqsQueue | undefined,
): void {
  for (const [attribute, value] of Object.entries(attributes)) {
    if (!SETTABLE_ATTRIBUTES.has(attribute)) throw sqsErrors.invalidAttributeName(attribute);
    const range = RANGES[attribute];
    if (range && !(Number.isInteger(Number(value)) && Number(value) >= range[0] && Number(value) <= range[1])) {
      throw sqsErrors.invalidAttributeValue(`Invalid value for the parameter ${attribute}: ${value} (must be ${range[0]}–${range[1]}).`);
    }
    if (attribute === 'Policy' && value !== '') {
      try {
        parsePolicy(value, 'resource');
      } catch (error) {
        throw sqsErrors.invalidAttributeValue(`Invalid value for the parameter Policy. Reason: ${(error as Error).message}`);
      }
    }
    if (attribute === 'RedrivePolicy' && value !== '') {
      let policy: { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
      try {
        policy = JSON.parse(value) as typeof policy;
      } catch {
        throw sqsErrors.invalidAttributeValue(`Invalid value for the parameter RedrivePolicy: not JSON: ${value}`);
      }
      if (
        typeof policy.deadLetterTargetArn !== 'string' ||
        !(Number(policy.maxReceiveCount) >= 1 && Number(policy.maxReceiveCount) <= 1000)
      ) {
        throw sqsErrors.invalidAttributeValue(
          'Invalid value for the parameter RedrivePolicy: needs deadLetterTargetArn and maxReceiveCount 1–1000.',
        );
      }
      // as SQS does: a policy whose target is not a queue would drop the messages after maxReceiveCount
      const target = queueNamed(policy.deadLetterTargetArn.split(':').pop()!);
      if (!target)
        throw sqsErrors.invalidAttributeValue(
          `Value ${value} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.`,
        );
      if (target.fifo !== name.endsWith('.fifo'))
        throw sqsErrors.invalidAttributeValue(
          `Value ${value} for parameter RedrivePolicy is invalid. Reason: Dead-letter queue must be same type of queue as the source.`,
        );
    }
  }
  if (name.endsWith('.fifo') !== (attributes.FifoQueue === 'true')) {
    throw sqsErrors.invalidParameter(
      `A FIFO queue's name must end with ".fifo" and it must have the FifoQueue attribute set to true (queue "${name}").`,
    );
  }
}

/** A SendMessage entry as SQS checks it: the body's characters and size, attributes, delay, FIFO group and deduplication ids. */
export function validSendEntry(queue: SqsQueue, entry: Input): SendEntry {
  const body = entry.MessageBody;
  if (typeof body !== 'string' || body === '') throw sqsErrors.missingParameter('MessageBody');
  if (!VALID_BODY.test(body))
    throw sqsErrors.invalidContents(
      'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
    );
  const attributes = entry.MessageAttributes as Record<string, MessageAttributeValue> | undefined;
  validateMessageAttributes(attributes);
  const limit = Math.min(MAX_MESSAGE_BYTES, queue.number('MaximumMessageSize'));
  const size = messageSize(body, attributes);
  if (size > limit)
    throw sqsErrors.tooLong(`One or more parameters are invalid. Reason: Message must be shorter than ${limit} bytes (was ${size}).`);
  const perMessageDelay = entry.DelaySeconds === undefined ? undefined : Number(entry.DelaySeconds);
  if (perMessageDelay !== undefined && queue.fifo)
    throw sqsErrors.invalidParameter(
      'The request include parameter that is not valid for this queue type: DelaySeconds (per message) on a FIFO queue.',
    );
  const delaySeconds = perMessageDelay ?? queue.number('DelaySeconds');
  if (!(Number.isInteger(delaySeconds) && delaySeconds >= 0 && delaySeconds <= 900))
    throw sqsErrors.invalidParameter(
      `Value ${entry.DelaySeconds} for parameter DelaySeconds is invalid. Reason: must be between 0 and 900.`,
    );
  const groupId = entry.MessageGroupId === undefined ? undefined : String(entry.MessageGroupId);
  const dedupId = entry.MessageDeduplicationId === undefined ? undefined : String(entry.MessageDeduplicationId);
  if (queue.fifo) {
    if (!groupId) throw sqsErrors.missingParameter('MessageGroupId');
    if (!dedupId && queue.definition.attributes.ContentBasedDeduplication !== 'true') {
      throw sqsErrors.invalidParameter(
        'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly.',
      );
    }
  } else if (groupId !== undefined || dedupId !== undefined) {
    if (dedupId !== undefined)
      throw sqsErrors.invalidParameter('The request include parameter that is not valid for this queue type: MessageDeduplicationId.');
  }
  return { body, attributes, delaySeconds, groupId: queue.fifo ? groupId : undefined, dedupId };
}

const MAX_MESSAGE_ATTRIBUTES = 10;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]+$/;
const RESERVED_NAME = /^(aws|amazon)\./i;
const DATA_TYPE = /^(String|Number|Binary)(\..*)?$/s;
/** SQS's Number: decimal, up to 38 significant digits, magnitude between 10^-128 and 10^126. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Message attributes as SQS checks them on a send: at most 10; names of `A-Za-z0-9_-.`, shorter
 * than 256 bytes, not `AWS.`/`Amazon.` in any casing, no leading, trailing or doubled period; a
 * data type of String, Number or Binary with an optional `.label`; a non-empty value of the
 * type's kind, holding only the characters a body may hold; a Number that SQS can read.
 */
export function validateMessageAttributes(attributes: Record<string, MessageAttributeValue> | undefined): void {
  const entries = Object.entries(attributes ?? {});
  if (entries.length > MAX_MESSAGE_ATTRIBUTES)
    throw sqsErrors.invalidParameter(`Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`);
  for (const [name, value] of entries) {
    if (Buffer.byteLength(name) >= 256) throw sqsErrors.invalidParameter('Message (user) attribute names must be shorter than 256 Bytes.');
    if (!ATTRIBUTE_NAME.test(name))
      throw sqsErrors.invalidParameter(
        'Message (user) attributes name can only contain upper and lower score characters, digits, periods, hyphens and underscores. ',
      );
    if (RESERVED_NAME.test(name)) throw sqsErrors.invalidParameter(`Message (user) attribute name '${name}' is reserved for internal use.`);
    if (name.startsWith('.') || name.endsWith('.'))
      throw sqsErrors.invalidParameter(`Message (user) attribute name '${name}' cannot start or end with '.'.`);
    if (name.includes('..'))
      throw sqsErrors.invalidParameter(`Message (user) attribute name '${name}' can not contain successive '.' characters.`);
    const dataType = value?.DataType;
    if (!dataType) throw sqsErrors.invalidParameter(`Missing required parameter DataType for message (user) attribute '${name}'.`);
    if (Buffer.byteLength(dataType) >= 256)
      throw sqsErrors.invalidParameter(`Message (user) attribute '${name}': types must be shorter than 256 Bytes.`);
    const kind = DATA_TYPE.exec(dataType)?.[1];
    if (!kind)
      throw sqsErrors.invalidParameter(
        `Message (user) attribute '${name}' type must be prefixed with one of the following strings: String, Number, Binary.`,
      );
    if (!VALID_BODY.test(dataType))
      throw sqsErrors.invalidParameter(`Message (user) attribute '${name}' type contains invalid characters.`);
    if (kind === 'Binary') {
      if (value.BinaryValue === undefined || value.BinaryValue === '')
        throw sqsErrors.invalidParameter(`Message (user) attribute '${name}' must contain a non-empty value of type 'Binary'.`);
      continue;
    }
    const text = value.StringValue;
    if (text === undefined || text === '')
      throw sqsErrors.invalidParameter(`Message (user) attribute '${name}' must contain a non-empty value of type '${kind}'.`);
    if (!VALID_BODY.test(text))
      throw sqsErrors.invalidParameter(`Message (user) attribute '${name}' value contains invalid characters: ${invalidCharacters(text)}.`);
    if (kind === 'Number' && !isSqsNumber(text))
      throw sqsErrors.invalidParameter(`Can't cast the value of message (user) attribute '${name}' to a number.`);
  }
}

function isSqsNumber(text: string): boolean {
  const match = NUMBER.exec(text);
  if (!match) return false;
  const [mantissa = '', exponentText] = text.replace(/^[+-]/, '').split(/[eE]/);
  const [whole = '', fraction = ''] = mantissa.split('.');
  const digits = (whole + fraction).replace(/0+$/, '');
  const significant = digits.replace(/^0+/, '');
  if (significant === '') return true; // zero
  if (significant.length > 38) return false;
  // the decimal exponent of the leading significant digit
  const magnitude = whole.length - (digits.length - significant.length) - 1 + Number(exponentText ?? 0);
  return (magnitude < 126 || (magnitude === 126 && significant === '1')) && magnitude >= -128;
}

function invalidCharacters(text: string): string {
  const bad = [...text].filter((character) => !VALID_BODY.test(character));
  return bad.map((character) => `#x${character.codePointAt(0)!.toString(16).toUpperCase()}`).join(', ');
}

/** A batch request's entries: 1 to 10, each with a distinct, well-formed Id. */
export function batchEntries(input: Input): Input[] {
  const entries = input.Entries as Input[] | undefined;
  if (!entries || entries.length === 0) throw sqsErrors.emptyBatch();
  if (entries.length > 10) throw sqsErrors.tooManyEntries(entries.length);
  const seen = new Set<string>();
  for (const entry of entries) {
    const id = String(entry.Id ?? '');
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(id)) throw sqsErrors.invalidBatchId(id);
    if (seen.has(id)) throw sqsErrors.duplicateIds(id);
    seen.add(id);
  }
  return entries;
}

/** A SendMessageBatch's entries: as {@link batchEntries}, and at most 1 MiB of messages in all. */
export function sendBatchEntries(input: Input): Input[] {
  const entries = batchEntries(input);
  const total = entries.reduce(
    (sum, entry) =>
      sum + messageSize(String(entry.MessageBody ?? ''), entry.MessageAttributes as Record<string, MessageAttributeValue> | undefined),
    0,
  );
  if (total > MAX_MESSAGE_BYTES) throw sqsErrors.batchTooLong(total);
  return entries;
}

/** Whether a queue attribute of this name can be set (GetQueueAttributes refuses other names). */
export const isQueueAttribute = (name: string): boolean => SETTABLE_ATTRIBUTES.has(name);
