import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { ContractViolation } from './errors';

// zod/mini keeps bundles small by shipping no messages: load the English ones only.
z.config(en());

/** A named schema: the name appears in every error about it. */
export interface Contract<T> {
  readonly name: string;
  readonly schema: z.ZodMiniType<T>;
}

/** Pairs a schema with the name used in error messages. */
export function contract<T>(name: string, schema: z.ZodMiniType<T>): Contract<T> {
  return { name, schema };
}

/**
 * Parses a queue message body (JSON text) against a contract.
 *
 * @throws {ContractViolation} naming every offending field, or the JSON syntax error.
 * @example
 * const message = parseMessage(contracts.rawFileReady, record.body);
 * message.file.key; // typed
 */
export function parseMessage<T>(target: Contract<T>, body: string): T {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ContractViolation(target.name, [`body is not JSON (${reason})`]);
  }
  const result = target.schema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(message)'}: ${issue.message}`);
    throw new ContractViolation(target.name, issues);
  }
  return result.data;
}

/**
 * Serialises a message after checking it against its contract, so a stage can never
 * send what the next stage would reject.
 *
 * @throws {ContractViolation}
 */
export function serializeMessage<T>(target: Contract<T>, message: T): string {
  const body = JSON.stringify(message);
  parseMessage(target, body);
  return body;
}
