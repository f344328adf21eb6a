import { ContractViolation } from '@etl/contracts';
import { RetriesExhausted } from '@etl/middleware';
import { failureLine, renderTable, terminalText } from './output';

describe('terminal output', () => {
  it('writes control characters out instead of letting the terminal obey them', () => {
    expect(terminalText('a\nb\tc\u001b[31mred')).toBe('a\\nb\\tc\\x1b[31mred');
    expect(terminalText(null)).toBe('NULL');
    expect(terminalText('')).toBe('');
  });

  it('tells "" from NULL in a table', () => {
    const table = renderTable(['note'], [[''], [null]]);
    expect(table).toContain('NULL');
    expect(table.split('\n').filter((line) => /│\s+│/.test(line))).toHaveLength(1);
  });

  it('tells SQL NULL from a text that reads NULL, and aligns wide characters by their display width', () => {
    expect(
      renderTable(
        ['note', 'n'],
        [
          [null, 1],
          ['NULL', 22],
          ['日本語', 333],
        ],
      ).split('\n'),
    ).toEqual(['┌────────┬─────┐', '│ note   │ n   │', '│ NULL   │ 1   │', '│ "NULL" │ 22  │', '│ 日本語 │ 333 │', '└────────┴─────┘']);
  });

  it("ends a failure with the error's code and whether running again can help", () => {
    expect(failureLine(new ContractViolation('run-ref', ['runId: missing']))).toBe(
      'message does not match contract "run-ref": runId: missing [CONTRACT_VIOLATION: fails again until the cause is fixed]',
    );
    expect(failureLine(new RetriesExhausted(5, 'max-attempts', new Error('503')))).toMatch(/\[RETRIES_EXHAUSTED: may pass if run again\]$/);
    expect(failureLine(new Error('plain'))).toBe('plain');
  });
});
