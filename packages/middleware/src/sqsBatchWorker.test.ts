import { contracts, EtlError, exampleStagedFileReady } from '@etl/contracts';
import type { StagedFileReady } from '@etl/contracts';
import { sqsBatchWorker } from './sqsBatchWorker';
import { captureOutputJson, lambdaContext, sqsRecord, unreachableQueues } from './testing';

describe('sqsBatchWorker', () => {
  it('handles each pipeline group in one call; a failing group fails only its messages; malformed ones alone', async () => {
    const calls: string[][] = [];
    const handler = sqsBatchWorker({
      service: 'load',
      stage: 'dev',
      contract: contracts.stagedFileReady,
      clients: {},
      failedRecords: unreachableQueues(),
      handleBatch: async (messages: StagedFileReady[]) => {
        calls.push(messages.map((m) => `${m.pipeline}:${m.part}`));
        if (messages[0]!.pipeline === 'customers') throw new Error('warehouse said no');
      },
    });
    const staged = (pipeline: string, part: number) => JSON.stringify(exampleStagedFileReady({ pipeline, part }));
    const { result, lines } = await captureOutputJson(() =>
      handler(
        {
          Records: [
            sqsRecord(staged('orders', 0), { messageId: 'o0' }),
            sqsRecord(staged('customers', 0), { messageId: 'c0' }),
            sqsRecord('{"broken"', { messageId: 'bad' }),
            sqsRecord(staged('orders', 1), { messageId: 'o1' }),
            sqsRecord(staged('customers', 1), { messageId: 'c1' }),
          ],
        },
        lambdaContext(),
      ),
    );
    expect(calls).toEqual([
      ['orders:0', 'orders:1'],
      ['customers:0', 'customers:1'],
    ]);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'c0' }, { itemIdentifier: 'bad' }, { itemIdentifier: 'c1' }] });
    const errors = lines.filter((l) => l.level === 'ERROR');
    expect(errors.map((e) => [e.messageId, String(e.reason).slice(0, 18)]).sort()).toEqual([
      ['bad', 'message does not m'],
      ['c0', 'warehouse said no'],
      ['c1', 'warehouse said no'],
    ]);
  });

  it('finds the poison message of a failed batch by halves: the others are handled, only it fails', async () => {
    const calls: number[][] = [];
    const poison = Object.assign(new Error('Load into table refused file 13'), { name: 'PoisonFile' });
    const handler = sqsBatchWorker({
      service: 'load',
      stage: 'dev',
      contract: contracts.stagedFileReady,
      clients: {},
      failedRecords: unreachableQueues(),
      handleBatch: async (messages: StagedFileReady[]) => {
        calls.push(messages.map((m) => m.part));
        if (messages.some((m) => m.part === 13)) throw new PermanentForTest(poison.message);
      },
    });
    const records = Array.from({ length: 20 }, (_, part) =>
      sqsRecord(JSON.stringify(exampleStagedFileReady({ pipeline: 'orders', part })), { messageId: `p${part}` }),
    );
    const { result } = await captureOutputJson(() => handler({ Records: records }, lambdaContext()));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'p13' }] });
    // every good message was in a call that succeeded, and each exactly once
    const succeeded = calls.filter((parts) => !parts.includes(13)).flat();
    expect(succeeded.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, part) => part).filter((part) => part !== 13));
    expect(calls.length).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(20)));
  });

  it('does not split a batch that failed for a transient reason: all of it comes back', async () => {
    let calls = 0;
    const handler = sqsBatchWorker({
      service: 'load',
      stage: 'dev',
      contract: contracts.stagedFileReady,
      clients: {},
      failedRecords: unreachableQueues(),
      handleBatch: async () => {
        calls++;
        throw Object.assign(new Error('ERROR: 1023 DETAIL: Serializable isolation violation on table'), {
          name: 'ThrottlingException',
          $metadata: { httpStatusCode: 400 },
          $fault: 'client',
        });
      },
    });
    const records = [0, 1, 2].map((part) =>
      sqsRecord(JSON.stringify(exampleStagedFileReady({ pipeline: 'orders', part })), { messageId: `p${part}` }),
    );
    const { result } = await captureOutputJson(() => handler({ Records: records }, lambdaContext()));
    expect(calls).toBe(1);
    expect(result).toEqual({ batchItemFailures: records.map((r) => ({ itemIdentifier: r.messageId })) });
  });
});

class PermanentForTest extends EtlError {
  readonly code = 'POISON_FOR_TEST';
  readonly retry = 'permanent';
}
