import { sampleLines, sampleOrder, seededRandom } from '@etl/pipelines';
import type { SampleLine, SampleOrder } from '@etl/pipelines';

/** The lookback the `orders` pipeline is defined with (seconds); the chaos data puts its late rows inside it. */
export const ORDERS_LOOKBACK_SECONDS = 7_200;

export interface ChaosRunData {
  /** Every line the source holds at this run (earlier lines included). */
  lines: SampleLine[];
  /** The lines the source serves this run: all on the first, those changed since the lookback-moved watermark after. */
  served: SampleLine[];
  /** Rejects expected this run: the invalid lines served. */
  invalidServed: number;
  /** The watermark after this run: the newest `updated_at` of a valid line so far, as the warehouse prints it. */
  watermark: string;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const sqlTimestamp = (isoText: string) => isoText.replace('T', ' ').replace('Z', '');
const updatedAt = (line: SampleLine) =>
  typeof line.line === 'object' && typeof line.line.updated_at === 'string' ? line.line.updated_at : undefined;

/** The newest `updated_at` among the valid lines. */
function newestValid(lines: SampleLine[]): string {
  let newest = '';
  for (const line of lines) if (line.valid && updatedAt(line)! > newest) newest = updatedAt(line)!;
  return newest;
}

/**
 * The two runs of one chaos seed, computed from the sample's own knowledge of each line (none of
 * the pipeline's code). Run 1: `rows` lines of orders, dirty ones included. Run 2 adds, to what
 * the source already holds: updates (a newer version of 5% of the orders), new orders (10%, dirty
 * ones included), late rows (new orders whose `updated_at` is up to an hour below run 1's
 * watermark — inside the lookback, so they must be read) and stale versions (an older version of
 * an order whose newer version is already loaded, also inside the lookback: it must lose).
 */
export function chaosRuns(seed: number, rows: number): [ChaosRunData, ChaosRunData] {
  const first = sampleLines({ seed: 10_000 + seed, count: rows });
  const watermark1 = newestValid(first);
  const w1 = Date.parse(watermark1);
  const random = seededRandom(20_000 + seed);

  const added: SampleLine[] = [];
  const updates = Math.floor(rows * 0.05);
  for (let i = 0; i < updates; i++) added.push({ line: sampleOrder(Math.floor(random() * rows), 4, 40), valid: true });
  added.push(...sampleLines({ seed: 30_000 + seed, first: 10_000_000, count: Math.floor(rows * 0.1), shiftDays: 40 }));
  const late = Math.max(10, Math.floor(rows * 0.002));
  for (let i = 0; i < late; i++) {
    const order = sampleOrder(20_000_000 + i);
    const at = w1 - Math.floor(60 + random() * 3_540) * 1000;
    added.push({
      line: { ...order, order_ts: iso(Math.min(Date.parse(order.order_ts), at)), updated_at: iso(at) },
      valid: true,
    });
  }
  // the newest version of each order after run 1, to write an older one of those near the watermark
  const newest = new Map<string, SampleOrder>();
  for (const { line, valid } of first) {
    if (!valid) continue;
    const order = line as SampleOrder;
    if ((newest.get(order.order_id)?.updated_at ?? '') <= order.updated_at) newest.set(order.order_id, order);
  }
  for (const order of newest.values()) {
    if (Date.parse(order.updated_at) <= w1 - 3_600_000) continue;
    added.push({
      line: { ...order, status: 'pending', note: 'stale version', updated_at: iso(Date.parse(order.updated_at) - 1_800_000) },
      valid: true,
    });
  }
  const all = [...first, ...added];
  const since = w1 - ORDERS_LOOKBACK_SECONDS * 1000;
  const served = all.filter((line) => {
    const at = updatedAt(line);
    return at !== undefined && Date.parse(at) >= since;
  });
  return [
    { lines: first, served: first, invalidServed: first.filter((l) => !l.valid).length, watermark: sqlTimestamp(watermark1) },
    {
      lines: all,
      served,
      invalidServed: served.filter((l) => !l.valid).length,
      watermark: sqlTimestamp(newestValid(all)),
    },
  ];
}
