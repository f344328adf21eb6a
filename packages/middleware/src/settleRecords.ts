import type { SQSRecord } from 'aws-lambda';
import { EtlError } from '@etl/contracts';

/** Thrown for a FIFO record that was not tried because an earlier record of its group failed. */
export class SkippedAfterGroupFailure extends EtlError {
  override readonly name = 'SkippedAfterGroupFailure';
  readonly code = 'SKIPPED_AFTER_GROUP_FAILURE';
  /** retried with the record before it, to keep the group's order */
  readonly retry = 'transient';

  constructor(
    readonly messageGroupId: string,
    readonly failedMessageId: string,
  ) {
    super(`not processed: message ${failedMessageId} before it in group "${messageGroupId}" failed, order is kept by retrying both`);
  }
}

export interface SettleOptions {
  /** How many records (standard queue) or message groups (FIFO) run at once. Default 4. */
  concurrency?: number;
}

/**
 * Processes SQS records with bounded concurrency and returns one settled result per record,
 * in record order — the shape `@middy/sqs-partial-batch-failure` turns into `batchItemFailures`.
 *
 * - A failure of one record never fails another.
 * - FIFO records (those with a `MessageGroupId`) run in order within their group; after the
 *   first failure in a group the group's later records are not run and are reported failed
 *   ({@link SkippedAfterGroupFailure}), so SQS redelivers them in order. Other groups go on.
 *
 * @example
 * const results = await settleRecords(event.Records, (record) => handle(record), { concurrency: 8 });
 */
export async function settleRecords(
  records: readonly SQSRecord[],
  processRecord: (record: SQSRecord) => Promise<unknown>,
  { concurrency = 4 }: SettleOptions = {},
): Promise<PromiseSettledResult<unknown>[]> {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a whole number ≥ 1, got ${concurrency}`);
  const results = new Array<PromiseSettledResult<unknown>>(records.length);
  const lanes = orderedLanes(records);

  const runLane = async (lane: readonly number[]): Promise<void> => {
    let failed: SQSRecord | undefined;
    for (const index of lane) {
      const record = records[index]!;
      if (failed) {
        results[index] = { status: 'rejected', reason: new SkippedAfterGroupFailure(groupOf(record)!, failed.messageId) };
        continue;
      }
      try {
        results[index] = { status: 'fulfilled', value: await processRecord(record) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
        if (groupOf(record) !== undefined) failed = record;
      }
    }
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < lanes.length) await runLane(lanes[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, lanes.length) }, worker));
  return results;
}

function groupOf(record: SQSRecord): string | undefined {
  return record.attributes.MessageGroupId;
}

/** Record indexes split into lanes that must run in order: one per FIFO group, one per standard record. */
function orderedLanes(records: readonly SQSRecord[]): number[][] {
  const lanes: number[][] = [];
  const byGroup = new Map<string, number[]>();
  records.forEach((record, index) => {
    const group = groupOf(record);
    if (group === undefined) {
      lanes.push([index]);
      return;
    }
    let lane = byGroup.get(group);
    if (!lane) {
      lane = [];
      byGroup.set(group, lane);
      lanes.push(lane);
    }
    lane.push(index);
  });
  return lanes;
}
