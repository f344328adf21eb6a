import fc from 'fast-check';
import { translate } from './redshiftDialect';

/** Text made of what the translation rewrites elsewhere: Redshift keywords and functions, quotes, comments' markers. */
const tricky = fc.string({
  unit: fc.constantFrom(
    'GETDATE()',
    'SYSDATE',
    'DISTKEY',
    'SORTKEY',
    'ENCODE zstd',
    'DISTSTYLE ALL',
    'IDENTITY(1,1)',
    'VARCHAR(MAX)',
    'NVL(',
    'LEN(',
    "'",
    '"',
    '--',
    '/*',
    '*/',
    ';',
    '$1',
    ':name',
    '\\',
    ' ',
    'x',
    'é',
    '\n',
  ),
  maxLength: 12,
});
const sqlLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;
const sqlIdentifier = (text: string) => `"${text.replace(/"/g, '""')}"`;

describe('translate (properties)', () => {
  it('never rewrites inside a string literal or a quoted identifier', () => {
    fc.assert(
      fc.property(
        tricky,
        tricky.filter((s) => s.length > 0),
        (value, name) => {
          const statement = `SELECT ${sqlLiteral(value)} AS ${sqlIdentifier(name)}, GETDATE() AS now`;
          const translated = translate(statement);
          expect(translated.kind).toBe('sql');
          if (translated.kind !== 'sql') return;
          expect(translated.sql).toContain(sqlLiteral(value));
          expect(translated.sql).toContain(sqlIdentifier(name));
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
