import { renderTable, terminalText } from './output';

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
});
