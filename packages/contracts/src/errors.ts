/**
 * Whether another attempt can help: `transient` failures (a network error, throttling, a 5xx, a
 * lock or serialization conflict) come back after a short, growing delay; `permanent` ones (a
 * contract violation, content the warehouse refuses, a missing permission) cannot succeed by
 * retrying, so their message goes to its dead-letter queue at once, with the code and reason.
 */
export type RetryClass = 'transient' | 'permanent';

/**
 * The base of every error the pipeline raises on purpose. `code` is stable (logs, metrics, DLQ
 * message attributes and docs name it; the message may change), and `retry` says what the
 * worker middleware does with the message that failed.
 *
 * @example
 * class StagedFileMissing extends EtlError {
 *   readonly code = 'STAGED_FILE_MISSING';
 *   readonly retry = 'permanent';
 * }
 */
export abstract class EtlError extends Error {
  abstract readonly code: string;
  abstract readonly retry: RetryClass;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A message that does not match its contract. `issues` lists every problem as
 * `path: reason`, so a log line says exactly which field is wrong and why.
 */
export class ContractViolation extends EtlError {
  override readonly name = 'ContractViolation';
  readonly code = 'CONTRACT_VIOLATION';
  readonly retry = 'permanent';

  constructor(
    readonly contract: string,
    readonly issues: readonly string[],
  ) {
    super(`message does not match contract "${contract}": ${issues.join('; ')}`);
  }
}
