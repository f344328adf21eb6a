import { dataKeys, parseRawKey, runIdTime } from './dataKeys';

describe('dataKeys', () => {
  it('round-trips a raw key', () => {
    const key = dataKeys.raw('orders', '20261127T023749Z-a1b2c3', 12);
    expect(key).toBe('raw/orders/20261127T023749Z-a1b2c3/part-12.jsonl.gz');
    expect(parseRawKey(key)).toEqual({ pipeline: 'orders', runId: '20261127T023749Z-a1b2c3', part: 12 });
    expect(key.startsWith(dataKeys.rawRunPrefix('orders', '20261127T023749Z-a1b2c3'))).toBe(true);
  });

  it.each([
    'raw/orders/run/part-01.jsonl.gz',
    'raw/orders/run/part-1.csv.gz',
    'staged/orders/run/part-1.jsonl.gz',
    'raw/orders/part-1.jsonl.gz',
    'raw/orders/run/_SUCCESS',
  ])('does not take %s for a raw part file', (key) => expect(parseRawKey(key)).toBeUndefined());
});

describe('runIdTime', () => {
  it('reads the planning time a run id starts with', () =>
    expect(runIdTime('20261127T023749Z-a1b2c3').toISOString()).toBe('2026-11-27T02:37:49.000Z'));
  it('names a run id that does not start with a time', () => expect(() => runIdTime('run-1')).toThrow(/run-1 does not start/));
});
