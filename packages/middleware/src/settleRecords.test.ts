import type { SQSRecord } from 'aws-lambda';
import { settleRecords, SkippedAfterGroupFailure } from './settleRecords';
import { sqsRecord } from './testing';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** The most records that ran at the same time. */
async function peakConcurrency(records: SQSRecord[], concurrency: number): Promise<number> {
  let running = 0;
  let peak = 0;
  await settleRecords(
    records,
    async () => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      running--;
    },
    { concurrency },
  );
  return peak;
}

describe('settleRecords', () => {
  it('returns one result per record, in record order, and a failure fails only its record', async () => {
    const records = ['a', 'boom', 'c'].map((body) => sqsRecord(body));
    const results = await settleRecords(records, async (record) => {
      await tick();
      if (record.body === 'boom') throw new Error('bad record');
      return record.body.toUpperCase();
    });
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 'A' });
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('bad record'));
  });

  it('never runs more records at once than the concurrency', async () => {
    const records = Array.from({ length: 20 }, (_, i) => sqsRecord(String(i)));
    expect(await peakConcurrency(records, 3)).toBe(3);
  });

  it('runs a FIFO group in order and stops the group at its first failure, other groups go on', async () => {
    const records = [
      sqsRecord('a1', { groupId: 'A', messageId: 'a1' }),
      sqsRecord('b1', { groupId: 'B', messageId: 'b1' }),
      sqsRecord('a2', { groupId: 'A', messageId: 'a2' }),
      sqsRecord('b2', { groupId: 'B', messageId: 'b2' }),
      sqsRecord('a3', { groupId: 'A', messageId: 'a3' }),
    ];
    const seen: string[] = [];
    const results = await settleRecords(
      records,
      async (record) => {
        seen.push(record.body);
        await tick();
        if (record.body === 'a2') throw new Error('a2 failed');
      },
      { concurrency: 2 },
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'rejected']);
    expect(seen).not.toContain('a3');
    expect(seen.filter((b) => b.startsWith('a'))).toEqual(['a1', 'a2']);
    expect(seen.filter((b) => b.startsWith('b'))).toEqual(['b1', 'b2']);
    const skipped = (results[4] as PromiseRejectedResult).reason;
    expect(skipped).toBeInstanceOf(SkippedAfterGroupFailure);
    expect(skipped).toMatchObject({ messageGroupId: 'A', failedMessageId: 'a2' });
  });

  it('keeps FIFO groups sequential even with spare concurrency', async () => {
    const records = Array.from({ length: 6 }, (_, i) => sqsRecord(String(i), { groupId: 'only' }));
    expect(await peakConcurrency(records, 8)).toBe(1);
  });

  it('handles an empty batch and rejects a nonsensical concurrency', async () => {
    await expect(settleRecords([], async () => undefined)).resolves.toEqual([]);
    await expect(settleRecords([sqsRecord('x')], async () => undefined, { concurrency: 0 })).rejects.toThrow(RangeError);
  });
});
