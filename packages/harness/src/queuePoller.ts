import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { LOCAL_REGION, queueArn } from '@etl/local-aws';
import type { MappingSpec } from './templateResources';

/** Invokes a function with an event; `functionError` is set when the handler threw or timed out. */
/** Invokes a function with an event (an SQS batch by default), answering its error or its payload. */
export type Invoke<E = SQSEvent> = (functionName: string, event: E) => Promise<{ functionError?: string; payload: unknown }>;

/** One line of what the poller did, for logs and progress. */
export type PollerEvent =
  | { event: 'invoked'; queue: string; functionName: string; records: number; failed: number; durationMs: number }
  | { event: 'batch-failed'; queue: string; functionName: string; records: number; reason: string }
  | { event: 'poll-error'; queue: string; reason: string };

/**
 * Told of the receipt handles this poller holds (received, not yet settled), so that whoever
 * starts after this process died can hand the messages back at once (ChangeMessageVisibility
 * 0) instead of waiting out their visibility timeout.
 */
export interface HeldReceipts {
  hold: (receiptHandles: string[]) => void;
  release: (receiptHandles: string[]) => void;
}

export interface PollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  mapping: MappingSpec;
  invoke: Invoke;
  onEvent?: (event: PollerEvent) => void;
  held?: HeldReceipts;
}

/** An SQS message as Lambda hands it to a function in an SQS event. */
export function toSqsRecord(message: Message, queueName: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? '',
      SenderId: attributes.SenderId ?? '',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '',
      ...(attributes.MessageGroupId
        ? {
            MessageGroupId: attributes.MessageGroupId,
            MessageDeduplicationId: attributes.MessageDeduplicationId,
            SequenceNumber: attributes.SequenceNumber,
          }
        : {}),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          dataType: value.DataType!,
          stringValue: value.StringValue,
          binaryValue: value.BinaryValue ? Buffer.from(value.BinaryValue).toString('base64') : undefined,
          stringListValues: [],
          binaryListValues: [],
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn(queueName),
    awsRegion: LOCAL_REGION,
  };
}

/**
 * Which records of a batch succeeded, from the function's response, as Lambda reads it: with
 * ReportBatchItemFailures, every record not listed in `batchItemFailures`; a response naming an
 * unknown record, or malformed, fails the whole batch.
 */
export function succeededRecords(records: SQSRecord[], payload: unknown, reportBatchItemFailures: boolean): SQSRecord[] | 'batch-failed' {
  if (!reportBatchItemFailures || payload === null || payload === undefined || payload === '') return records;
  const failures = (payload as Partial<SQSBatchResponse>).batchItemFailures;
  if (failures === undefined || failures === null) return records;
  if (!Array.isArray(failures)) return 'batch-failed';
  const ids = new Set(records.map((r) => r.messageId));
  const failed = new Set<string>();
  for (const failure of failures) {
    if (typeof failure?.itemIdentifier !== 'string' || !ids.has(failure.itemIdentifier)) return 'batch-failed';
    failed.add(failure.itemIdentifier);
  }
  return records.filter((record) => !failed.has(record.messageId));
}

/**
 * The local event source mapping for one queue: `maxConcurrency` pollers each long-poll the
 * queue, gather a batch (up to `batchSize`, waiting at most the batching window once a first
 * record is in), invoke the function, and delete the records that succeeded. Records that
 * failed are left alone: they come back after the visibility timeout, and SQS moves them to
 * the DLQ after maxReceiveCount receives. Errors talking to SQS (a restarting stack) are
 * retried after a pause.
 */
export class QueuePoller {
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly abort = new AbortController();

  constructor(private readonly options: PollerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = Array.from({ length: Math.max(1, this.options.mapping.maxConcurrency) }, () => this.loop());
  }

  /** Stops polling; waits for batches being processed to finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await Promise.all(this.loops);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        const batch = await this.gather();
        if (batch.length === 0) continue;
        try {
          await this.process(batch);
        } finally {
          // settled: deleted, or left to come back as SQS brings back a failure
          this.options.held?.release(batch.map((message) => message.ReceiptHandle!));
        }
      } catch (error) {
        if (!this.running) return;
        this.options.onEvent?.({ event: 'poll-error', queue: this.options.mapping.queueName, reason: (error as Error).message });
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  private async gather(): Promise<Message[]> {
    const { sqs, queueUrl, mapping } = this.options;
    const batch: Message[] = [];
    let deadline: number | undefined;
    while (this.running && batch.length < mapping.batchSize) {
      const remaining = deadline === undefined ? 20_000 : deadline - Date.now();
      if (deadline !== undefined && remaining <= 0) break;
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, mapping.batchSize - batch.length),
          WaitTimeSeconds: Math.min(20, Math.ceil(remaining / 1000)),
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: this.abort.signal },
      );
      if (Messages.length > 0) this.options.held?.hold(Messages.map((message) => message.ReceiptHandle!));
      batch.push(...Messages);
      if (batch.length > 0 && deadline === undefined) deadline = Date.now() + mapping.batchingWindow * 1000;
      if (batch.length > 0 && mapping.batchingWindow === 0) break;
    }
    return batch;
  }

  private async process(messages: Message[]): Promise<void> {
    const { sqs, queueUrl, mapping, invoke, onEvent } = this.options;
    const records = messages.map((message) => toSqsRecord(message, mapping.queueName));
    const started = Date.now();
    let outcome: SQSRecord[] | 'batch-failed';
    let reason = 'the response named records not in the batch';
    try {
      const { functionError, payload } = await invoke(mapping.functionName, { Records: records });
      if (functionError) reason = `the function failed: ${functionError}`;
      outcome = functionError ? 'batch-failed' : succeededRecords(records, payload, mapping.reportBatchItemFailures);
    } catch (error) {
      reason = `the invocation failed: ${(error as Error).message}`;
      outcome = 'batch-failed';
    }
    if (outcome === 'batch-failed') {
      onEvent?.({ event: 'batch-failed', queue: mapping.queueName, functionName: mapping.functionName, records: records.length, reason });
      return;
    }
    for (let at = 0; at < outcome.length; at += 10) {
      const entries = outcome.slice(at, at + 10).map((record, i) => ({ Id: String(i), ReceiptHandle: record.receiptHandle }));
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    }
    onEvent?.({
      event: 'invoked',
      queue: mapping.queueName,
      functionName: mapping.functionName,
      records: records.length,
      failed: records.length - outcome.length,
      durationMs: Date.now() - started,
    });
  }
}
