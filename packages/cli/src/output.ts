import stringWidth from 'string-width';
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

/**
 * A table for a terminal; cells are shown as text (see {@link terminalText}), SQL NULL as `NULL`
 * and a text that reads NULL as `"NULL"` (so the two are told apart), "" as an empty cell.
 * Linear in the cells (50,000 rows in well under a second), aligned by display width (CJK and
 * emoji take two columns).
 */
export function renderTable(columns: string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (value: unknown) => (typeof value === 'string' && /^null$/i.test(value) ? `"${value}"` : terminalText(value));
  const lines = [columns.map(terminalText), ...rows.map((row) => row.map(cell))];
  const widths = columns.map((_, c) => lines.reduce((widest, line) => Math.max(widest, stringWidth(line[c] ?? '')), 0));
  const rule = (left: string, middle: string, right: string) => `${left}${widths.map((w) => '─'.repeat(w + 2)).join(middle)}${right}`;
  const out = [rule('┌', '┬', '┐')];
  for (const line of lines)
    out.push(
      `│ ${widths
        .map((w, c) => {
          const text = line[c] ?? '';
          return text + ' '.repeat(w - stringWidth(text));
        })
        .join(' │ ')} │`,
    );
  out.push(rule('└', '┴', '┘'));
  return out.join('\n');
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
