import { types } from './columnTypes';
import { createTableSql } from './ddl';
import { definePipeline, PipelineDefinitionError } from './definition';
import type { PipelineDefinition } from './definition';
import { compileRowValidator, SchemaDriftError } from './rowValidator';

const base: PipelineDefinition = {
  name: 'things',
  source: { kind: 's3-drop', prefix: 'landing/things/', format: 'jsonl' },
  target: {
    columns: {
      id: { type: types.integer(), nullable: false },
      code: { type: types.char(3), check: 'iso4217' },
      country: { type: types.char(2), check: 'iso3166-alpha2' },
      qty: { type: types.integer(), check: { min: 1 } },
      state: { type: types.varchar(8), check: { oneOf: ['new', 'old'] } },
      label: { type: types.varchar(10), from: 'Label' },
    },
    derived: { double_qty: { type: types.bigint(), compute: (row) => (row.qty === null ? null : String(Number(row.qty) * 2)) } },
    primaryKey: ['id'],
    sortKey: ['id'],
  },
  write: 'merge',
  drift: 'quarantine',
};

describe('definePipeline', () => {
  it('lists every problem of an invalid definition, naming where it is', () => {
    const attempt = () =>
      definePipeline({
        ...base,
        name: 'Bad Name',
        target: {
          ...base.target,
          columns: { ...base.target.columns, amount: { type: types.decimal(4, 6) } },
          primaryKey: ['label', 'nope'],
          distKey: 'missing',
        },
        incremental: { cursor: 'qty', lookback: 1.5 },
        newestWins: 'ghost',
        schedule: 'every hour',
      });
    expect(attempt).toThrow(PipelineDefinitionError);
    try {
      attempt();
    } catch (error) {
      expect((error as PipelineDefinitionError).problems).toEqual([
        'name "Bad Name": 1–63 chars of a-z, 0-9, _, starting with a letter',
        'target.table "Bad Name" is not a plain lower-case identifier',
        'column "amount": DECIMAL(4,6): precision must be 1–38 and scale 0–precision',
        'primaryKey "label" must be declared nullable: false',
        'primaryKey "nope" is not a source column',
        'distKey "missing" is not a column',
        'incremental.cursor "qty" must be nullable: false',
        'incremental.lookback 1.5 must be a whole number of seconds, 0 or more',
        'newestWins "ghost" is not a source column',
        'schedule "every hour" is not an EventBridge rate(...) or cron(...) expression',
      ]);
    }
  });

  it('writes the Redshift DDL', () => {
    expect(createTableSql(definePipeline({ ...base, target: { ...base.target, distKey: 'id' } }))).toBe(
      [
        'CREATE TABLE IF NOT EXISTS "public"."things" (',
        '  "id" INTEGER NOT NULL,',
        '  "code" CHAR(3),',
        '  "country" CHAR(2),',
        '  "qty" INTEGER,',
        '  "state" VARCHAR(8),',
        '  "label" VARCHAR(10),',
        '  "double_qty" BIGINT,',
        '  PRIMARY KEY ("id")',
        ') DISTSTYLE KEY DISTKEY ("id") COMPOUND SORTKEY ("id")',
      ].join('\n'),
    );
  });
});

describe('compileRowValidator', () => {
  const validate = compileRowValidator(definePipeline(base));

  it('returns the row in table order with derived columns', () => {
    expect(validate({ id: 1, code: 'EUR', country: 'DE', qty: '3', state: 'new', Label: 'x' })).toEqual({
      ok: true,
      values: ['1', 'EUR', 'DE', '3', 'new', 'x', '6'],
    });
    expect(validate({ id: 2 })).toEqual({ ok: true, values: ['2', null, null, null, null, null, null] });
  });

  it('rejects with every reason: field, value and rule', () => {
    const result = validate({ code: 'EURO', country: 'XX', qty: 0, state: 'gone', Label: 'far too long a label', extra: 1 });
    expect(result).toEqual({
      ok: false,
      rejections: [
        { field: 'id', value: null, rule: 'required', message: 'id is required' },
        { field: 'code', value: 'EURO', rule: 'check', message: '"EURO" is not an ISO 4217 currency code' },
        { field: 'country', value: 'XX', rule: 'check', message: '"XX" is not an ISO 3166-1 alpha-2 country code' },
        { field: 'qty', value: 0, rule: 'range', message: '0 is below the minimum 1' },
        { field: 'state', value: 'gone', rule: 'check', message: '"gone" is not one of new, old' },
        { field: 'Label', value: 'far too long a label', rule: 'length', message: expect.any(String) },
        { field: 'extra', value: 1, rule: 'unknown-field', message: expect.stringContaining('not in the schema') },
      ],
    });
    expect(validate([1, 2])).toMatchObject({ ok: false, rejections: [{ rule: 'not-an-object' }] });
  });

  it('keeps "" apart from NULL: a text column stores it, any other column rejects it', () => {
    expect(validate({ id: 1, Label: '', state: null })).toEqual({ ok: true, values: ['1', null, null, null, null, '', null] });
    expect(validate({ id: 1, qty: '' })).toEqual({
      ok: false,
      rejections: [{ field: 'qty', value: '', rule: 'type', message: '"" is not a whole number' }],
    });
  });

  it('reads "" as NULL in a column that opts in with emptyAsNull', () => {
    const lenient = compileRowValidator(
      definePipeline({
        ...base,
        target: { ...base.target, columns: { ...base.target.columns, qty: { type: types.integer(), emptyAsNull: true } } },
      }),
    );
    expect(lenient({ id: 1, qty: '' })).toEqual({ ok: true, values: ['1', null, null, null, null, null, null] });
  });

  it('reports the most specific rule: a code of the wrong length is not a code, a number beyond a double is out of range', () => {
    expect(validate({ id: 1, code: 'DOLLARS', state: 'ancient' })).toMatchObject({
      rejections: [
        { field: 'code', rule: 'check', message: '"DOLLARS" is not an ISO 4217 currency code' },
        { field: 'state', rule: 'check', message: '"ancient" is not one of new, old' },
      ],
    });
    expect(validate(JSON.parse('{"id":1,"qty":1e309}'))).toMatchObject({ rejections: [{ field: 'qty', rule: 'range' }] });
    expect(validate({ id: 1, qty: 'three' })).toMatchObject({ rejections: [{ field: 'qty', rule: 'type' }] });
  });

  it('reads fields by name whatever their order, from record to record', () => {
    const full = ['1', 'EUR', 'DE', '3', 'new', 'x', '6'];
    const check = compileRowValidator(definePipeline(base)); // a fresh one: no key order seen yet
    expect(check({ id: 1, code: 'EUR', country: 'DE', qty: '3', state: 'new', Label: 'x' })).toEqual({ ok: true, values: full });
    expect(check({ Label: 'x', state: 'new', qty: '3', country: 'DE', code: 'EUR', id: 1 })).toEqual({ ok: true, values: full });
    // a field missing shifts the rest; an unknown one in the middle; then the usual order again
    expect(check({ id: 2, country: 'DE', qty: '3' })).toEqual({ ok: true, values: ['2', null, 'DE', '3', null, null, '6'] });
    expect(check({ id: 1, code: 'EUR', odd: 1, country: 'DE', qty: '3', state: 'new', Label: 'x' })).toMatchObject({
      ok: false,
      rejections: [{ field: 'odd', rule: 'unknown-field' }],
    });
    expect(check({ id: 1, code: 'EUR', country: 'DE', qty: '3', state: 'new', Label: 'x' })).toEqual({ ok: true, values: full });
  });

  it('gives derived columns a read-only view of the row', () => {
    const kept: Record<string, string | null>[] = [];
    const spy = compileRowValidator(
      definePipeline({
        ...base,
        target: {
          ...base.target,
          derived: {
            double_qty: {
              type: types.bigint(),
              compute: (row) => {
                kept.push({ ...row });
                expect(() => ((row as Record<string, string | null>).qty = '99')).toThrow(TypeError);
                return row.qty === null ? null : String(Number(row.qty) * 2);
              },
            },
          },
        },
      }),
    );
    expect(spy({ id: 1, qty: 4, Label: 'x' })).toEqual({ ok: true, values: ['1', null, null, '4', null, 'x', '8'] });
    expect(kept).toEqual([{ id: '1', code: null, country: null, qty: '4', state: null, label: 'x' }]);
  });

  it('stops the file on an unknown field when the drift policy is fail', () => {
    const strict = compileRowValidator(definePipeline({ ...base, drift: 'fail' }));
    expect(() => strict({ id: 1, surprise: true })).toThrow(SchemaDriftError);
  });

  describe('drift policy add-columns', () => {
    const adding = compileRowValidator(definePipeline({ ...base, drift: 'add-columns' }));

    it('keeps unknown fields as text for added columns: strings as they are ("" too), other values as JSON, null ones left out', () => {
      expect(adding({ id: 1, channel: 'web', score: 4.5, vip: true, tags: ['a', 'b'], gone: null, blank: '' })).toEqual({
        ok: true,
        values: ['1', null, null, null, null, null, null],
        added: {
          names: ['channel', 'score', 'vip', 'tags', 'blank'],
          json: JSON.stringify({ channel: 'web', score: '4.5', vip: 'true', tags: '["a","b"]', blank: '' }),
        },
      });
      expect(adding({ id: 2 })).toEqual({ ok: true, values: ['2', null, null, null, null, null, null] });
    });

    it('rejects a field that cannot be a column name, or would take a name the table uses already', () => {
      expect(adding({ id: 1, Channel: 'web', _etl_x: 1, double_qty: 3, 'a-b': 1 })).toEqual({
        ok: false,
        rejections: [
          { field: 'Channel', value: 'web', rule: 'unknown-field', message: expect.stringContaining('plain lower-case identifiers') },
          { field: '_etl_x', value: 1, rule: 'unknown-field', message: expect.stringContaining('not starting with _etl') },
          { field: 'double_qty', value: 3, rule: 'unknown-field', message: expect.stringContaining('already has a column "double_qty"') },
          { field: 'a-b', value: 1, rule: 'unknown-field', message: expect.stringContaining('(drift policy: add-columns)') },
        ],
      });
    });

    it('rejects added values Redshift cannot hold: NUL characters, over 65,535 bytes alone or together', () => {
      expect(adding({ id: 1, note2: 'a\u0000b' })).toMatchObject({ ok: false, rejections: [{ field: 'note2', rule: 'characters' }] });
      expect(adding({ id: 1, blob: 'é'.repeat(40_000) })).toMatchObject({
        ok: false,
        rejections: [{ field: 'blob', rule: 'length', message: expect.stringContaining('80000 bytes') }],
      });
      expect(adding({ id: 1, a: 'x'.repeat(40_000), b: 'y'.repeat(40_000) })).toMatchObject({
        ok: false,
        rejections: [{ field: '(added fields)', rule: 'length' }],
      });
    });
  });
});
