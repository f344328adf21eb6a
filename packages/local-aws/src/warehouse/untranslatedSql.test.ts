import { untranslatedConstruct } from './untranslatedSql';

const notFound = (name: string) => ({ code: '42883', message: `function ${name}(integer) does not exist` });
const syntax = { code: '42601', message: 'syntax error at or near "("' };

describe('untranslatedConstruct', () => {
  it('names a Redshift function Postgres lacks, and the spatial family by prefix', () => {
    expect(untranslatedConstruct('SELECT RATIO_TO_REPORT(x) OVER () FROM t', notFound('ratio_to_report'))).toMatch(
      /^The Redshift function RATIO_TO_REPORT is not supported by the local warehouse/,
    );
    expect(untranslatedConstruct('SELECT ST_Distance(a, b)', notFound('st_distance'))).toMatch(
      /^ST_DISTANCE \(a Redshift spatial function\) is not supported/,
    );
    expect(untranslatedConstruct('SELECT my_udf(1)', notFound('my_udf'))).toBeUndefined();
  });

  it('names PIVOT, UNPIVOT and QUALIFY clauses, not columns that carry those names', () => {
    expect(untranslatedConstruct('SELECT * FROM t PIVOT (SUM(b) FOR c IN (1, 2))', syntax)).toMatch(/^PIVOT is not supported/);
    expect(untranslatedConstruct('SELECT * FROM t UNPIVOT (v FOR k IN (a, b))', syntax)).toMatch(/^UNPIVOT is not supported/);
    expect(untranslatedConstruct('SELECT a FROM t QUALIFY ROW_NUMBER() OVER (ORDER BY a) = 1', syntax)).toMatch(/^QUALIFY is not/);
    expect(untranslatedConstruct('SELECT qualify FROM t WHERE qualify = 1 AND (', syntax)).toBeUndefined();
    expect(untranslatedConstruct("SELECT 'PIVOT (' FROM t WHERE (", syntax)).toBeUndefined();
  });

  it('leaves other errors alone', () => {
    expect(untranslatedConstruct('SELECT * FROM t PIVOT (x)', { code: '42P01', message: 'relation "t" does not exist' })).toBeUndefined();
  });
});
