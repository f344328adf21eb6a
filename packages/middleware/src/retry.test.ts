import { isRetryableError, RetriesExhausted, withRetry } from './retry';

const noSleep = { sleep: async () => undefined };

function failing(errors: unknown[], value = 'ok') {
  const calls: number[] = [];
  const operation = async (attempt: number) => {
    calls.push(attempt);
    const error = errors.shift();
    if (error !== undefined) throw error;
    return value;
  };
  return { operation, calls };
}

const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
const serverError = () => Object.assign(new Error('Internal'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } });
const accessDenied = () => Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });

describe('isRetryableError', () => {
  it.each([
    ['SDK throttling', throttled()],
    ['SDK 5xx', serverError()],
    ['SDK 503 SlowDown', Object.assign(new Error('Slow'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } })],
    ['HTTP 429', Object.assign(new Error('Too Many Requests'), { statusCode: 429 })],
    ['connection reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
  ])('retries %s', (_label, error) => expect(isRetryableError(error)).toBe(true));

  it.each([
    ['access denied', accessDenied()],
    ['validation', Object.assign(new Error('bad'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } })],
    ['plain error', new Error('bug')],
    ['not an error', 'oops'],
  ])('does not retry %s', (_label, error) => expect(isRetryableError(error)).toBe(false));
});

describe('withRetry', () => {
  it('gives up on a non-retryable error at once and rethrows it unchanged', async () => {
    const denied = accessDenied();
    const { operation, calls } = failing([denied]);
    await expect(withRetry(operation, noSleep)).rejects.toBe(denied);
    expect(calls).toEqual([1]);
  });

  it('retries retryable errors until success', async () => {
    const { operation, calls } = failing([throttled(), serverError()]);
    await expect(withRetry(operation, noSleep)).resolves.toBe('ok');
    expect(calls).toEqual([1, 2, 3]);
  });

  it('waits with full jitter: random × min(cap, base × 2^(attempt−1))', async () => {
    const waits: number[] = [];
    const { operation } = failing([throttled(), throttled(), throttled(), throttled()]);
    await withRetry(operation, {
      baseDelayMs: 100,
      maxDelayMs: 500,
      random: () => 0.5,
      sleep: async (ms) => void waits.push(ms),
    });
    expect(waits).toEqual([50, 100, 200, 250]);
  });

  it('waits as long as the server asked (Retry-After), within the cap', async () => {
    const waits: number[] = [];
    const tooMany = (retryAfterMs: number) => Object.assign(new Error('Too Many Requests'), { statusCode: 429, retryAfterMs });
    const { operation } = failing([tooMany(1_200), tooMany(60_000)]);
    await withRetry(operation, { maxDelayMs: 5_000, sleep: async (ms) => void waits.push(ms) });
    expect(waits).toEqual([1_200, 5_000]);
  });

  it('stops after maxAttempts with the last error as cause', async () => {
    const last = serverError();
    const { operation, calls } = failing([throttled(), throttled(), last]);
    const error = await withRetry(operation, { ...noSleep, maxAttempts: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhausted);
    expect(error).toMatchObject({ attempts: 3, reason: 'max-attempts', cause: last });
    expect(calls).toEqual([1, 2, 3]);
  });

  it('does not start a wait that would eat into the time reserved before the Lambda deadline', async () => {
    let remaining = 1_500;
    const waits: number[] = [];
    const { operation, calls } = failing(Array.from({ length: 10 }, throttled));
    const error = await withRetry(operation, {
      baseDelayMs: 200,
      random: () => 0.99,
      reserveMs: 1_000,
      remainingTimeMs: () => remaining,
      sleep: async (ms) => {
        waits.push(ms);
        remaining -= ms;
      },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'out-of-time' });
    // 1500 ms left: wait 198 (1302 left); the next wait, 396, would leave 906 < 1000 reserved
    expect(waits).toEqual([198]);
    expect(calls).toEqual([1, 2]);
  });
});
