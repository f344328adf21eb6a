import { superNavigationError } from './superNavigation';

const columns = async () => new Set(['payload', 'c_orders']);
const refused = (sql: string, code = '42P01') => superNavigationError(sql, { message: 'from Postgres', code }, columns);

describe('superNavigationError', () => {
  it('names a PartiQL path into a SUPER column and says what runs in both', async () => {
    await expect(refused('SELECT payload.customer.id FROM ev')).resolves.toBe(
      "PartiQL navigation of a SUPER value (payload.customer.id) is not supported by the local warehouse (Redshift SQL run on Postgres; what it translates is listed in @etl/local-aws's README). Read the value with JSON_EXTRACT_PATH_TEXT(JSON_SERIALIZE(payload), 'customer', 'id'), which runs in both.",
    );
    await expect(refused('SELECT e.Payload."eventType" FROM ev e', '0A000')).resolves.toMatch(
      /\(Payload\."eventType"\)[\s\S]*JSON_SERIALIZE\(Payload\), 'eventType'\)/,
    );
  });

  it('names paths with subscripts and FROM-clause unnesting, without a JSON_EXTRACT alternative', async () => {
    const message = await refused('SELECT c_orders[0].o_orderkey FROM t', '42809');
    expect(message).toMatch(/^PartiQL navigation of a SUPER value \(c_orders\[0\]\.o_orderkey\) is not supported/);
    expect(message).not.toMatch(/JSON_EXTRACT/);
    await expect(refused('SELECT o FROM t, t.c_orders.lines AS o', '0A000')).resolves.toMatch(/\(c_orders\.lines\)/);
  });

  it('knows SUPER values the statement names itself: JSON_PARSE, CAST … AS SUPER, ::SUPER', async () => {
    const none = async () => new Set<string>();
    const fromCte = "WITH e AS (SELECT JSON_PARSE('{}') AS doc) SELECT doc.customer FROM e";
    await expect(superNavigationError(fromCte, { message: '', code: '42P01' }, none)).resolves.toMatch(/\(doc\.customer\)/);
    const cast = 'SELECT x.body.id FROM (SELECT CAST(raw AS SUPER) body FROM t) x';
    await expect(superNavigationError(cast, { message: '', code: '0A000' }, none)).resolves.toMatch(/\(body\.id\)/);
    const colon = 'SELECT v.a FROM (SELECT raw::super AS v FROM t) s';
    await expect(superNavigationError(colon, { message: '', code: '42P01' }, none)).resolves.toMatch(/\(v\.a\)/);
    await expect(
      superNavigationError('SELECT CAST(x AS INT) n, n.a FROM t', { message: '', code: '42P01' }, none),
    ).resolves.toBeUndefined();
  });

  it('leaves other failures alone: other codes, columns that are not SUPER, a subscript alone', async () => {
    await expect(refused('SELECT payload.customer FROM ev', '42883')).resolves.toBeUndefined();
    await expect(refused('SELECT other.customer FROM ev')).resolves.toBeUndefined();
    await expect(refused('SELECT ev.payload FROM missing')).resolves.toBeUndefined();
    await expect(refused("SELECT payload[0], 'payload.x' FROM ev")).resolves.toBeUndefined();
  });
});
