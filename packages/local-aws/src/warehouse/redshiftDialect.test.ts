import { translate } from './redshiftDialect';
import { bindNamedParameters, splitStatements } from './sqlTokens';

const sql = (statement: string) => {
  const translated = translate(statement);
  if (translated.kind !== 'sql') throw new Error(`expected sql, got ${translated.kind}`);
  return translated.sql.replace(/\s+/g, ' ').trim();
};

describe('translate', () => {
  it('leaves PRIMARY KEY, UNIQUE and FOREIGN KEY out, as Redshift never enforces them; a primary key keeps its columns NOT NULL', () => {
    expect(sql('CREATE TABLE t (id INT PRIMARY KEY, code VARCHAR(10) UNIQUE, parent INT REFERENCES public.p (id), v INT NOT NULL)')).toBe(
      'CREATE TABLE t (id INT NOT NULL, code VARCHAR(10) , parent INT , v INT NOT NULL)',
    );
    expect(
      sql('CREATE TABLE x (a int, b int, CONSTRAINT pk PRIMARY KEY (a, b), CONSTRAINT u UNIQUE (a), FOREIGN KEY (a) REFERENCES y(b))'),
    ).toBe('CREATE TABLE x (a int, b int, CHECK (a IS NOT NULL AND b IS NOT NULL))');
    expect(sql('CREATE TABLE z AS SELECT (1) AS a')).toBe('CREATE TABLE z AS SELECT (1) AS a');
    expect(translate('ALTER TABLE t ADD CONSTRAINT pk PRIMARY KEY (id)')).toMatchObject({ kind: 'noop' });
  });

  it('refuses a MERGE Redshift refuses: a subquery source, a WITH clause, one WHEN clause, a target alias, a WHEN … AND', () => {
    const refused = (statement: string) => {
      const translated = translate(statement);
      return translated.kind === 'unsupported' ? translated.message : `ran as ${translated.kind}`;
    };
    const whens = 'WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.v)';
    expect(refused(`MERGE INTO t USING (SELECT 1 AS id) s ON t.id = s.id ${whens}`)).toMatch(/^MERGE's source must be a table/);
    expect(refused(`WITH s AS (SELECT 1) MERGE INTO t USING s ON t.id = s.id ${whens}`)).toMatch(/can't use the WITH clause in a MERGE/);
    expect(refused('MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE')).toBe(
      'MERGE statement with a single WHEN clause is not enabled.',
    );
    expect(refused(`MERGE INTO t AS x USING s ON x.id = s.id ${whens}`)).toMatch(/alias on the target/);
    expect(
      refused('MERGE INTO t USING s ON t.id = s.id WHEN MATCHED AND s.v > 0 THEN DELETE WHEN NOT MATCHED THEN INSERT VALUES (1)'),
    ).toMatch(/condition \(WHEN … AND …\)/);
    expect(translate(`MERGE INTO public.t USING etl_merge s ON public.t.id = s.id ${whens}`)).toMatchObject({
      kind: 'sql',
      mergeSource: 'etl_merge',
    });
  });

  it('drops distribution, sort keys and encodings, and maps IDENTITY and VARCHAR(MAX)', () => {
    expect(
      sql(`CREATE TABLE IF NOT EXISTS analytics.orders (
        id BIGINT IDENTITY(1, 1) ENCODE az64,
        order_id VARCHAR(64) NOT NULL ENCODE zstd DISTKEY,
        note VARCHAR(MAX) ENCODE lzo,
        updated_at TIMESTAMP SORTKEY,
        PRIMARY KEY (order_id)
      ) DISTSTYLE KEY DISTKEY (order_id) COMPOUND SORTKEY (updated_at, order_id) BACKUP NO`),
    ).toBe(
      'CREATE TABLE IF NOT EXISTS analytics.orders ( id BIGINT GENERATED ALWAYS AS IDENTITY (START WITH 1 INCREMENT BY 1) , order_id VARCHAR(64) NOT NULL , note VARCHAR(65535) , updated_at TIMESTAMP , CHECK (order_id IS NOT NULL))',
    );
  });

  it('drops INTERLEAVED SORTKEY, SORTKEY AUTO, DISTSTYLE ALL and ENCODE AUTO', () => {
    expect(sql('CREATE TABLE t (a INT) DISTSTYLE ALL INTERLEAVED SORTKEY (a)')).toBe('CREATE TABLE t (a INT)');
    expect(sql('CREATE TEMP TABLE t (a INT) SORTKEY AUTO ENCODE AUTO')).toBe('CREATE TEMP TABLE t (a INT)');
  });

  it('leaves CREATE TEMP TABLE ... (LIKE ...) and MERGE as they are', () => {
    expect(sql('CREATE TEMP TABLE stage_orders (LIKE orders)')).toBe('CREATE TEMP TABLE stage_orders (LIKE orders)');
    const merge =
      'MERGE INTO orders USING stage_orders s ON orders.order_id = s.order_id WHEN MATCHED THEN UPDATE SET note = s.note WHEN NOT MATCHED THEN INSERT VALUES (s.order_id, s.note)';
    expect(sql(merge)).toBe(merge);
  });

  it('does not touch words inside strings or quoted names', () => {
    expect(sql(`INSERT INTO t VALUES ('ENCODE zstd DISTKEY', 'VARCHAR(MAX)')`)).toBe(
      `INSERT INTO t VALUES ('ENCODE zstd DISTKEY', 'VARCHAR(MAX)')`,
    );
    expect(sql('CREATE TABLE "sortkey" ("encode" INT)')).toBe('CREATE TABLE "sortkey" ("encode" INT)');
    expect(sql("CREATE TABLE h AS SELECT encode(sha256(v::bytea), 'hex') AS digest FROM t")).toBe(
      "CREATE TABLE h AS SELECT encode(sha256(v::bytea), 'hex') AS digest FROM t",
    );
  });

  it('maps VACUUM and ANALYZE forms', () => {
    expect(translate('VACUUM FULL analytics.orders TO 99 PERCENT BOOST')).toEqual({
      kind: 'sql',
      sql: 'VACUUM analytics.orders',
      transactional: false,
    });
    expect(translate('VACUUM SORT ONLY')).toEqual({ kind: 'sql', sql: 'VACUUM', transactional: false });
    expect(sql('ANALYZE orders PREDICATE COLUMNS')).toBe('ANALYZE orders');
    expect(sql('ANALYZE orders (order_id, updated_at)')).toBe('ANALYZE orders (order_id, updated_at)');
    expect(translate('ANALYZE COMPRESSION orders').kind).toBe('noop');
  });

  it('quotes bare date parts of DATEADD, DATEDIFF and DATE_PART, and makes bare SYSDATE a call', () => {
    expect(sql('SELECT DATEADD(day, 1, GETDATE()), DATEDIFF(hrs, a, b), date_part(dow, c), SYSDATE FROM t')).toBe(
      "SELECT DATEADD('day', 1, GETDATE()), DATEDIFF('hrs', a, b), date_part('dow', c), sysdate() FROM t",
    );
    expect(sql("SELECT DATEADD('month', 1, x), t.sysdate FROM t")).toBe("SELECT DATEADD('month', 1, x), t.sysdate FROM t");
  });

  it('rewrites LISTAGG, MEDIAN, DECODE and APPROXIMATE COUNT, nested too', () => {
    expect(sql("SELECT LISTAGG(name, ', ') WITHIN GROUP (ORDER BY DATEADD(day, 1, at)) FROM t")).toBe(
      "SELECT string_agg((name)::text, ', ' ORDER BY DATEADD('day', 1, at)) FROM t",
    );
    expect(sql('SELECT LISTAGG(DISTINCT code) FROM t')).toBe("SELECT string_agg(DISTINCT (code)::text, '') FROM t");
    expect(sql('SELECT MEDIAN(qty) FROM t')).toBe('SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY qty) FROM t');
    expect(sql("SELECT DECODE(s, 'a', 1, 'b', DECODE(x, 1, 2), 0) FROM t")).toBe(
      "SELECT CASE WHEN (s) IS NOT DISTINCT FROM ('a') THEN 1 WHEN (s) IS NOT DISTINCT FROM ('b') THEN CASE WHEN (x) IS NOT DISTINCT FROM (1) THEN 2 END ELSE 0 END FROM t",
    );
    expect(sql("SELECT decode('aGk=', 'base64')")).toBe("SELECT decode('aGk=', 'base64')"); // Postgres's own
    expect(sql('SELECT APPROXIMATE COUNT(DISTINCT id) FROM t')).toBe('SELECT COUNT(DISTINCT id) FROM t');
  });

  it('turns TOP n into LIMIT n at the end of its own query level', () => {
    expect(sql('SELECT TOP 10 * FROM t ORDER BY a')).toBe('SELECT * FROM t ORDER BY a LIMIT 10');
    expect(sql('SELECT * FROM (SELECT DISTINCT TOP 2 a FROM t ORDER BY a) s WHERE a > 0')).toBe(
      'SELECT * FROM (SELECT DISTINCT a FROM t ORDER BY a LIMIT 2) s WHERE a > 0',
    );
  });

  it('points Redshift catalog views at their local stand-ins, and refuses Redshift-only statements by name', () => {
    expect(sql('SELECT "column", type FROM PG_TABLE_DEF WHERE tablename = \'orders\'')).toBe(
      'SELECT "column", type FROM local_aws.pg_table_def WHERE tablename = \'orders\'',
    );
    expect(translate("CREATE EXTERNAL SCHEMA s FROM DATA CATALOG DATABASE 'd'")).toEqual({
      kind: 'unsupported',
      message: expect.stringMatching(/^External schemas and tables \(Redshift Spectrum\) is not supported by the local warehouse/),
    });
    expect(translate('SHOW TABLES FROM SCHEMA dev.public').kind).toBe('unsupported');
  });

  it('recognises COPY from S3', () => {
    expect(translate("COPY orders FROM 's3://b/staged/' IAM_ROLE default CSV GZIP").kind).toBe('copy');
  });
});

describe('SQL helpers', () => {
  it('splits statements at top-level semicolons only', () => {
    expect(splitStatements("SELECT 1; SELECT ';' AS s; -- done;\n")).toEqual(['SELECT 1', "SELECT ';' AS s"]);
  });

  it('binds named parameters in order, leaving casts alone', () => {
    expect(
      bindNamedParameters('SELECT :a::int, :b, :a', [
        { name: 'b', value: 'x' },
        { name: 'a', value: '1' },
      ]),
    ).toEqual({ sql: 'SELECT $1::int, $2, $1', values: ['1', 'x'] });
    expect(() => bindNamedParameters('SELECT :missing', [])).toThrow('no parameter named "missing"');
    expect(() => bindNamedParameters('SELECT 1', [{ name: 'extra', value: '1' }])).toThrow('"extra" is not used');
  });
});
