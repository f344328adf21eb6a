import { isServerError, isThrottlingError, isTransientError } from '@smithy/service-error-classification';
import type { SdkError } from '@smithy/types';
import { EtlError } from '@etl/contracts';

export interface RetryOptions {
  /** Total attempts including the first. Default 5. */
  maxAttempts?: number;
  /** Backoff base: the cap of the first wait. Default 100 ms. */
  baseDelayMs?: number;
  /** Cap of any single wait. Default 5 000 ms. */
  maxDelayMs?: number;
  /**
   * Milliseconds left before the caller must be done (in Lambda: `context.getRemainingTimeInMillis`).
   * A retry is attempted only if its wait plus `reserveMs` fits in what is left.
   */
  remainingTimeMs?: () => number;
  /** Time kept back for the work after the last attempt (reporting, cleanup). Default 1 000 ms. */
  reserveMs?: number;
  /** Which errors are worth another attempt. Default {@link isRetryableError}. */
  isRetryable?: (error: unknown) => boolean;
  /** Called before each wait; for logging. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Injected for tests: a value in [0, 1). */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** A retry function with the Lambda deadline already bound, as workers hand it to their code. */
export type Retry = <T>(operation: (attempt: number) => Promise<T>, options?: Omit<RetryOptions, 'remainingTimeMs'>) => Promise<T>;

/** The last error, once retrying was given up: `reason` says why. */
export class RetriesExhausted extends EtlError {
  override readonly name = 'RetriesExhausted';
  readonly code = 'RETRIES_EXHAUSTED';
  /** only retryable errors are retried: what exhausted the attempts may well pass later */
  readonly retry = 'transient';

  constructor(
    readonly attempts: number,
    readonly reason: 'max-attempts' | 'out-of-time',
    override readonly cause: unknown,
  ) {
    super(`gave up after ${attempts} attempt(s) (${reason}): ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

const NETWORK_ERROR_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED']);

/**
 * True for errors another attempt may cure: throttling, 5xx, timeouts and dropped connections.
 * AWS SDK errors are classified with the SDK's own rules; other errors by HTTP status
 * (`statusCode`/`status`/`$metadata.httpStatusCode`: 429 or 5xx) or a Node network error code.
 */
export function isRetryableError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const sdk = error as SdkError & { code?: string; statusCode?: number; status?: number };
  if (sdk.$retryable !== undefined || sdk.$metadata !== undefined) {
    if (isThrottlingError(sdk) || isTransientError(sdk) || isServerError(sdk)) return true;
  }
  const status = sdk.$metadata?.httpStatusCode ?? sdk.statusCode ?? sdk.status;
  if (status === 429 || (typeof status === 'number' && status >= 500 && status <= 599)) return true;
  if (typeof sdk.code === 'string' && NETWORK_ERROR_CODES.has(sdk.code)) return true;
  return sdk.name === 'TimeoutError' || sdk.name === 'AbortError';
}

/**
 * Runs `operation` until it succeeds, retrying retryable errors with exponential backoff and
 * full jitter (wait = random × min(maxDelay, base × 2^(attempt−1))), or the wait an error asks
 * for in a `retryAfterMs` property (an HTTP `Retry-After`), capped at `maxDelayMs`. A non-retryable error is
 * rethrown at once, unchanged. Retrying stops early when the next wait would not leave
 * `reserveMs` of the caller's remaining time.
 *
 * @throws {RetriesExhausted} carrying the last error, when attempts or time run out.
 * @example
 * await withRetry(() => sqs.send(new SendMessageBatchCommand(input)), {
 *   remainingTimeMs: () => context.getRemainingTimeInMillis(),
 * });
 */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const {
    maxAttempts = 5,
    baseDelayMs = 100,
    maxDelayMs = 5_000,
    remainingTimeMs,
    reserveMs = 1_000,
    isRetryable = isRetryableError,
    onRetry,
    random = Math.random,
    sleep = defaultSleep,
  } = options;

  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      if (attempt >= maxAttempts) throw new RetriesExhausted(attempt, 'max-attempts', error);
      // a server that says when to come back (HTTP Retry-After) is believed, within the cap
      const hinted = (error as { retryAfterMs?: unknown }).retryAfterMs;
      const delayMs =
        typeof hinted === 'number' && hinted >= 0
          ? Math.min(maxDelayMs, hinted)
          : Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
      if (remainingTimeMs && remainingTimeMs() - delayMs < reserveMs) throw new RetriesExhausted(attempt, 'out-of-time', error);
      onRetry?.(error, attempt, delayMs);
      await sleep(delayMs);
    }
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
