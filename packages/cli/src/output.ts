import Table from 'cli-table3';
import { EtlError } from '@etl/contracts';

/** What a command produced: the same data for a script (`--json`) and for a person (text). */
export interface CommandOutput {
  json: unknown;
  text: string;
}

/** A value from data as a terminal may show it: control characters (newlines, escape sequences) written out, never obeyed. */
export function terminalText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  return String(value).replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) =>
    c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** A table for a terminal; cells are shown as text (see {@link terminalText}), NULL as `NULL`, "" as an empty cell. */
export function renderTable(columns: string[], rows: readonly (readonly unknown[])[]): string {
  const table = new Table({
    head: columns,
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of rows) table.push(row.map(terminalText));
  return table.toString();
}

/** Prints a command's output: JSON on one line with `--json`, else the text. */
export function printOutput(output: CommandOutput, json: boolean, write: (text: string) => void = (text) => console.log(text)): void {
  write(json ? JSON.stringify(output.json) : output.text);
}

/**
 * The line a failed command ends with: the error's message, and for the pipeline's own errors
 * their stable code and whether running the command again can help.
 *
 * @example
 * failureLine(new ContractViolation('run-ref', ['runId: missing']))
 * // → 'message does not match contract "run-ref": runId: missing [CONTRACT_VIOLATION: fails again until the cause is fixed]'
 */
export function failureLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof EtlError)) return message;
  return `${message} [${error.code}: ${error.retry === 'transient' ? 'may pass if run again' : 'fails again until the cause is fixed'}]`;
}
