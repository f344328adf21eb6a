import { expectedOrdersTable, orders } from '@etl/pipelines';
import type { SampleOrder } from '@etl/pipelines';
import { chaosRuns, ORDERS_LOOKBACK_SECONDS } from './chaosData';

const at = (sql: string) => Date.parse(`${sql.replace(' ', 'T')}Z`);

describe('chaosRuns', () => {
  const [first, second] = chaosRuns(3, 5_000);
  const added = second.lines.slice(first.lines.length).map((l) => l.line as SampleOrder);

  it('is the same for the same seed, and differs between seeds', () => {
    expect(chaosRuns(3, 5_000)[1].lines).toEqual(second.lines);
    expect(chaosRuns(4, 5_000)[0].lines).not.toEqual(first.lines);
  });

  it('has late rows below the first watermark, inside the lookback the orders pipeline is defined with', () => {
    expect(orders.incremental?.lookback).toBe(ORDERS_LOOKBACK_SECONDS);
    const late = added.filter((o) => o.order_id >= 'o-20000000' && o.order_id < 'o-30000000');
    expect(late.length).toBeGreaterThanOrEqual(10);
    for (const o of late) {
      const below = at(first.watermark) - Date.parse(o.updated_at);
      expect(below).toBeGreaterThan(0);
      expect(below).toBeLessThan(ORDERS_LOOKBACK_SECONDS * 1000);
    }
  });

  it('has stale versions that are read again and lose to the version already loaded', () => {
    const stale = added.filter((o) => o.note === 'stale version');
    expect(stale.length).toBeGreaterThan(0);
    const servedStale = second.served.filter((l) => (l.line as SampleOrder).note === 'stale version');
    expect(servedStale).toHaveLength(stale.length);
    expect(expectedOrdersTable(second.lines).some((row) => row[8] === 'stale version')).toBe(false);
  });

  it('serves on the second run only what changed since the watermark moved back by the lookback, and expects the newest valid cursor as watermark', () => {
    const since = at(first.watermark) - ORDERS_LOOKBACK_SECONDS * 1000;
    expect(second.served.every((l) => Date.parse((l.line as SampleOrder).updated_at) >= since)).toBe(true);
    expect(second.served.length).toBeLessThan(second.lines.length / 2);
    expect(second.invalidServed).toBeGreaterThan(0);
    expect(at(second.watermark)).toBeGreaterThan(at(first.watermark));
    const newest = Math.max(...second.lines.filter((l) => l.valid).map((l) => Date.parse((l.line as SampleOrder).updated_at)));
    expect(at(second.watermark)).toBe(newest);
  });
});
