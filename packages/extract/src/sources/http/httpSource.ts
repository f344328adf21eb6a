import type { Retry } from '@etl/middleware';
import { batchedRecords, withNumbers } from '../../sourceRecords';
import type { SourceRecords } from '../../sourceRecords';
import { isRawNumber, numberSourceText } from '@etl/pipeline-kit';
import { fetchJsonPage, UnexpectedPageError } from './fetchJson';
import type { JsonPage } from './fetchJson';
import { pageItemRanges } from './pageItems';
import { SourceItem } from '../../rawLine';

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

/** A page asked for: its URL and, once it arrives, its bytes and document. */
interface FetchedPage extends JsonPage {
  request: string;
}

/** Starts fetching a page; a failure surfaces where the page is awaited (none if the reader stops first). */
function fetchPageNoting(request: string, retry: Retry, seen: { inexactNumbers: boolean }): Promise<FetchedPage> {
  const fetched = fetchJsonPage(request, retry, undefined, () => (seen.inexactNumbers = true)).then((page) => ({ request, ...page }));
  fetched.catch(() => undefined);
  return fetched;
}

/**
 * A page's items: each a {@link SourceItem} of its exact bytes in the page and its parsed value,
 * so the raw file holds what the source sent. An item whose bytes span lines (a pretty-printed
 * page) is its value, written as one line of JSON (numbers a double would change keep their text).
 */
function items({ document, bytes, request }: FetchedPage, field: string): readonly unknown[] {
  const list = (document as Record<string, unknown> | null)?.[field];
  if (!Array.isArray(list)) throw new UnexpectedPageError(request, `the response has no "${field}" array`);
  const ranges = pageItemRanges(bytes, field);
  if (ranges?.length !== list.length * 2) return list; // not told apart (cannot be, for a page JSON.parse read): the values, as JSON
  const multiline = bytes.includes(0x0a) || bytes.includes(0x0d);
  return list.map((value: unknown, k) => {
    const item = bytes.subarray(ranges[2 * k], ranges[2 * k + 1]);
    return multiline && (item.includes(0x0a) || item.includes(0x0d)) ? value : new SourceItem(item, value);
  });
}

/**
 * The cursor of the page after this one, as the request sends it; undefined on the last page
 * (the field absent, null or ""). A number is sent as its shortest text — as written, for one a
 * double would change (20 digits stay 20 digits). Anything else is refused: following no cursor
 * would end the run early and silently.
 */
function nextCursor({ document, request }: FetchedPage, field: string): string | undefined {
  const next: unknown = (document as Record<string, unknown> | null)?.[field];
  if (next === undefined || next === null || next === '') return undefined;
  if (typeof next === 'string') return next;
  if (typeof next === 'number' || isRawNumber(next)) return numberSourceText(next);
  throw new UnexpectedPageError(request, `"${field}" is ${JSON.stringify(next)}: a next-page cursor must be text or a number`);
}

/**
 * Reads an HTTP JSON API as a stream of records. Cursor pagination follows `nextCursorField`
 * page by page, asking for the next page while this one's records are consumed; page pagination
 * fetches up to `concurrency` pages ahead and yields them in order until an empty page. Every
 * request retries 429/5xx with backoff, honouring Retry-After.
 */
export function httpRecords(source: HttpSource, options: HttpReadOptions): AsyncGenerator<unknown> & SourceRecords {
  const seen = { inexactNumbers: false };
  return withNumbers(batchedRecords(pageItems(source, options, seen)), () =>
    seen.inexactNumbers ? undefined : 'plain',
  ) as AsyncGenerator<unknown> & SourceRecords;
}

/** Each page's items, page by page. */
async function* pageItems(
  source: HttpSource,
  { url, since, retry }: HttpReadOptions,
  seen: { inexactNumbers: boolean },
): AsyncGenerator<readonly unknown[]> {
  const fetchPage = (request: string, retry: Retry) => fetchPageNoting(request, retry, seen);
  const sinceParams = source.cursorParam ? { [source.cursorParam]: since } : {};
  if (source.pagination.type === 'cursor') {
    const { cursorParam, nextCursorField } = source.pagination;
    const page = (cursor: string | null) => fetchPage(pageUrl(url, { ...sinceParams, [cursorParam]: cursor }), retry);
    // one page ahead: the next page is asked for as soon as its cursor is known, and arrives
    // while this page's records are written
    let pending: Promise<FetchedPage> | undefined = page(null);
    while (pending) {
      const fetched: FetchedPage = await pending;
      const next = nextCursor(fetched, nextCursorField);
      pending = next === undefined ? undefined : page(next);
      yield items(fetched, source.itemsField);
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
    const page = items(await pending.shift()!, source.itemsField);
    if (page.length === 0) return;
    yield page;
    request(nextPage++);
  }
}
