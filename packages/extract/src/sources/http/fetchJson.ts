import { EtlError } from '@etl/contracts';
import { mayHoldInexactNumbers, parseJsonKeepingNumbers } from '@etl/pipeline-kit';
import type { RetryClass } from '@etl/contracts';
import { isRetryableError } from '@etl/middleware';
import type { Retry } from '@etl/middleware';
import { decodeUtf8KeepingBadBytes } from '@etl/files';

/** An HTTP source answered with an error status: says which URL, which status, and what it said. */
export class HttpSourceError extends EtlError {
  override readonly name = 'HttpSourceError';
  readonly code = 'HTTP_SOURCE_ERROR';

  constructor(
    readonly url: string,
    readonly statusCode: number,
    body: string,
    /** From `Retry-After`, for the retry policy. */
    readonly retryAfterMs?: number,
  ) {
    super(`GET ${url} answered ${statusCode}: ${body.slice(0, 200)}`);
  }

  /** A server error, throttling or a timeout may pass; another 4xx (not found, unauthorized) will not. */
  get retry(): RetryClass {
    return this.statusCode >= 500 || this.statusCode === 429 || this.statusCode === 408 ? 'transient' : 'permanent';
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
 * A page that is JSON but not the shape the pipeline's source says (no items array, a next
 * cursor that is neither text nor a number). Transient: an API under load may answer 200 with an
 * error body and the right page the next time; one that always answers so is dead-lettered with
 * this code once the task's retries are spent (a definition naming the wrong field, most likely).
 */
export class UnexpectedPageError extends EtlError {
  override readonly name = 'UnexpectedPageError';
  readonly code = 'UNEXPECTED_PAGE';
  readonly retry = 'transient';

  constructor(url: string, problem: string) {
    super(`GET ${url}: ${problem}`);
  }
}

/** A 2xx answer whose body is not JSON (a truncated page, a proxy's error page): worth another attempt. */
export class MalformedPageError extends EtlError {
  override readonly name = 'MalformedPageError';
  readonly code = 'MALFORMED_PAGE';
  readonly retry = 'transient';

  constructor(
    readonly url: string,
    reason: string,
    body: string,
  ) {
    super(`GET ${url}: the page is not JSON (${reason}): ${body.slice(0, 200)}`);
  }
}

/**
 * A fetch failure as an error naming the URL, with the socket error's code that fetch hides in
 * `cause` brought up where the retry policy looks (`code`, unless the caller knows better; `name`).
 */
function networkError(error: unknown, what: string, code?: string): Error {
  const cause = (error as { cause?: { code?: string } }).cause;
  return Object.assign(new Error(`${what}: ${(error as Error).message}${cause?.code ? ` (${cause.code})` : ''}`), {
    code: code ?? cause?.code,
    name: (error as Error).name === 'TimeoutError' ? 'TimeoutError' : 'FetchError',
    cause: error,
  });
}

/** Reads the body; a connection dropped mid-body is a network error the retry policy retries. */
async function bodyBytes(url: string, response: Response): Promise<Buffer> {
  try {
    return Buffer.from(await response.arrayBuffer());
  } catch (error) {
    // undici says UND_ERR_SOCKET; a body cut off is a reset connection, whatever the code
    throw networkError(error, `GET ${url}: the connection dropped while the body was read`, 'ECONNRESET');
  }
}

/** A JSON page as it came: its bytes, and the document they parse to. */
export interface JsonPage {
  bytes: Buffer;
  document: unknown;
}

/**
 * GETs a JSON document, retrying throttling (429), server errors (5xx), timeouts, dropped
 * connections (also mid-body) and malformed pages with the given retry policy — honouring
 * `Retry-After`. Other statuses fail at once. Bytes that are not UTF-8 are kept as escapes
 * (`decodeUtf8KeepingBadBytes`), never replaced.
 */
export async function fetchJson(url: string, retry: Retry, timeoutMs = 30_000, onInexactNumbers?: () => void): Promise<unknown> {
  return (await fetchJsonPage(url, retry, timeoutMs, onInexactNumbers)).document;
}

/** {@link fetchJson}, with the page's bytes beside the document (the HTTP source writes each item's own bytes). */
export async function fetchJsonPage(url: string, retry: Retry, timeoutMs = 30_000, onInexactNumbers?: () => void): Promise<JsonPage> {
  const isRetryable = (error: unknown) => error instanceof MalformedPageError || isRetryableError(error);
  return retry(
    async () => {
      let response: Response;
      try {
        response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        throw networkError(error, `GET ${url} failed`);
      }
      const bytes = await bodyBytes(url, response);
      const text = decodeUtf8KeepingBadBytes(bytes);
      if (!response.ok) throw new HttpSourceError(url, response.status, text, retryAfter(response.headers.get('retry-after')));
      try {
        if (!mayHoldInexactNumbers(text)) return { bytes, document: JSON.parse(text) as unknown };
        onInexactNumbers?.();
        return { bytes, document: parseJsonKeepingNumbers(text) }; // numbers a double would change keep their source text
      } catch (error) {
        throw new MalformedPageError(url, (error as Error).message, text);
      }
    },
    { isRetryable },
  );
}
