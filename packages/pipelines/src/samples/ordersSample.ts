/**
 * Deterministic sample data for the `orders` pipeline: clean orders, later versions of some of
 * them (updates), and dirty rows of every kind the transform must reject — each row says
 * whether it is valid, so a test can compute the expected table without the product's code.
 */

/** A small seeded PRNG (mulberry32): the same seed gives the same data everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SampleOrder {
  order_id: string;
  customer_id: string;
  order_ts: string;
  quantity: number;
  unit_price: string;
  currency: string;
  status: string;
  country: string;
  note: string | null;
  updated_at: string;
}

/** One source line: a record (or, for broken input, the raw line text) and whether it is valid. */
export interface SampleLine {
  line: SampleOrder | Record<string, unknown> | string;
  valid: boolean;
  /** For dirty lines: what is wrong. */
  dirt?: string;
}

const CURRENCIES = ['EUR', 'USD', 'GBP', 'JPY', 'CHF'];
const COUNTRIES = ['DE', 'FR', 'US', 'GB', 'JP', 'ES', 'IT', 'NL'];
const STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'];

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('.000Z', 'Z');
}

const DAY = 86_400_000;

/**
 * A clean order `n`, updated `version` times (each version 1 hour later). `shiftDays` moves its
 * `updated_at` that many days later (a later generation of the source); `createdShiftDays` moves
 * its creation too (an order new in that generation).
 */
export function sampleOrder(n: number, version = 0, shiftDays = 0, createdShiftDays = 0): SampleOrder {
  const random = seededRandom(n);
  const created = Date.UTC(2026, 9, 1) + Math.floor(random() * 30 * 86_400) * 1000 + createdShiftDays * DAY;
  const cents = 100 + Math.floor(random() * 99_900);
  const noted = () => {
    const r = random();
    return r < 0.2 ? `gift, "wrap" it\nplease — ${n}` : r < 0.25 ? '' : null; // "" and NULL both, kept apart end to end
  };
  return {
    order_id: `o-${String(n).padStart(8, '0')}`,
    customer_id: `c-${String(Math.floor(random() * 50_000)).padStart(6, '0')}`,
    order_ts: iso(created),
    quantity: 1 + Math.floor(random() * 20),
    unit_price: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
    currency: CURRENCIES[Math.floor(random() * CURRENCIES.length)]!,
    status: STATUSES[Math.min(STATUSES.length - 1, version + Math.floor(random() * 2))]!,
    country: COUNTRIES[Math.floor(random() * COUNTRIES.length)]!,
    note: noted(),
    updated_at: iso(created + (version + 1) * 3_600_000 + (shiftDays - createdShiftDays) * DAY),
  };
}

/** The dirty variants, one per kind of bad input the transform must quarantine. */
const DIRT: [string, (order: SampleOrder) => SampleLine['line']][] = [
  ['broken JSON', (o) => JSON.stringify(o).slice(0, 40)],
  ['wrong type', (o) => ({ ...o, quantity: 'three' })],
  ['impossible date', (o) => ({ ...o, order_ts: '2026-02-30T10:00:00Z' })],
  ['out of range', (o) => ({ ...o, quantity: 1_000_000 })],
  ['too long (bytes)', (o) => ({ ...o, note: 'ü'.repeat(200) })],
  ['missing required', (o) => ({ ...o, customer_id: null })],
  ['unknown column', (o) => ({ ...o, coupon: 'FREE' })],
  ['bad currency', (o) => ({ ...o, currency: 'EURO' })],
  ['bad country', (o) => ({ ...o, country: 'XX' })],
];

/**
 * `count` source lines for orders `first`… : about `dirtyShare` of them dirty (cycling
 * through every kind), `updateShare` of them a newer version of an earlier order of the same batch.
 */
export function sampleLines({
  seed,
  first = 0,
  count,
  dirtyShare = 0.02,
  updateShare = 0.05,
  shiftDays = 0,
}: {
  seed: number;
  first?: number;
  count: number;
  dirtyShare?: number;
  updateShare?: number;
  /** Every order of these lines is created (and updated) this many days later: a later generation. */
  shiftDays?: number;
}): SampleLine[] {
  const random = seededRandom(seed);
  const lines: SampleLine[] = [];
  let next = first;
  let dirtKind = 0;
  for (let i = 0; i < count; i++) {
    const roll = random();
    if (roll < dirtyShare) {
      const [dirt, make] = DIRT[dirtKind++ % DIRT.length]!;
      lines.push({ line: make(sampleOrder(next++, 0, shiftDays, shiftDays)), valid: false, dirt });
    } else if (roll < dirtyShare + updateShare && next > first) {
      const n = first + Math.floor(random() * (next - first));
      lines.push({ line: sampleOrder(n, 1 + Math.floor(random() * 3), shiftDays, shiftDays), valid: true });
    } else {
      lines.push({ line: sampleOrder(next++, 0, shiftDays, shiftDays), valid: true });
    }
  }
  return lines;
}

/**
 * The `public.orders` table the pipeline must produce from these lines, computed from the
 * sample's own knowledge of which lines are valid — none of the product's code — in the text
 * form the warehouse returns: newest `updated_at` per order, timestamps as
 * `YYYY-MM-DD HH:MM:SS`, NULL as the string `NULL`, total = quantity × unit_price in cents.
 */
export function expectedOrdersTable(lines: SampleLine[]): string[][] {
  const newest = new Map<string, SampleOrder>();
  for (const { line, valid } of lines) {
    if (!valid) continue;
    const order = line as SampleOrder;
    const current = newest.get(order.order_id);
    if (!current || order.updated_at >= current.updated_at) newest.set(order.order_id, order);
  }
  const ts = (iso: string) => iso.replace('T', ' ').replace('Z', '');
  const total = (o: SampleOrder) => {
    const [whole, cents] = o.unit_price.split('.') as [string, string];
    const value = BigInt(o.quantity) * (BigInt(whole) * 100n + BigInt(cents));
    return `${value / 100n}.${String(value % 100n).padStart(2, '0')}`;
  };
  return [...newest.values()]
    .sort((a, b) => (a.order_id < b.order_id ? -1 : 1))
    .map((o) => [
      o.order_id,
      o.customer_id,
      ts(o.order_ts),
      String(o.quantity),
      o.unit_price,
      o.currency,
      o.status,
      o.country,
      o.note ?? 'NULL',
      ts(o.updated_at),
      total(o),
    ]);
}

/** The SELECT that returns `public.orders` in the form {@link expectedOrdersTable} computes. */
export const ORDERS_TABLE_QUERY =
  "SELECT order_id, customer_id, order_ts::text, quantity::text, unit_price::text, currency, status, country, COALESCE(note, 'NULL'), updated_at::text, total::text FROM public.orders ORDER BY order_id";
