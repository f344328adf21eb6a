import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@etl/harness';
import { expectedOrdersTable } from '@etl/pipelines';
import type { SampleOrder } from '@etl/pipelines';

/** Test helpers of the `etl` command: a shop API serving orders the test wrote, and `etl` run as a user runs it. */

const DAY = 86_400_000;
export const BASE = Date.UTC(2026, 10, 1);

/** A shop's order, of the shape the orders pipeline reads, written by this test — not by the sample generator. */
export type Order = SampleOrder;

export const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
export function order(i: number, version: number): Order {
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
export const expectedTable = (all: Order[]) => expectedOrdersTable(all.map((o) => ({ line: o, valid: o.quantity >= 1 })));

/** An HTTP API as the orders pipeline reads one: `?updated_since=&cursor=&limit=` → `{ items, next_cursor }`, oldest change first. */
export async function startShopApi(orders: Order[]) {
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

const ETL = path.join(REPO_ROOT, 'packages/cli/bin/etl.ts');

/** Runs `etl <args>` in a child process (as `pnpm etl` does) and returns what it printed. */
export function etlOutput(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, ['-r', 'esbuild-register', ETL, ...args], {
    cwd: REPO_ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Runs `etl <args>` in a child process and returns its stdout. */
export async function etl(...args: string[]): Promise<string> {
  return (await etlOutput(...args)).stdout;
}
