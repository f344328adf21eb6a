import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { AddressInfo } from 'node:net';
import { withRetry } from '@etl/middleware';
import type { Retry } from '@etl/middleware';
import { useStackWithBucket } from '@etl/harness/testing';
import { orders, sampleLines, startOrdersApi } from '@etl/pipelines';
import {
  cursorToIso,
  extractRun,
  httpRecords,
  HttpSourceError,
  readRunManifest,
  SourceItem,
  sourceValue,
  UnexpectedPageError,
} from '../src';

jest.setTimeout(60_000);

const retry: Retry = (operation, options) => withRetry(operation, { ...options, baseDelayMs: 5, maxAttempts: 6 });
const source = orders.source as Extract<typeof orders.source, { kind: 'http' }>;

/** The values of a source's records (an HTTP item is its bytes and its value: see {@link SourceItem}). */
async function collect(iterable: AsyncIterable<unknown>): Promise<unknown[]> {
  const all: unknown[] = [];
  for await (const item of iterable) all.push(sourceValue(item));
  return all;
}

/** A server answering each request with the next of `answers` (the last one repeats): bytes, or a reply cut mid-body. */
async function scriptedApi(answers: (Buffer | 'cut')[]): Promise<{ url: string; requests: () => number; stop: () => Promise<void> }> {
  let requests = 0;
  const server = http.createServer((_request, response) => {
    const answer = answers[Math.min(requests++, answers.length - 1)]!;
    if (answer === 'cut') {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      response.write('{"items":[{"order_id":');
      setTimeout(() => response.socket?.destroy(), 20);
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`,
    requests: () => requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
const page = (items: unknown[]) => Buffer.from(JSON.stringify({ items, next_cursor: null }));

describe('httpRecords', () => {
  const lines = sampleLines({ seed: 3, count: 2_500 });
  const at = (line: (typeof lines)[number]) =>
    typeof line.line === 'object' && typeof line.line.updated_at === 'string' ? line.line.updated_at : '';

  it('follows the cursor through every page, retrying injected 429s and 503s (Retry-After honoured)', async () => {
    const throttled = await startOrdersApi(lines, { faults: { every: 3, status: 429, retryAfterSeconds: 0 } });
    const unavailable = await startOrdersApi(lines, { faults: { every: 2, status: 503 } });
    try {
      for (const api of [throttled, unavailable]) {
        const records = await collect(httpRecords(source, { url: api.url, since: null, retry }));
        expect(records).toHaveLength(2_500);
        expect(new Set(records.map((r) => JSON.stringify(r)))).toEqual(new Set(lines.map((l) => JSON.stringify(l.line))));
      }
      expect(throttled.requests()).toBeGreaterThan(3);
    } finally {
      await throttled.stop();
      await unavailable.stop();
    }
  });

  it('asks for the next page while the records of this one are being read', async () => {
    const api = await startOrdersApi(lines); // pages of 1,000: three pages
    try {
      const records = httpRecords(source, { url: api.url, since: null, retry });
      const first = await records.next();
      expect(first.done).toBe(false);
      // the first page's other 999 records are not read yet, and the second page is on its way
      for (let waited = 0; api.requests() < 2 && waited < 5_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
      expect(api.requests()).toBe(2);
      const rest = await collect(records);
      expect(rest).toHaveLength(2_499);
      expect([sourceValue(first.value), ...rest].map((r) => JSON.stringify(r)).sort()).toEqual(
        lines.map((l) => JSON.stringify(l.line)).sort(),
      );
      expect(api.requests()).toBe(3);
    } finally {
      await api.stop();
    }
  });

  it('asks only for what changed since the watermark', async () => {
    const api = await startOrdersApi(lines);
    try {
      const since = [...lines.map(at)].filter(Boolean).sort()[2_000]!;
      const records = await collect(httpRecords(source, { url: api.url, since, retry }));
      expect(records).toHaveLength(lines.filter((l) => at(l) !== '' && at(l) >= since).length);
    } finally {
      await api.stop();
    }
  });

  it('fails at once, naming the URL and status, on a client error', async () => {
    const api = await startOrdersApi([]);
    try {
      const error = await collect(httpRecords(source, { url: api.url.replace('/orders', '/nope'), since: null, retry })).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(HttpSourceError);
      expect((error as Error).message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/nope answered 404/);
      expect(api.requests()).toBe(1);
    } finally {
      await api.stop();
    }
  });

  it('keeps bytes that are not UTF-8 as they came, for the transform to quarantine, never as U+FFFD', async () => {
    const body = Buffer.concat([
      Buffer.from('{"items":[{"order_id":"o-1","note":"f'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('g"}],"next_cursor":null}'),
    ]);
    const api = await scriptedApi([body]);
    try {
      const { value: item } = await httpRecords(source, { url: api.url, since: null, retry }).next();
      // the value the extract reads keeps each bad byte as an escape; the raw line is the bytes as sent
      expect(((item as SourceItem).value as { note: string }).note).toBe('f\udcff\udcfeg');
      expect((item as SourceItem).bytes).toEqual(
        Buffer.concat([Buffer.from('{"order_id":"o-1","note":"f'), Buffer.from([0xff, 0xfe]), Buffer.from('g"}')]),
      );
    } finally {
      await api.stop();
    }
  });

  it('retries a malformed page and a connection dropped mid-body, then reads the page', async () => {
    const api = await scriptedApi([Buffer.from('{"items":[{"order_'), 'cut', page([{ order_id: 'o-1' }])]);
    try {
      expect(await collect(httpRecords(source, { url: api.url, since: null, retry }))).toEqual([{ order_id: 'o-1' }]);
      expect(api.requests()).toBe(3);
    } finally {
      await api.stop();
    }
  });

  it('gives up on a page that stays malformed, naming its URL', async () => {
    const api = await scriptedApi([Buffer.from('<html>proxy error</html>')]);
    try {
      const error = await collect(httpRecords(source, { url: api.url, since: null, retry })).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(
        /^gave up after 6 attempt\(s\) \(max-attempts\): GET http:\/\/127\.0\.0\.1:\d+\/orders\S*: the page is not JSON/,
      );
      expect(api.requests()).toBe(6);
    } finally {
      await api.stop();
    }
  });

  it('follows a next cursor the API gives as a number (a long one keeps its digits), and refuses one it cannot follow', async () => {
    const pages: Record<string, string> = {
      '': '{"items":[{"n":1}],"next_cursor":2}',
      '2': '{"items":[{"n":2}],"next_cursor":12345678901234567890}',
      '12345678901234567890': '{"items":[{"n":3}],"next_cursor":{"after":3}}',
    };
    const asked: string[] = [];
    const server = http.createServer((request, response) => {
      const cursor = new URL(request.url ?? '/', 'http://local').searchParams.get('cursor') ?? '';
      asked.push(cursor);
      response.writeHead(200, { 'content-type': 'application/json' }).end(pages[cursor] ?? '{"items":[]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`;
      const read: unknown[] = [];
      const reading = (async () => {
        for await (const record of httpRecords(source, { url, since: null, retry })) read.push(sourceValue(record));
      })();
      await expect(reading).rejects.toThrow(UnexpectedPageError);
      await expect(reading).rejects.toThrow(/"next_cursor" is \{"after":3\}: a next-page cursor must be text or a number/);
      expect(asked).toEqual(['', '2', '12345678901234567890']);
      // the third page's items are not read past a cursor it cannot follow (the second page's numbers keep their text)
      expect(read.map((record) => JSON.stringify(record))).toEqual(['{"n":1}', '{"n":2}']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('reads numbered pages ahead with bounded concurrency, yielding them in order', async () => {
    let inFlight = 0;
    let peak = 0;
    const server = http.createServer((request, response) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      const page = Number(new URL(request.url!, 'http://x').searchParams.get('page'));
      setTimeout(
        () => {
          inFlight--;
          response.end(JSON.stringify({ rows: page <= 5 ? [1, 2, 3].map((i) => ({ id: page * 10 + i })) : [] }));
        },
        20 * (6 - Math.min(page, 5)),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const paged = {
        kind: 'http' as const,
        urlEnv: 'X',
        itemsField: 'rows',
        pagination: { type: 'page' as const, pageParam: 'page', sizeParam: 'size', pageSize: 3 },
        concurrency: 3,
      };
      const records = await collect(
        httpRecords(paged, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/rows`, since: null, retry }),
      );
      expect(records.map((r) => (r as { id: number }).id)).toEqual([11, 12, 13, 21, 22, 23, 31, 32, 33, 41, 42, 43, 51, 52, 53]);
      expect(peak).toBe(3);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('extractRun', () => {
  const local = useStackWithBucket('etl-data-test');

  it('streams a source into rolling part files and a run manifest with the cursor high-water mark', async () => {
    const lines = sampleLines({ seed: 4, count: 2_345 });
    const api = await startOrdersApi(lines);
    try {
      const manifest = await extractRun(local.s3, {
        bucket: 'etl-data-test',
        pipeline: orders,
        runId: '20261127T040000Z-extract',
        since: null,
        records: httpRecords(source, { url: api.url, since: null, retry }),
        partRows: 1_000,
      });
      expect(manifest.parts.map((p) => p.file.rows)).toEqual([1_000, 1_000, 345]);
      expect(manifest.parts.map((p) => p.numbers)).toEqual(['plain', 'plain', 'plain']); // no page held a longer number
      const valid = lines
        .map((l) => (typeof l.line === 'object' ? l.line.updated_at : undefined))
        .filter((v): v is string => typeof v === 'string' && /Z$/.test(v));
      expect(cursorToIso(manifest.cursorHigh)).toBe(valid.sort().pop());
      expect(await readRunManifest(local.s3, 'etl-data-test', { pipeline: 'orders', runId: '20261127T040000Z-extract' })).toEqual(manifest);
    } finally {
      await api.stop();
    }
  });

  it('writes every item as exactly one JSON line, whatever it is, so the file holds as many lines as the message says', async () => {
    const items = ['', 42, 'two\nlines', '{"order_id":"o-9"}', null, [1], '\ud800', { order_id: 'o-1', note: '' }];
    const manifest = await extractRun(local.s3, {
      bucket: 'etl-data-test',
      pipeline: orders,
      runId: '20261127T043000Z-items',
      since: null,
      records: (async function* () {
        yield* items;
      })(),
    });
    const { file } = manifest.parts[0]!;
    const body = await local.s3.send(new GetObjectCommand({ Bucket: file.bucket, Key: file.key }));
    const lines = gunzipSync(Buffer.from(await body.Body!.transformToByteArray()))
      .toString('utf8')
      .split('\n');
    expect(lines.pop()).toBe('');
    expect({ rows: file.rows, lines: lines.length }).toEqual({ rows: items.length, lines: items.length });
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(items);
  });

  it('writes every number as the source wrote it: no double in between (0.12499999999999999999, 1e309, 20 digits)', async () => {
    const sent =
      '{"items":[{"order_id":"o-1","price":0.12499999999999999999,"big":1e309,"id":12345678901234567890,"qty":3}],"next_cursor":null}';
    const api = await scriptedApi([Buffer.from(sent)]);
    try {
      const manifest = await extractRun(local.s3, {
        bucket: 'etl-data-test',
        pipeline: orders,
        runId: '20261127T044500Z-numbers',
        since: null,
        records: httpRecords(source, { url: api.url, since: null, retry }),
      });
      const { file } = manifest.parts[0]!;
      const body = await local.s3.send(new GetObjectCommand({ Bucket: file.bucket, Key: file.key }));
      const raw = gunzipSync(Buffer.from(await body.Body!.transformToByteArray())).toString('utf8');
      expect(raw).toBe('{"order_id":"o-1","price":0.12499999999999999999,"big":1e309,"id":12345678901234567890,"qty":3}\n');
      expect(manifest.parts[0]!.numbers).toBeUndefined(); // the transform reads these lines' numbers from their text
    } finally {
      await api.stop();
    }
  });

  it('keeps the watermark when nothing new was read, with one empty part', async () => {
    const manifest = await extractRun(local.s3, {
      bucket: 'etl-data-test',
      pipeline: orders,
      runId: '20261127T041500Z-nothing',
      since: '2026-11-01 00:00:00',
      records: (async function* () {})(),
    });
    expect(manifest).toMatchObject({ cursorHigh: '2026-11-01 00:00:00', parts: [{ part: 0, file: { rows: 0 } }] });
  });
});
