import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { BatchResultErrorEntry, SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import { EtlError, serializeMessage } from '@etl/contracts';
import type { Contract } from '@etl/contracts';
import { isRetryableError, withRetry } from '@etl/middleware';
import type { Retry } from '@etl/middleware';
import { chunkForBatches } from './batches';

/** Some entries of a batch were refused for a reason on our side (SenderFault): retrying cannot help. */
export class PublishRefused extends EtlError {
  override readonly name = 'PublishRefused';
  readonly code = 'PUBLISH_REFUSED';
  readonly retry = 'permanent';

  constructor(
    readonly queueUrl: string,
    readonly failures: readonly BatchResultErrorEntry[],
  ) {
    super(
      `SQS refused ${failures.length} message(s) for ${queueUrl}: ${failures.map((f) => `#${f.Id} ${f.Code}: ${f.Message}`).join('; ')}`,
    );
  }
}

/** Entries SQS failed on its side; retried with backoff, then surfaced through RetriesExhausted. */
class EntriesFailed extends EtlError {
  override readonly name = 'EntriesFailed';
  readonly code = 'SQS_ENTRIES_FAILED';
  readonly retry = 'transient';

  constructor(readonly failures: readonly BatchResultErrorEntry[]) {
    super(
      `SQS failed ${failures.length} entr${failures.length === 1 ? 'y' : 'ies'}: ${failures.map((f) => `#${f.Id} ${f.Code}`).join(', ')}`,
    );
  }
}

export interface PublishOptions<M> {
  sqs: SQSClient;
  queueUrl: string;
  /** Every message is checked against it before sending: the next stage never gets a message it would reject. */
  contract: Contract<M>;
  messages: readonly M[];
  /** For FIFO queues: the message group and deduplication id of each message. */
  fifo?: { groupId: (message: M) => string; deduplicationId: (message: M) => string };
  /** Retry policy; in a Lambda pass the worker's `retry` so retries respect the remaining time. */
  retry?: Retry;
}

/**
 * Sends messages with SendMessageBatch — up to 10 entries and 1 MiB per call — and retries
 * what fails: whole calls on throttling/5xx/network errors, and entries SQS failed on its
 * side, with exponential backoff and full jitter. Returns only when every message was
 * accepted; otherwise throws, so the caller's own message is retried and nothing is dropped.
 *
 * @returns the SQS message id of each message, in input order.
 * @throws {PublishRefused} for entries SQS refused as our fault (too big, bad attribute…).
 * @throws {RetriesExhausted} when retrying ran out of attempts or time.
 * @example
 * await publishMessages({ sqs, queueUrl, contract: contracts.rawFileReady, messages, retry });
 */
export async function publishMessages<M>(options: PublishOptions<M>): Promise<string[]> {
  const { sqs, queueUrl, contract, messages, fifo } = options;
  const retry: Retry = options.retry ?? withRetry;
  const bodies = messages.map((message) => serializeMessage(contract, message));
  const messageIds = new Array<string>(messages.length);

  for (const batch of chunkForBatches(bodies)) {
    let pending: SendMessageBatchRequestEntry[] = batch.map((index) => ({
      Id: String(index),
      MessageBody: bodies[index],
      ...(fifo ? { MessageGroupId: fifo.groupId(messages[index]!), MessageDeduplicationId: fifo.deduplicationId(messages[index]!) } : {}),
    }));
    await retry(
      async () => {
        const result = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }));
        for (const ok of result.Successful ?? []) messageIds[Number(ok.Id)] = ok.MessageId ?? '';
        const failed = result.Failed ?? [];
        const refused = failed.filter((failure) => failure.SenderFault);
        if (refused.length > 0) throw new PublishRefused(queueUrl, refused);
        if (failed.length > 0) {
          const failedIds = new Set(failed.map((failure) => failure.Id));
          pending = pending.filter((entry) => failedIds.has(entry.Id));
          throw new EntriesFailed(failed);
        }
      },
      { isRetryable: (error) => error instanceof EntriesFailed || isRetryableError(error) },
    );
  }
  return messageIds;
}
