import type { Retry } from '@etl/middleware';
import type { SourceDefinition } from '@etl/pipeline';
import { fetchJson } from './fetchJson';

type HttpSource = Extract<SourceDefinition, { kind: 'http' }>;

export interface HttpReadOptions {
  /** The items endpoint (the pipeline names the env var that holds it). */
  url: string;
  /** The watermark: only items changed since then are asked for (`cursorParam`). */
  since: string | null;
  retry: Retry;
}

function pageUrl(base: string, params: Record<string, string | number | null | undefined>): string {
  const url = new URL(base);
  for (const [name, value] of Object.entries(params)) if (value !== null && value !== undefined) url.searchParams.set(name, String(value));
  return url.toString();
}

function items(document: unknown, field: string, url: string): unknown[] {
  const list = (document as Record<string, unknown> | null)?.[field];
  if (!Array.isArray(list)) throw new Error(`GET ${url}: the response has no "${field}" array`);
  return list;
}

/**
 * Reads an HTTP JSON API as a stream of records. Cursor pagination follows `nextCursorField`
 * page by page; page pagination fetches up to `concurrency` pages ahead and yields them in
 * order until an empty page. Every request retries 429/5xx with backoff, honouring Retry-After.
 */
export async function* httpRecords(source: HttpSource, { url, since, retry }: HttpReadOptions): AsyncGenerator<unknown> {
  const sinceParams = source.cursorParam ? { [source.cursorParam]: since } : {};
  if (source.pagination.type === 'cursor') {
    const { cursorParam, nextCursorField } = source.pagination;
    let cursor: string | null = null;
    do {
      const request = pageUrl(url, { ...sinceParams, [cursorParam]: cursor });
      const document = await fetchJson(request, retry);
      yield* items(document, source.itemsField, request);
      const next = (document as Record<string, unknown>)[nextCursorField];
      cursor = typeof next === 'string' && next !== '' ? next : null;
    } while (cursor !== null);
    return;
  }
  const { pageParam, sizeParam, pageSize } = source.pagination;
  const ahead = Math.max(1, source.concurrency ?? 4);
  const pending: Promise<{ request: string; document: unknown }>[] = [];
  let nextPage = 1;
  const request = (page: number) => {
    const target = pageUrl(url, { ...sinceParams, [pageParam]: page, [sizeParam]: pageSize });
    const fetched = fetchJson(target, retry).then((document) => ({ request: target, document }));
    fetched.catch(() => undefined); // awaited in order below
    pending.push(fetched);
  };
  for (; nextPage <= ahead; nextPage++) request(nextPage);
  for (;;) {
    const { request: target, document } = await pending.shift()!;
    const page = items(document, source.itemsField, target);
    if (page.length === 0) return;
    yield* page;
    request(nextPage++);
  }
}
