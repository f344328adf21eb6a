import { EtlError } from '@etl/contracts';
import type { RetryClass } from '@etl/contracts';
import { isRetryableError } from './retry';

/** Why a message failed, as the middleware acts on it and as the DLQ and logs show it. */
export interface Failure {
  /** stable: an {@link EtlError}'s code, an AWS error's name, or `UNCLASSIFIED` */
  code: string;
  retry: RetryClass;
  reason: string;
}

/**
 * Errors the SDK reports as the caller's fault that pass on their own: credentials that expired
 * are renewed; S3's 409 ConditionalRequestConflict on a conditional write is "retry the upload"
 * (PutObject `If-None-Match` / `If-Match`: a conflicting operation occurred during it).
 */
const PASS_ON_THEIR_OWN = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'RequestTimeTooSkewed',
  'ConditionalRequestConflict',
]);

/**
 * Classifies any error. The pipeline's own errors say what they are ({@link EtlError}); an AWS
 * error is transient when the SDK would retry it (throttling, 5xx, a timeout, a dropped
 * connection) and permanent when it is the caller's fault (`AccessDenied`, `NoSuchKey`, a
 * validation error). Anything else is `UNCLASSIFIED` and treated as transient: it backs off and,
 * if it never passes, reaches the DLQ by the queue's redrive policy, as before classification.
 */
export function failureOf(error: unknown): Failure {
  const reason = error instanceof Error ? error.message : String(error);
  if (error instanceof EtlError) return { code: error.code, retry: error.retry, reason };
  if (isRetryableError(error)) return { code: nameOf(error) ?? 'UNCLASSIFIED', retry: 'transient', reason };
  const fault = (error as { $fault?: unknown } | null)?.$fault;
  const name = nameOf(error);
  if (fault === 'client' && name !== undefined)
    return { code: name, retry: PASS_ON_THEIR_OWN.has(name) ? 'transient' : 'permanent', reason };
  return { code: 'UNCLASSIFIED', retry: 'transient', reason };
}

function nameOf(error: unknown): string | undefined {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name !== 'Error' ? name : undefined;
}
