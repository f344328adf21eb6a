import { contracts, exampleRawFileReady } from '@etl/contracts';
import type { RawFileReady } from '@etl/contracts';
import { sqsWorker } from './sqsWorker';
import { captureOutputJson, emfMetrics, lambdaContext, sqsRecord, unreachableQueues } from './testing';

function worker(handleMessage: (message: RawFileReady) => Promise<void>, clients = {}) {
  return sqsWorker({
    service: 'transform',
    stage: 'dev',
    contract: contracts.rawFileReady,
    clients,
    handleMessage,
    failedRecords: unreachableQueues(),
  });
}

const good = (part: number, runId = '20261127T023749Z-a1b2c3') => JSON.stringify(exampleRawFileReady({ part, runId }));

describe('sqsWorker', () => {
  it('reports only the malformed and failing messages as batch item failures', async () => {
    const handled: number[] = [];
    const handler = worker(async (message) => {
      if (message.part === 3) throw new Error('raw file is missing');
      handled.push(message.part);
    });
    const records = [
      sqsRecord(good(0), { messageId: 'ok-0' }),
      sqsRecord('not json', { messageId: 'bad-json' }),
      sqsRecord(JSON.stringify({ ...exampleRawFileReady(), pipeline: 'Bad Name' }), { messageId: 'bad-field' }),
      sqsRecord(good(3), { messageId: 'fails' }),
      sqsRecord(good(4), { messageId: 'ok-4' }),
    ];
    const { result } = await captureOutputJson(() => handler({ Records: records }, lambdaContext()));
    expect(result).toEqual({
      batchItemFailures: [{ itemIdentifier: 'bad-json' }, { itemIdentifier: 'bad-field' }, { itemIdentifier: 'fails' }],
    });
    expect(handled.sort()).toEqual([0, 4]);
  });

  it('logs each failure as one JSON line naming the message, the run and the reason', async () => {
    const handler = worker(async () => {
      throw new Error('raw file is missing');
    });
    const context = lambdaContext();
    const { lines } = await captureOutputJson(() =>
      handler(
        { Records: [sqsRecord(good(1, '20261127T023749Z-zz99'), { messageId: 'm-1' }), sqsRecord('{}', { messageId: 'm-2' })] },
        context,
      ),
    );
    const errors = lines.filter((line) => line.level === 'ERROR').sort((a, b) => String(a.messageId).localeCompare(String(b.messageId)));
    expect(errors).toEqual([
      expect.objectContaining({
        service: 'transform',
        messageId: 'm-1',
        pipeline: 'orders',
        runId: '20261127T023749Z-zz99',
        reason: 'raw file is missing',
        function_request_id: context.awsRequestId,
      }),
      expect.objectContaining({
        messageId: 'm-2',
        reason: expect.stringMatching(/^message does not match contract "raw-file-ready": kind: /),
      }),
    ]);
  });

  it('emits valid EMF: records per pipeline, batch figures and the cold start', async () => {
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand'; // as Lambda sets it; Powertools counts cold starts only then
    const handler = worker(async (message) => {
      if (message.part === 1) throw new Error('nope');
    });
    const { lines } = await captureOutputJson(() =>
      handler(
        { Records: [sqsRecord(good(0)), sqsRecord(good(1)), sqsRecord('garbage')] },
        lambdaContext('etl-transform-dev-transformWorker'),
      ),
    );
    const metrics = emfMetrics(lines);
    const value = (name: string, pipeline?: string) =>
      metrics.find((m) => m.name === name && (pipeline === undefined || m.dimensions.pipeline === pipeline))?.value;
    expect([value('RecordsIn', 'orders'), value('RecordsOk', 'orders'), value('RecordsFailed', 'orders')]).toEqual([2, 1, 1]);
    expect([value('RecordsIn', 'unparsed'), value('RecordsFailed', 'unparsed')]).toEqual([1, 1]);
    expect(value('BatchSize')).toBe(3);
    expect(value('BatchDuration')).toEqual(expect.any(Number));
    delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
    expect(metrics.find((m) => m.name === 'ColdStart')).toMatchObject({
      value: 1,
      dimensions: expect.objectContaining({ function_name: 'etl-transform-dev-transformWorker' }),
    });
  });

  it('stops a FIFO message group at its first failure', async () => {
    const handler = worker(async (message) => {
      if (message.part === 1) throw new Error('part 1 failed');
    });
    const fifo = (part: number, group: string) => sqsRecord(good(part), { messageId: `${group}-${part}`, groupId: group });
    const { result } = await captureOutputJson(() =>
      handler({ Records: [fifo(0, 'A'), fifo(1, 'A'), fifo(2, 'A'), fifo(3, 'B'), fifo(4, 'B')] }, lambdaContext()),
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'A-1' }, { itemIdentifier: 'A-2' }] });
  });

  it('hands the handler cached clients and a retry bounded by the remaining time', async () => {
    const factory = jest.fn(() => ({ name: 'fake-s3' }));
    let attempts = 0;
    const handler = sqsWorker({
      service: 'transform',
      stage: 'dev',
      contract: contracts.rawFileReady,
      clients: { s3: factory },
      failedRecords: unreachableQueues(),
      handleMessage: async (_message, { clients, retry }) => {
        expect(clients.s3).toEqual({ name: 'fake-s3' });
        await retry(async () => {
          attempts++;
          throw Object.assign(new Error('Slow Down'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
        });
      },
    });
    // 500 ms left and 1 000 ms reserved: the first retryable failure is final.
    const { result } = await captureOutputJson(() =>
      handler({ Records: [sqsRecord(good(0), { messageId: 'x' })] }, lambdaContext('f', 500)),
    );
    await captureOutputJson(() => handler({ Records: [sqsRecord(good(0))] }, lambdaContext('f', 500)));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'x' }] });
    expect(attempts).toBe(2);
    expect(factory).toHaveBeenCalledTimes(1);
  });
});
