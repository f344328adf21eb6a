import fc from 'fast-check';
import { types } from './columnTypes';
import { coercer } from './coerce';
import { definePipeline } from './definition';
import { compileRowValidator } from './rowValidator';

/** One column of every type, all nullable but the key: each record is drawn from values any source could send. */
const pipeline = definePipeline({
  name: 'props',
  source: { kind: 's3-drop', prefix: 'landing/props/', format: 'jsonl' },
  target: {
    columns: {
      id: { type: types.bigint(), nullable: false },
      small: { type: types.smallint() },
      amount: { type: types.decimal(12, 2) },
      ratio: { type: types.double() },
      flag: { type: types.boolean() },
      day: { type: types.date() },
      at: { type: types.timestamp() },
      code: { type: types.char(3), check: 'iso4217' },
      note: { type: types.varchar(16) },
      blank: { type: types.integer(), emptyAsNull: true },
    },
    primaryKey: ['id'],
  },
  write: 'merge',
  drift: 'quarantine',
});
const validate = compileRowValidator(pipeline);
const columns = Object.entries(pipeline.target.columns);

/** Values a JSON source sends: the right kind, the wrong kind, edge cases and text that only looks right. */
const anyValue = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.integer(),
  fc.double(),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.boolean(),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 6 }), // lone surrogates included
  fc.constantFrom(
    'EUR',
    'EURO',
    'xx',
    '2026-02-29',
    '2024-02-29',
    '2026-11-01T10:00:00+02:00',
    '1e309',
    '12.345',
    '0.005',
    ' 7 ',
    'true',
    'no',
  ),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
);

const record = fc.dictionary(fc.constantFrom(...columns.map(([name]) => name), 'extra'), anyValue, { maxKeys: 12 });

describe('compileRowValidator (properties)', () => {
  it('accounts for every record: a row of canonical values, or rejections naming fields the record has', () => {
    fc.assert(
      fc.property(record, (source) => {
        const result = validate(source);
        if (!result.ok) {
          expect(result.rejections.length).toBeGreaterThan(0);
          for (const { field } of result.rejections) expect(field in source || field === 'id').toBe(true);
          return;
        }
        expect(result.values).toHaveLength(columns.length);
        columns.forEach(([name, column], i) => {
          const value = result.values[i]!;
          const given = source[name];
          if (given === null || given === undefined || (given === '' && column.emptyAsNull)) expect(value).toBeNull();
          else {
            // canonical text is a fixed point: coercing it again gives it back, so a reload changes nothing
            expect(value).not.toBeNull();
            expect(coercer(column.type)(value)).toBe(value);
          }
        });
      }),
      { numRuns: 3_000 },
    );
  });

  it('keeps "" as the empty string in a text column and never turns a value into NULL', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 2n ** 62n }), fc.oneof(fc.constant(''), fc.string({ maxLength: 16 })), (id, note) => {
        const result = validate({ id: String(id), note });
        const bytes = Buffer.byteLength(note, 'utf8');
        if (note.includes('\u0000') || bytes > 16 || !note.isWellFormed()) expect(result.ok).toBe(false);
        else expect(result).toEqual({ ok: true, values: [String(id), null, null, null, null, null, null, null, note, null] });
      }),
      { numRuns: 2_000 },
    );
  });
});
