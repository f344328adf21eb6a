import { DescribeStatementCommand, ExecuteStatementCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { LOCAL_CREDENTIALS } from '../src';
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

  /** Runs one statement: undefined when it finished, else its error. */
  async function run(Sql: string): Promise<string | undefined> {
    const { Id } = await client.send(new ExecuteStatementCommand({ WorkgroupName: 'etl-dev', Database: 'analytics', Sql }));
    for (;;) {
      const described = await client.send(new DescribeStatementCommand({ Id }));
      if (described.Status === 'FINISHED') return undefined;
      if (described.Status === 'FAILED' || described.Status === 'ABORTED') return described.Error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

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
});
