import { ChangeMessageVisibilityCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { MessageAttributeValue, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { Failure } from './failures';

/** Message attributes the middleware reads and writes (SQS allows 10 per message). */
export const FAILURE_ATTRIBUTES = {
  /** on a re-queued copy: receives before it, across copies */
  attempts: 'etl-attempts',
  /** on a re-queued copy: when the message first failed (ISO 8601) */
  failingSince: 'etl-failing-since',
  /** on a dead-lettered message: how many receives it had in all (a redrive starts it afresh: no attempts or since ride along) */
  receives: 'etl-receives',
  /** the last failure's code and reason, and the service it failed in */
  code: 'etl-error-code',
  reason: 'etl-error-reason',
  failedIn: 'etl-failed-in',
} as const;

/** The first backoff, its cap, and how long a transient failure may go on before its message is dead-lettered. */
export const BACKOFF = { baseSeconds: 2, capSeconds: 120, giveUpAfterHours: 24 } as const;

/**
 * Seconds until a message that failed transiently for the `attempt`-th time comes back:
 * 2 s × 2^(attempt−1) capped at 120 s, with equal jitter (half fixed, half random) so that
 * messages failing together do not all return together, and the wait still grows.
 */
export function backoffSeconds(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF.capSeconds, BACKOFF.baseSeconds * 2 ** Math.max(0, attempt - 1));
  return Math.max(1, Math.round(ceiling / 2 + (random() * ceiling) / 2));
}

/** What became of a failed record. Only `backed-off` and `returned` are reported as batch item failures. */
export type FailedRecordOutcome =
  | { action: 'dead-lettered' }
  /** a fresh copy sent with a delay, so a long outage never uses up the queue's maxReceiveCount */
  | ({ action: 'requeued' } & Retrying)
  | ({ action: 'backed-off' } & Retrying)
  /** left to the queue's visibility timeout and redrive policy (the routing itself failed, or no DLQ) */
  | { action: 'returned'; why: string };

/** A message that will be tried again: in how long, for the how-manyth time, failing since when. */
interface Retrying {
  delaySeconds: number;
  attempt: number;
  since: string;
}

interface QueueFacts {
  url: string;
  fifo: boolean;
  deadLetterUrl?: string;
  maxReceiveCount?: number;
}

/**
 * Decides, per failed SQS record, what happens next, so that a failure costs what its class
 * deserves rather than a whole visibility timeout:
 *
 * - **permanent**: the message goes to the queue's dead-letter queue now, with the failure's
 *   code, reason and service in its message attributes, and is settled (not retried);
 * - **transient**: ChangeMessageVisibility brings it back after {@link backoffSeconds}; when one
 *   more receive would reach the queue's `maxReceiveCount`, a copy carrying the attempt count is
 *   sent with that delay instead (standard queues), so an outage of hours backs off without
 *   dead-lettering good work — until {@link BACKOFF}`.giveUpAfterHours`, then it is dead-lettered.
 *
 * The queue and its DLQ are found from the record (`eventSourceARN`, the queue's RedrivePolicy),
 * once per container. If any of these calls fails, the record is reported failed as before.
 */
export class FailedRecordRouter {
  private readonly queues = new Map<string, Promise<QueueFacts>>();

  constructor(
    private readonly sqs: () => SQSClient,
    private readonly service: string,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  async route(record: SQSRecord, failure: Failure): Promise<FailedRecordOutcome> {
    let queue: QueueFacts;
    try {
      queue = await this.queueOf(record.eventSourceARN);
    } catch (error) {
      return { action: 'returned', why: `its queue could not be looked up: ${(error as Error).message}` };
    }
    try {
      const receives = Math.max(1, Number(record.attributes.ApproximateReceiveCount) || 1);
      const attempt = (Number(attributeOf(record, FAILURE_ATTRIBUTES.attempts)) || 0) + receives;
      const since = attributeOf(record, FAILURE_ATTRIBUTES.failingSince) ?? firstReceived(record) ?? new Date(this.now()).toISOString();
      const hours = (this.now() - Date.parse(since)) / 3_600_000;
      if (failure.retry === 'permanent' || hours >= BACKOFF.giveUpAfterHours) {
        if (queue.deadLetterUrl === undefined) return { action: 'returned', why: 'its queue has no dead-letter queue' };
        const reason =
          failure.retry === 'permanent' ? failure.reason : `still failing after ${hours.toFixed(1)} h of retries: ${failure.reason}`;
        await this.send(
          queue.deadLetterUrl,
          record,
          { ...failure, reason },
          { [FAILURE_ATTRIBUTES.receives]: number(attempt) },
          queue.fifo,
        );
        return { action: 'dead-lettered' };
      }
      const delaySeconds = backoffSeconds(attempt, this.random);
      if (!queue.fifo && queue.maxReceiveCount !== undefined && receives >= queue.maxReceiveCount - 1) {
        const progress = { [FAILURE_ATTRIBUTES.attempts]: number(attempt), [FAILURE_ATTRIBUTES.failingSince]: text(since) };
        await this.send(queue.url, record, failure, progress, false, delaySeconds);
        return { action: 'requeued', delaySeconds, attempt, since };
      }
      await this.sqs().send(
        new ChangeMessageVisibilityCommand({ QueueUrl: queue.url, ReceiptHandle: record.receiptHandle, VisibilityTimeout: delaySeconds }),
      );
      return { action: 'backed-off', delaySeconds, attempt, since };
    } catch (error) {
      return { action: 'returned', why: `routing it failed: ${(error as Error).message}` };
    }
  }

  private send(
    url: string,
    record: SQSRecord,
    failure: Failure,
    progress: Record<string, MessageAttributeValue>,
    fifo: boolean,
    delaySeconds?: number,
  ): Promise<unknown> {
    const ours: Record<string, MessageAttributeValue> = {
      ...progress,
      [FAILURE_ATTRIBUTES.code]: text(failure.code),
      [FAILURE_ATTRIBUTES.reason]: text(failure.reason.slice(0, 1024) || '(no message)'),
      [FAILURE_ATTRIBUTES.failedIn]: text(this.service),
    };
    const mine = new Set<string>(Object.values(FAILURE_ATTRIBUTES));
    // the sender's own attributes ride along, as many as SQS's limit of 10 leaves room for
    const theirs = Object.entries(record.messageAttributes ?? {})
      .filter(([name]) => !mine.has(name))
      .slice(0, 10 - Object.keys(ours).length)
      .map(([name, value]): [string, MessageAttributeValue] => [
        name,
        value.binaryValue !== undefined
          ? { DataType: value.dataType, BinaryValue: Buffer.from(value.binaryValue, 'base64') }
          : { DataType: value.dataType, StringValue: value.stringValue },
      ]);
    return this.sqs().send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: record.body,
        MessageAttributes: { ...Object.fromEntries(theirs), ...ours },
        ...(delaySeconds !== undefined ? { DelaySeconds: Math.min(900, delaySeconds) } : {}),
        ...(fifo ? { MessageGroupId: record.attributes.MessageGroupId ?? 'dead-letters', MessageDeduplicationId: record.messageId } : {}),
      }),
    );
  }

  private queueOf(arn: string): Promise<QueueFacts> {
    let facts = this.queues.get(arn);
    if (!facts) {
      facts = this.lookUp(arn);
      this.queues.set(arn, facts);
      facts.catch(() => this.queues.delete(arn)); // looked up again next time
    }
    return facts;
  }

  private async lookUp(arn: string): Promise<QueueFacts> {
    const url = await this.urlOf(arn);
    const { Attributes = {} } = await this.sqs().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['RedrivePolicy'] }));
    const fifo = arn.endsWith('.fifo');
    if (!Attributes.RedrivePolicy) return { url, fifo };
    const redrive = JSON.parse(Attributes.RedrivePolicy) as { deadLetterTargetArn?: string; maxReceiveCount?: number | string };
    return {
      url,
      fifo,
      deadLetterUrl: redrive.deadLetterTargetArn ? await this.urlOf(redrive.deadLetterTargetArn) : undefined,
      maxReceiveCount: Number(redrive.maxReceiveCount) || undefined,
    };
  }

  private async urlOf(arn: string): Promise<string> {
    const [, , service, , account, name] = arn.split(':');
    if (service !== 'sqs' || !account || !name) throw new Error(`"${arn}" is not an SQS queue ARN`);
    const { QueueUrl } = await this.sqs().send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }));
    return QueueUrl!;
  }
}

function attributeOf(record: SQSRecord, name: string): string | undefined {
  return record.messageAttributes?.[name]?.stringValue;
}

function firstReceived(record: SQSRecord): string | undefined {
  const ms = Number(record.attributes.ApproximateFirstReceiveTimestamp);
  return ms > 0 ? new Date(ms).toISOString() : undefined;
}

/**
 * A String attribute as SQS takes it: its value only of the characters SQS allows (#x9, #xA, #xD,
 * #x20–#xD7FF, #xE000–#xFFFD, #x10000–#x10FFFF; a reason may quote a source's raw bytes), others
 * as U+FFFD — SQS refuses the whole SendMessage otherwise, and the message would not be dead-lettered.
 */
const text = (value: string): MessageAttributeValue => ({
  DataType: 'String',
  StringValue: value.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD'),
});
const number = (value: number): MessageAttributeValue => ({ DataType: 'Number', StringValue: String(value) });
