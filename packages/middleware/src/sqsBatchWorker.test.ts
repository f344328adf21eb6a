import { contracts, exampleStagedFileReady } from '@etl/contracts';
import type { StagedFileReady } from '@etl/contracts';
import { sqsBatchWorker } from './sqsBatchWorker';
import { captureOutputJson, lambdaContext, sqsRecord } from './testing';

describe('sqsBatchWorker', () => {
  it('handles each pipeline group in one call; a failing group fails only its messages; malformed ones alone', async () => {
    const calls: string[][] = [];
    const handler = sqsBatchWorker({
      service: 'load',
      stage: 'dev',
      contract: contracts.stagedFileReady,
      clients: {},
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
});
