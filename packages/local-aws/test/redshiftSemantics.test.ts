import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import pg from 'pg';
import { LOCAL_CREDENTIALS } from '../src';
import { CI_POSTGRES } from '../src/freshDatabase';
import { openPostgres } from '../src/warehouse/postgresDatabase';
import { startTestStack } from '../src/testStack';
import type { Engine, TestStack } from '../src/testStack';

jest.setTimeout(60_000);

/** Where Redshift's semantics differ from Postgres's, the local warehouse answers as Redshift does, on both engines. */
describe.each<Engine>(['pglite', 'postgres'])('Redshift semantics on %s', (engine) => {
  let stack: TestStack;
  let client: RedshiftDataClient;
  beforeAll(async () => {
    stack = await startTestStack(engine);
    client = new RedshiftDataClient({ endpoint: stack.endpoints.redshiftData, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  }, 60_000);
  afterAll(async () => {
    client?.destroy();
    await stack?.cleanup();
  });

  /** Runs one statement to its end: its id, and its error unless it finished. */
  async function settle(Sql: string): Promise<{ id: string; error?: string }> {
    const { Id } = await client.send(new ExecuteStatementCommand({ WorkgroupName: 'etl-dev', Database: 'analytics', Sql }));
    for (;;) {
      const described = await client.send(new DescribeStatementCommand({ Id }));
      if (described.Status === 'FINISHED') return { id: Id! };
      if (described.Status === 'FAILED' || described.Status === 'ABORTED') return { id: Id!, error: described.Error };
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Runs statements as one transaction (a batch): undefined when it committed, else its error. */
  async function transaction(Sqls: string[]): Promise<string | undefined> {
    const { Id } = await client.send(new BatchExecuteStatementCommand({ WorkgroupName: 'etl-dev', Database: 'analytics', Sqls }));
    for (;;) {
      const described = await client.send(new DescribeStatementCommand({ Id }));
      if (described.Status === 'FINISHED') return undefined;
      if (described.Status === 'FAILED' || described.Status === 'ABORTED') return described.Error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Runs one statement: undefined when it finished, else its error. */
  const run = async (Sql: string) => (await settle(Sql)).error;

  /** A statement's rows as plain values. */
  async function rowsOf(Sql: string): Promise<unknown[][]> {
    const { id, error } = await settle(Sql);
    if (error !== undefined) throw new Error(error);
    const { Records = [] } = await client.send(new GetStatementResultCommand({ Id: id }));
    return Records.map((row) => row.map((field) => (field.isNull ? null : Object.values(field)[0])));
  }

  it('orders text by UTF-8 bytes, as Redshift does: upper case before lower, U+1F600 after U+E000', async () => {
    expect(
      await rowsOf(
        `SELECT v FROM (SELECT 'a' AS v UNION ALL SELECT 'B' UNION ALL SELECT '\u{1F600}' UNION ALL SELECT '\uE000') t ORDER BY v`,
      ),
    ).toEqual([['B'], ['a'], ['\uE000'], ['\u{1F600}']]);
  });

  it('stores a duplicate primary key, UNIQUE value and dangling foreign key: keys are informational', async () => {
    expect(await run('CREATE TABLE parents (id INT PRIMARY KEY, code VARCHAR(8) UNIQUE)')).toBeUndefined();
    expect(await run('CREATE TABLE children (id INT, parent INT REFERENCES parents (id), PRIMARY KEY (id))')).toBeUndefined();
    expect(await run("INSERT INTO parents VALUES (1, 'a'), (1, 'a')")).toBeUndefined();
    expect(await run('INSERT INTO children VALUES (7, 99), (7, 99)')).toBeUndefined();
    // NOT NULL stays enforced, and a primary key's columns are NOT NULL
    expect(await run("INSERT INTO parents VALUES (NULL, 'b')")).toMatch(/null value|NOT NULL|violates/i);
  });

  it('refuses a MERGE from a subquery or a view, and takes one from a table', async () => {
    await run('CREATE TABLE target (id INT, v INT)');
    await run('CREATE TABLE source (id INT, v INT)');
    await run('INSERT INTO source VALUES (1, 10)');
    await run('CREATE VIEW source_view AS SELECT * FROM source');
    const whens = 'WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.v)';
    expect(await run(`MERGE INTO target USING (SELECT * FROM source) s ON target.id = s.id ${whens}`)).toMatch(
      /^ERROR: MERGE's source must be a table/,
    );
    expect(await run(`MERGE INTO target USING source_view s ON target.id = s.id ${whens}`)).toMatch(/source_view is a view/);
    expect(await run(`MERGE INTO target USING source s ON target.id = s.id ${whens}`)).toBeUndefined();
  });

  it('names several source rows for one target row as Redshift does', async () => {
    await run('CREATE TABLE merged (id INT, v INT)');
    await run('CREATE TABLE doubled (id INT, v INT)');
    await run('INSERT INTO merged VALUES (1, 0)');
    await run('INSERT INTO doubled VALUES (1, 1), (1, 2)');
    expect(
      await run(
        'MERGE INTO merged USING doubled s ON merged.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.v)',
      ),
    ).toBe('ERROR: Found multiple matches to update the same tuple.');
  });

  it('refuses an explicit value for an IDENTITY column, and takes one where it is GENERATED BY DEFAULT', async () => {
    expect(await run('CREATE TABLE ids (id BIGINT IDENTITY(1, 1), v INT)')).toBeUndefined();
    expect(await run('INSERT INTO ids (v) VALUES (1)')).toBeUndefined();
    expect(await run('INSERT INTO ids (id, v) VALUES (7, 2)')).toBe('ERROR: cannot set an identity column to a value');
    expect(await run('CREATE TABLE ids_by_default (id BIGINT GENERATED BY DEFAULT AS IDENTITY(1, 1), v INT)')).toBeUndefined();
    expect(await run('INSERT INTO ids_by_default (id, v) VALUES (7, 2)')).toBeUndefined();
  });

  it('truncates a DATE (or an untyped literal) to a TIMESTAMP, as Redshift does', async () => {
    expect(
      await run("CREATE TABLE truncated AS SELECT DATE_TRUNC('month', DATE '2026-12-06') AS d, DATE_TRUNC('month', '2026-12-06') AS l"),
    ).toBeUndefined();
    expect(
      await run(
        "SELECT 1 FROM truncated WHERE pg_typeof(d)::text = 'timestamp without time zone' AND pg_typeof(l)::text = 'timestamp without time zone' AND d::text = '2026-12-01 00:00:00' HAVING COUNT(*) = 1",
      ),
    ).toBeUndefined();
  });

  it('refuses an UNLOAD whose outermost SELECT has a LIMIT, and takes one in a subquery', async () => {
    expect(await run("UNLOAD ('SELECT 1 LIMIT 1') TO 's3://nowhere/x/'")).toMatch(/LIMIT in the outermost SELECT is not supported/);
  });

  it('refuses a query string over 100 KB, as the Data API does', async () => {
    const long = `SELECT '${'x'.repeat(100 * 1024)}'`;
    await expect(
      client.send(new ExecuteStatementCommand({ WorkgroupName: 'etl-dev', Database: 'analytics', Sql: long })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Cannot process query string larger than 100kB',
    });
  });

  it('keeps each query in SYS_QUERY_HISTORY and each COPY in SYS_LOAD_HISTORY', async () => {
    expect(await run("SELECT 'history marker' AS m")).toBeUndefined();
    expect(await run('SELECT no_such_column_here FROM parents')).toMatch(/no_such_column_here/);
    const history = await rowsOf(
      "SELECT trim(query_type), trim(status), returned_rows FROM sys_query_history WHERE query_text LIKE '%history marker%' OR query_text LIKE '%no_such_column_here%' ORDER BY query_id",
    );
    expect(history).toEqual([
      ['SELECT', 'success', 1],
      ['SELECT', 'failed', 0],
    ]);
    expect(await run("COPY parents FROM 's3://nowhere-at-all/x.csv' CSV")).toBeDefined();
    expect(
      await rowsOf(
        "SELECT status, table_name, data_source, file_format FROM sys_load_history WHERE data_source = 's3://nowhere-at-all/x.csv'",
      ),
    ).toEqual([['aborted', 'parents', 's3://nowhere-at-all/x.csv', 'csv']]);
  });

  it('runs under snapshot isolation until ALTER DATABASE asks for SERIALIZABLE, and then fails a write skew with error 1023', async () => {
    const level = () => rowsOf('SELECT trim(db_name), trim(isolation_level) FROM stv_db_isolation_level');
    expect(await level()).toEqual([['analytics', 'Snapshot Isolation']]);
    expect(await run('ALTER DATABASE elsewhere ISOLATION LEVEL SERIALIZABLE')).toBe('ERROR: database "elsewhere" does not exist');
    await run('CREATE TABLE skew_a (v INT)');
    await run('CREATE TABLE skew_b (v INT)');
    // each reads the table the other writes: no serial order gives both results (a write skew)
    const skew = () =>
      Promise.all([
        transaction(['SELECT count(*) FROM skew_a', 'SELECT pg_sleep(0.3)', 'INSERT INTO skew_b VALUES (1)']),
        transaction(['SELECT count(*) FROM skew_b', 'SELECT pg_sleep(0.3)', 'INSERT INTO skew_a VALUES (1)']),
      ]);
    // one engine connection on PGlite: its transactions never overlap, so only Postgres shows the difference
    if (engine === 'postgres') expect(await skew()).toEqual([undefined, undefined]);
    expect(await run('ALTER DATABASE analytics ISOLATION LEVEL SERIALIZABLE')).toBeUndefined();
    try {
      expect(await level()).toEqual([['analytics', 'Serializable']]);
      if (engine === 'postgres') {
        const errors = (await skew()).filter((error) => error !== undefined);
        expect(errors).toEqual([expect.stringMatching(/^ERROR: 1023 DETAIL: Serializable isolation violation on table/)]);
      }
    } finally {
      expect(await run('ALTER DATABASE analytics ISOLATION LEVEL SNAPSHOT')).toBeUndefined();
    }
    expect(await level()).toEqual([['analytics', 'Snapshot Isolation']]);
  });
});

describe('the local warehouse on a Postgres database', () => {
  it('refuses a database whose collation orders text unlike Redshift (an ICU en-US one), naming how to create one that does', async () => {
    const admin = new pg.Client({ connectionString: CI_POSTGRES });
    await admin.connect();
    const name = `etl_linguistic_${Date.now()}`;
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`);
      const url = new URL(CI_POSTGRES);
      url.pathname = `/${name}`;
      await expect(openPostgres(url.toString())).rejects.toThrow(/orders text unlike Redshift.*LC_COLLATE 'C'/);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
