import type { Retry } from '@etl/middleware';
import { withNumbers } from '../../extractRun';
import type { SourceRecords } from '../../extractRun';
import { fetchJson } from './fetchJson';

import type { HttpSource } from './definition';

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

/** A page asked for: its URL and, once it arrives, its document. */
interface FetchedPage {
  request: string;
  document: unknown;
}

/** Starts fetching a page; a failure surfaces where the page is awaited (none if the reader stops first). */
function fetchPageNoting(request: string, retry: Retry, seen: { inexactNumbers: boolean }): Promise<FetchedPage> {
  const fetched = fetchJson(request, retry, undefined, () => (seen.inexactNumbers = true)).then((document) => ({ request, document }));
  fetched.catch(() => undefined);
  return fetched;
}

function items(document: unknown, field: string, url: string): unknown[] {
  const list = (document as Record<string, unknown> | null)?.[field];
  if (!Array.isArray(list)) throw new Error(`GET ${url}: the response has no "${field}" array`);
  return list;
}

/**
 * Reads an HTTP JSON API as a stream of records. Cursor pagination follows `nextCursorField`
 * page by page, asking for the next page while this one's records are consumed; page pagination
 * fetches up to `concurrency` pages ahead and yields them in order until an empty page. Every
 * request retries 429/5xx with backoff, honouring Retry-After.
 */
export function httpRecords(source: HttpSource, options: HttpReadOptions): AsyncGenerator<unknown> & SourceRecords {
  const seen = { inexactNumbers: false };
  return withNumbers(pageRecords(source, options, seen), () => (seen.inexactNumbers ? undefined : 'plain')) as AsyncGenerator<unknown> &
    SourceRecords;
}

async function* pageRecords(
  source: HttpSource,
  { url, since, retry }: HttpReadOptions,
  seen: { inexactNumbers: boolean },
): AsyncGenerator<unknown> {
  const fetchPage = (request: string, retry: Retry) => fetchPageNoting(request, retry, seen);
  const sinceParams = source.cursorParam ? { [source.cursorParam]: since } : {};
  if (source.pagination.type === 'cursor') {
    const { cursorParam, nextCursorField } = source.pagination;
    const page = (cursor: string | null) => fetchPage(pageUrl(url, { ...sinceParams, [cursorParam]: cursor }), retry);
    // one page ahead: the next page is asked for as soon as its cursor is known, and arrives
    // while this page's records are written
    let pending: Promise<FetchedPage> | undefined = page(null);
    while (pending) {
      const { request, document }: FetchedPage = await pending;
      const next: unknown = (document as Record<string, unknown> | null)?.[nextCursorField];
      pending = typeof next === 'string' && next !== '' ? page(next) : undefined;
      yield* items(document, source.itemsField, request);
    }
    return;
  }
  const { pageParam, sizeParam, pageSize } = source.pagination;
  const ahead = Math.max(1, source.concurrency ?? 4);
  const pending: Promise<FetchedPage>[] = [];
  let nextPage = 1;
  const request = (page: number) =>
    pending.push(fetchPage(pageUrl(url, { ...sinceParams, [pageParam]: page, [sizeParam]: pageSize }), retry));
  for (; nextPage <= ahead; nextPage++) request(nextPage);
  for (;;) {
    const { request: target, document } = await pending.shift()!;
    const page = items(document, source.itemsField, target);
    if (page.length === 0) return;
    yield* page;
    request(nextPage++);
  }
}
