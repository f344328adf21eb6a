import { chunkForBatches } from './batches';

describe('chunkForBatches', () => {
  it('puts at most 10 entries in a batch', () => {
    const batches = chunkForBatches(Array.from({ length: 23 }, () => 'x'));
    expect(batches.map((b) => b.length)).toEqual([10, 10, 3]);
    expect(batches.flat()).toEqual(Array.from({ length: 23 }, (_, i) => i));
  });

  it('starts a new batch before the byte limit would be passed, counting UTF-8 bytes', () => {
    // 'é' is 2 bytes: each body is 40 bytes, three fit in 100
    const bodies = Array.from({ length: 5 }, () => 'é'.repeat(20));
    expect(chunkForBatches(bodies, 100)).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('refuses a single body over the limit, naming it', () => {
    expect(() => chunkForBatches(['ok', 'x'.repeat(101)], 100)).toThrow('message 1 is 101 bytes, over the SQS limit of 100');
  });

  it('returns no batches for no messages', () => expect(chunkForBatches([])).toEqual([]));
});
