import { emptyFieldRewriter } from './copyEmptyFields';
import type { EmptyFieldRules } from './copyEmptyFields';

const csv: EmptyFieldRules = {
  format: 'csv',
  delimiter: ',',
  quote: '"',
  nullString: '\\N',
  emptyAsNull: false,
  blanksAsNull: false,
  columns: ['other', 'character', 'character'],
};
const rewrite = (rules: EmptyFieldRules, line: string) => {
  const bytes = Buffer.from(line);
  return (emptyFieldRewriter(rules)!(bytes, 0, bytes.length) ?? bytes).toString();
};

describe('Redshift empty-field rules', () => {
  it('loads an empty or blank field of a non-character column as NULL, keeps character fields', () => {
    expect(rewrite(csv, ',,\n')).toBe('\\N,,\n');
    expect(rewrite(csv, '  , ,x\n')).toBe('\\N, ,x\n');
  });

  it('leaves quoted fields alone: "" and "  " are data', () => {
    expect(rewrite({ ...csv, emptyAsNull: true, blanksAsNull: true }, '"",""," "\n')).toBe('"",""," "\n');
  });

  it("EMPTYASNULL and BLANKSASNULL null character fields; NULL AS '' acts as EMPTYASNULL", () => {
    expect(rewrite({ ...csv, emptyAsNull: true }, '1,,  \n')).toBe('1,\\N,  \n');
    expect(rewrite({ ...csv, blanksAsNull: true }, '1,,  \n')).toBe('1,,\\N\n');
    expect(rewrite({ ...csv, nullString: '' }, ',,\r\n')).toBe(',,\r\n');
  });

  it('finds fields inside quotes that hold the delimiter, and leaves a record without empty fields as it is', () => {
    expect(rewrite(csv, '"a,,b",,x\n')).toBe('"a,,b",,x\n'); // the first field is a character column's data
    expect(rewrite({ ...csv, columns: ['character', 'other', 'character'] }, '"a,,b",,x\n')).toBe('"a,,b",\\N,x\n');
    const record = Buffer.from('1,a,b\n');
    expect(emptyFieldRewriter(csv)!(record, 0, record.length)).toBeUndefined();
    // a record inside a larger buffer is read within its bounds: the empty field after it is not its own
    const piece = Buffer.from('x,,\n1,a,b\n,,\n');
    expect(emptyFieldRewriter(csv)!(piece, 4, 10)).toBeUndefined();
    expect(emptyFieldRewriter(csv)!(piece, 10, 13)?.toString()).toBe('\\N,,\n');
  });

  it('splits the text format on its delimiter, minding backslash escapes', () => {
    const text: EmptyFieldRules = { ...csv, format: 'text', delimiter: '|', columns: ['character', 'other'] };
    expect(rewrite(text, 'a\\||\n')).toBe('a\\||\\N\n');
  });

  it('needs no rewriting when every column holds characters and no option asks for it', () => {
    expect(emptyFieldRewriter({ ...csv, columns: ['character'] })).toBeUndefined();
  });
});
