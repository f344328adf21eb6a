import { orders } from '@etl/pipelines';
import { backfillRange, belowCursor, canonicalCursor } from './cursorRange';

async function collect(records: AsyncIterable<unknown>): Promise<unknown[]> {
  const all: unknown[] = [];
  for await (const record of records) all.push(record);
  return all;
}

describe('backfill ranges', () => {
  it('reads a bound as the cursor column does (ISO or canonical), and names a value that is not one', () => {
    expect(canonicalCursor(orders, '2026-11-01T01:00:00Z')).toBe('2026-11-01 01:00:00');
    expect(canonicalCursor(orders, '2026-11-01 01:00:00')).toBe('2026-11-01 01:00:00');
    expect(() => canonicalCursor(orders, 'yesterday')).toThrow(/"yesterday" is not a value of orders's cursor updated_at \(timestamp\)/);
  });

  it('takes from (or the beginning) and to, and refuses an empty or unbounded range', () => {
    expect(backfillRange(orders, { to: '2026-11-02T00:00:00Z' })).toEqual({ from: null, until: '2026-11-02 00:00:00' });
    expect(backfillRange(orders, { from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' })).toEqual({
      from: '2026-11-01 00:00:00',
      until: '2026-11-02 00:00:00',
    });
    expect(() => backfillRange(orders, { from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' })).toThrow(/range is empty/);
    expect(() => backfillRange(orders, { from: '2026-11-01T00:00:00Z' })).toThrow(/needs its end/);
  });

  it('keeps the records below the end, counts those at or above it and those without a cursor, passes bytes it cannot judge', async () => {
    const row = (updated_at: string | null) => ({ order_id: 'o', updated_at });
    const bytes = Buffer.from('{"broken');
    const outside = { rows: 0 };
    async function* source() {
      yield* [
        row('2026-11-01T00:30:00Z'),
        row('2026-11-01T01:00:00Z'),
        row(null),
        bytes,
        row('2026-11-01T02:00:00Z'),
        row('2026-11-01 00:59:59'),
      ];
    }
    expect(await collect(belowCursor(orders, source(), '2026-11-01 01:00:00', outside))).toEqual([
      row('2026-11-01T00:30:00Z'),
      bytes,
      row('2026-11-01 00:59:59'),
    ]);
    expect(outside.rows).toBe(3);
  });
});
