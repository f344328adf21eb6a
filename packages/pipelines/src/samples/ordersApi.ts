import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SampleLine } from './ordersSample';

/** What a faulty API does to one request: a 503 or a 500, a page that is not JSON, a body cut off, or a body that stops and hangs. */
export type ApiFault = 'server-error' | 'internal-error' | 'malformed-page' | 'dropped-body' | 'stalled-body';

export interface OrdersApiOptions {
  port?: number;
  /** Every `every`-th request fails with `status` (and a Retry-After), to show retries at work. */
  faults?: { every: number; status: number; retryAfterSeconds?: number };
  /** The fault to inject on request number n (1-based), if any: the chaos suite's schedule. */
  faultAt?: (request: number) => ApiFault | undefined;
  /** How long a stalled body hangs before the connection closes. */
  stallMs?: number;
}

/**
 * A local shop API serving sample orders, as the `orders` pipeline's HTTP source expects:
 * `GET /orders?updated_since=<ISO>&cursor=<c>&limit=<n>` → `{ items, next_cursor }`, items
 * ordered by `updated_at` (inclusive of `updated_since`). Lines that are not JSON objects are
 * served as JSON strings — still something the transform must reject — in full reads only.
 */
/** An ISO-8601 or SQL timestamp text (`2026-10-31 00:49:22`, no zone: UTC) as epoch ms, as an API compares them. */
function instant(text: string): number {
  const iso = text.replace(' ', 'T');
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso.slice(10)) ? iso : `${iso}Z`);
}

export async function startOrdersApi(initial: SampleLine[], { port = 0, faults, faultAt, stallMs = 35_000 }: OrdersApiOptions = {}) {
  const lines: SampleLine[] = [...initial];
  let requests = 0;
  const injected: Record<ApiFault, number> = {
    'server-error': 0,
    'internal-error': 0,
    'malformed-page': 0,
    'dropped-body': 0,
    'stalled-body': 0,
  };
  const stalled = new Set<() => void>();
  const updatedAt = (line: SampleLine) =>
    typeof line.line === 'object' && typeof line.line.updated_at === 'string' ? line.line.updated_at : '';
  // The lines in page order (by updated_at, then as added) with each line's JSON, made once when
  // the lines change — the API's index, as a real one has: a page is its lines' text joined, not
  // the lines serialised per request — and per `updated_since`, the ones a query matches.
  interface Indexed {
    at: string;
    text: string;
  }
  let ordered: Indexed[] | undefined;
  const inOrder = () =>
    (ordered ??= lines
      .map((line, index) => ({ line, index, at: updatedAt(line) }))
      .sort((a, b) => (a.at === b.at ? a.index - b.index : a.at < b.at ? -1 : 1))
      .map(({ line, at }) => ({ at, text: JSON.stringify(line.line) })));
  const results = new Map<string, Indexed[]>();
  const matching = (since: string): Indexed[] => {
    let found = results.get(since);
    if (!found) {
      const from = instant(since);
      // lines without an updated_at (dirty ones) are only part of a full read, as a real API would do
      found = inOrder().filter(({ at }) => since === '' || (at !== '' && instant(at) >= from));
      results.set(since, found);
    }
    return found;
  };
  let cpuMicros = 0;
  const server = createServer((request, response) => {
    const cpuBefore = process.cpuUsage();
    try {
      serve(request, response);
    } finally {
      const used = process.cpuUsage(cpuBefore);
      cpuMicros += used.user + used.system;
    }
  });
  const serve = (request: IncomingMessage, response: ServerResponse) => {
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
    const text = `{"items":[${page.map(({ text }) => text).join(',')}],"next_cursor":${offset + limit < all.length ? `"${offset + limit}"` : 'null'}}`;
    const fault = faultAt?.(requests);
    if (!fault) {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
      return;
    }
    injected[fault]++;
    if (fault === 'server-error') return send(503, { message: 'injected fault: service unavailable' });
    if (fault === 'internal-error') return send(500, { message: 'injected fault: internal server error' });
    const half = text.slice(0, Math.floor(text.length / 2));
    if (fault === 'malformed-page') {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(half) }).end(half);
      return;
    }
    // the full length announced, half of it sent: the client sees the body end early, or stop
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    response.write(half);
    if (fault === 'dropped-body') return void response.socket?.destroy();
    const release = () => {
      stalled.delete(release);
      clearTimeout(timer);
      response.socket?.destroy();
    };
    const timer = setTimeout(release, stallMs);
    stalled.add(release);
  };
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  inOrder(); // the index is built before the first request, as a running API has it
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`,
    /** New or changed orders, served from now on. */
    add: (more: SampleLine[]) => {
      for (const line of more) lines.push(line);
      ordered = undefined;
      results.clear();
    },
    /** Serve these lines instead, counting requests from 0 again (a new source). */
    replace: (next: SampleLine[]) => {
      lines.length = 0;
      for (const line of next) lines.push(line);
      ordered = undefined;
      results.clear();
      requests = 0;
    },
    requests: () => requests,
    /** CPU this process spent answering requests (measured around the handler): the source's share of a local run. */
    cpuSeconds: () => cpuMicros / 1e6,
    /** The faults of `faultAt` injected so far, by kind. */
    injected: () => ({ ...injected }),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const release of [...stalled]) release();
        server.close(() => resolve());
      }),
  };
}
