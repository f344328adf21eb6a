import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RunSummary } from '@etl/dev';
import { REPO_ROOT } from '@etl/local-aws';
import { expectedOrdersTable, ORDERS_TABLE_QUERY } from '@etl/pipelines';
import type { SampleOrder } from '@etl/pipelines';
import { useDevStack } from '../../dev/test/devStack';

jest.setTimeout(10 * 60_000);

const ETL = path.join(REPO_ROOT, 'packages/cli/bin/etl.ts');
const DAY = 86_400_000;
const BASE = Date.UTC(2026, 10, 1);

/** A shop's order, of the shape the orders pipeline reads, written by this test — not by the sample generator. */
type Order = SampleOrder;

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
function order(i: number, version: number): Order {
  return {
    order_id: `shop-${String(i).padStart(5, '0')}`,
    customer_id: `cust-${i % 97}`,
    order_ts: iso(BASE + i * 60_000),
    quantity: i % 50 === 7 ? 0 : 1 + (i % 9), // quantity 0 breaks the definition's minimum of 1: quarantined
    unit_price: `${10 + (i % 50)}.${String(i % 100).padStart(2, '0')}`,
    currency: ['EUR', 'USD', 'JPY'][i % 3]!,
    status: version === 0 ? 'paid' : 'shipped',
    country: ['DE', 'FR', 'US'][i % 3]!,
    note: i % 5 === 0 ? '' : i % 5 === 1 ? null : `note ${i}, v${version}`,
    updated_at: iso(BASE + i * 60_000 + version * DAY),
  };
}

/** The table the pipeline must make of these orders: the newest version of each valid one (valid: quantity ≥ 1, decided here). */
const expectedTable = (all: Order[]) => expectedOrdersTable(all.map((o) => ({ line: o, valid: o.quantity >= 1 })));

/** An HTTP API as the orders pipeline reads one: `?updated_since=&cursor=&limit=` → `{ items, next_cursor }`, oldest change first. */
async function startShopApi(orders: Order[]) {
  const instant = (text: string) => Date.parse(/[zZ]$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://shop');
    const since = url.searchParams.get('updated_since');
    const offset = Number(url.searchParams.get('cursor') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 100);
    const changed = orders
      .filter((o) => !since || instant(o.updated_at) >= instant(since))
      .sort((a, b) => (a.updated_at < b.updated_at ? -1 : a.updated_at > b.updated_at ? 1 : 0));
    const body = JSON.stringify({
      items: changed.slice(offset, offset + limit),
      next_cursor: offset + limit < changed.length ? String(offset + limit) : null,
    });
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function etl(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['-r', 'esbuild-register', ETL, ...args], {
    cwd: REPO_ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

describe('etl run orders --source-url: your own HTTP API into the warehouse', () => {
  const local = useDevStack('etl-run-');
  const orders = Array.from({ length: 600 }, (_, i) => order(i, 0));
  let api: Awaited<ReturnType<typeof startShopApi>>;
  beforeAll(async () => (api = await startShopApi(orders)));
  afterAll(() => api?.stop());

  const runOrders = async () =>
    JSON.parse(await etl('--dir', local.dir, '--json', 'run', 'orders', '--free-ports', '--source-url', api.url)) as RunSummary;
  const table = async () => JSON.parse(await etl('--dir', local.dir, '--json', 'query', ORDERS_TABLE_QUERY)) as string[][];

  it('loads exactly the valid orders, "" apart from NULL, and quarantines the rest', async () => {
    const summary = await runOrders();
    const expected = expectedTable(orders);
    expect(await table()).toEqual(expected);
    expect(summary.rows).toMatchObject({
      extracted: 600,
      rejected: orders.filter((o) => o.quantity < 1).length,
      inserted: expected.length,
    });
    expect(summary.rejectsByRule).toEqual({ range: orders.filter((o) => o.quantity < 1).length });
  });

  it('replays a run: its files are announced again and nothing changes', async () => {
    const [{ runId }] = JSON.parse(await etl('--dir', local.dir, '--json', 'runs', 'orders')) as [{ runId: string }];
    const before = await table();
    const replayed = JSON.parse(await etl('--dir', local.dir, '--json', 'replay', 'orders', runId, '--free-ports')) as RunSummary;
    expect(replayed.runId).toBe(runId);
    expect(replayed.rows.extracted).toBe(600); // the ledger still counts each file once
    expect(await table()).toEqual(before);
  });

  it('reads only what changed on the next run, and merges it', async () => {
    const watermark = Math.max(...orders.filter((o) => o.quantity >= 1).map((o) => Date.parse(o.updated_at)));
    orders.push(
      ...Array.from({ length: 60 }, (_, k) => order(k * 10 + 3, 1)),
      ...Array.from({ length: 20 }, (_, k) => order(1_000 + k, 1)),
    );
    const summary = await runOrders();
    expect(await table()).toEqual(expectedTable(orders));
    // the changes, and what the orders pipeline's 2 h lookback reads again below the watermark
    const served = orders.filter((o) => Date.parse(o.updated_at) >= watermark - 2 * 3_600_000);
    expect(summary.rows.extracted).toBe(served.length);
    expect(summary.rows.rejected).toBe(served.filter((o) => o.quantity < 1).length);
    expect(summary.rows.updated).toBe(60);
    expect(summary.rows.inserted).toBe(19); // order 1007 has quantity 0: rejected
  });
});
