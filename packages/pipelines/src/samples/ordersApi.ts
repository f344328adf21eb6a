import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SampleLine } from './ordersSample';

export interface OrdersApiOptions {
  port?: number;
  /** Every `every`-th request fails with `status` (and a Retry-After), to show retries at work. */
  faults?: { every: number; status: number; retryAfterSeconds?: number };
}

/**
 * A local shop API serving sample orders, as the `orders` pipeline's HTTP source expects:
 * `GET /orders?updated_since=<ISO>&cursor=<c>&limit=<n>` → `{ items, next_cursor }`, items
 * ordered by `updated_at` (inclusive of `updated_since`). Lines that are not JSON objects are
 * served as JSON strings — still something the transform must reject — in full reads only.
 */
export async function startOrdersApi(initial: SampleLine[], { port = 0, faults }: OrdersApiOptions = {}) {
  const lines: SampleLine[] = [...initial];
  let requests = 0;
  const updatedAt = (line: SampleLine) =>
    typeof line.line === 'object' && typeof line.line.updated_at === 'string' ? line.line.updated_at : '';
  // The lines a query matches, in page order, per `updated_since`: sorted once, not once per page.
  const results = new Map<string, SampleLine[]>();
  const matching = (since: string): SampleLine[] => {
    let found = results.get(since);
    if (!found) {
      found = lines
        .map((line, index) => ({ line, index, at: updatedAt(line) }))
        // lines without an updated_at (dirty ones) are only part of a full read, as a real API would do
        .filter(({ at }) => since === '' || (at !== '' && at >= since))
        .sort((a, b) => (a.at === b.at ? a.index - b.index : a.at < b.at ? -1 : 1))
        .map(({ line }) => line);
      results.set(since, found);
    }
    return found;
  };
  const server = createServer((request, response) => {
    requests++;
    const url = new URL(request.url ?? '/', 'http://local');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
    };
    if (faults && requests % faults.every === 0) {
      send(
        faults.status,
        { message: 'injected fault' },
        faults.retryAfterSeconds !== undefined ? { 'retry-after': String(faults.retryAfterSeconds) } : {},
      );
      return;
    }
    if (url.pathname !== '/orders') return send(404, { message: `no such resource: ${url.pathname}` });
    const since = url.searchParams.get('updated_since') ?? '';
    const offset = Number(url.searchParams.get('cursor') ?? 0);
    const limit = Math.min(5_000, Number(url.searchParams.get('limit') ?? 1_000));
    const all = matching(since);
    const page = all.slice(offset, offset + limit);
    send(200, { items: page.map((line) => line.line), next_cursor: offset + limit < all.length ? String(offset + limit) : null });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`,
    /** New or changed orders, served from now on. */
    add: (more: SampleLine[]) => {
      lines.push(...more);
      results.clear();
    },
    requests: () => requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
