import { cursorWithLookback } from './lookback';

describe('cursorWithLookback', () => {
  it('moves a timestamp watermark back, across midnight and a month end', () => {
    expect(cursorWithLookback('2026-10-31 00:59:22', 600)).toBe('2026-10-31 00:49:22');
    expect(cursorWithLookback('2026-11-01 00:05:00', 3_600)).toBe('2026-10-31 23:05:00');
    expect(cursorWithLookback('2026-03-01 00:00:00.123456', 1)).toBe('2026-02-28 23:59:59');
  });

  it('moves a DATE watermark back by whole days', () => {
    expect(cursorWithLookback('2026-03-01', 3_600)).toBe('2026-02-28');
    expect(cursorWithLookback('2026-03-01', 2 * 86_400)).toBe('2026-02-27');
  });

  it('leaves no watermark, or no lookback, as it is', () => {
    expect(cursorWithLookback(null, 600)).toBeNull();
    expect(cursorWithLookback('2026-10-31 00:59:22.5', 0)).toBe('2026-10-31 00:59:22.5');
  });

  it('names a watermark it cannot read', () => {
    expect(() => cursorWithLookback('o-000123', 60)).toThrow(/watermark "o-000123" is not a DATE or TIMESTAMP text/);
  });
});
