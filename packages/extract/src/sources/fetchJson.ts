import type { Retry } from '@etl/middleware';

/** An HTTP source answered with an error status: says which URL, which status, and what it said. */
export class HttpSourceError extends Error {
  override readonly name = 'HttpSourceError';

  constructor(
    readonly url: string,
    readonly statusCode: number,
    body: string,
    /** From `Retry-After`, for the retry policy. */
    readonly retryAfterMs?: number,
  ) {
    super(`GET ${url} answered ${statusCode}: ${body.slice(0, 200)}`);
  }
}

/** `Retry-After`: seconds, or an HTTP date. */
function retryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * GETs a JSON document, retrying throttling (429), server errors (5xx), timeouts and dropped
 * connections with the given retry policy — honouring `Retry-After`. Other statuses fail at once.
 */
export async function fetchJson(url: string, retry: Retry, timeoutMs = 30_000): Promise<unknown> {
  return retry(async () => {
    let response: Response;
    try {
      response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      // fetch hides the socket error in `cause`; surface its code so the retry policy sees it
      const cause = (error as { cause?: { code?: string } }).cause;
      throw Object.assign(new Error(`GET ${url} failed: ${(error as Error).message}${cause?.code ? ` (${cause.code})` : ''}`), {
        code: cause?.code,
        name: (error as Error).name === 'TimeoutError' ? 'TimeoutError' : 'FetchError',
      });
    }
    const text = await response.text();
    if (!response.ok) throw new HttpSourceError(url, response.status, text, retryAfter(response.headers.get('retry-after')));
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new HttpSourceError(url, response.status, `not JSON: ${text}`);
    }
  });
}
