/**
 * A message that does not match its contract. `issues` lists every problem as
 * `path: reason`, so a log line says exactly which field is wrong and why.
 */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';

  constructor(
    readonly contract: string,
    readonly issues: readonly string[],
  ) {
    super(`message does not match contract "${contract}": ${issues.join('; ')}`);
  }
}
