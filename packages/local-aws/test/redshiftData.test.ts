import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  DescribeTableCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  ListDatabasesCommand,
  ListSchemasCommand,
  ListStatementsCommand,
  paginateGetStatementResult,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import type { DescribeStatementCommandOutput, Field, SqlParameter } from '@aws-sdk/client-redshift-data';
import { startTestStack } from '../src/testStack';
import type { Engine } from '../src/testStack';

jest.setTimeout(60_000);

/** The local Redshift Data API, on PGlite and on Postgres, driven by the real SDK v3 clients. */
describe.each<Engine>(['pglite', 'postgres'])('local Redshift Data API on %s', (engine) => {
  let cleanup: () => Promise<void>;
  let redshift: RedshiftDataClient;
  let s3: S3Client;
  let endpoint: string;
  const target = { WorkgroupName: 'etl-dev', Database: 'analytics' };

  beforeAll(async () => {
    const stack = await startTestStack(engine, { resultPageRows: 100 });
    cleanup = stack.cleanup;
    const { endpoints } = stack;
    endpoint = endpoints.redshiftData;
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    redshift = new RedshiftDataClient({ endpoint: endpoints.redshiftData, region: 'us-east-1', credentials });
    s3 = new S3Client({ endpoint: endpoints.s3, forcePathStyle: true, region: 'us-east-1', credentials });
    await s3.send(new CreateBucketCommand({ Bucket: 'etl-data-test' }));
  }, 120_000);
  afterAll(async () => {
    redshift?.destroy();
    s3?.destroy();
    await cleanup?.();
  });

  async function settle(id: string): Promise<DescribeStatementCommandOutput> {
    for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
      const description = await redshift.send(new DescribeStatementCommand({ Id: id }));
      if (['FINISHED', 'FAILED', 'ABORTED'].includes(description.Status!)) return description;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
  async function run(Sql: string, Parameters?: SqlParameter[]): Promise<DescribeStatementCommandOutput> {
    const { Id } = await redshift.send(new ExecuteStatementCommand({ ...target, Sql, Parameters }));
    return settle(Id!);
  }
  async function ok(Sql: string, Parameters?: SqlParameter[]): Promise<DescribeStatementCommandOutput> {
    const description = await run(Sql, Parameters);
    if (description.Status !== 'FINISHED') throw new Error(`${Sql}\n→ ${description.Status}: ${description.Error}`);
    return description;
  }
  async function rows(Sql: string, Parameters?: SqlParameter[]): Promise<Field[][]> {
    const { Id } = await ok(Sql, Parameters);
    const all: Field[][] = [];
    for await (const page of paginateGetStatementResult({ client: redshift }, { Id })) all.push(...(page.Records ?? []));
    return all;
  }
  const plain = (records: Field[][]) =>
    records.map((row) => row.map((f) => (f.isNull ? null : (f.stringValue ?? f.longValue ?? f.doubleValue ?? f.booleanValue))));
  async function putObject(Key: string, body: string | Buffer): Promise<void> {
    await s3.send(new PutObjectCommand({ Bucket: 'etl-data-test', Key, Body: body }));
  }

  it('accepts Redshift DDL: DISTKEY, SORTKEY, ENCODE, IDENTITY, VARCHAR(MAX), GETDATE()', async () => {
    await ok(`CREATE TABLE orders (
      id BIGINT IDENTITY(100, 1) ENCODE az64,
      order_id VARCHAR(32) NOT NULL ENCODE zstd DISTKEY,
      quantity INTEGER,
      unit_price DECIMAL(12, 2),
      note VARCHAR(MAX),
      loaded_at TIMESTAMP DEFAULT GETDATE(),
      PRIMARY KEY (order_id)
    ) DISTSTYLE KEY COMPOUND SORTKEY (order_id)`);
    await ok(`INSERT INTO orders (order_id, quantity, unit_price, note) VALUES ('o-1', 2, 9.99, NULL)`);
    const [[id, note, loadedAt]] = plain(await rows('SELECT id, note, loaded_at FROM orders')) as [[number, null, string]];
    expect([id, note]).toEqual([100, null]);
    expect(String(loadedAt)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('binds named parameters and returns typed fields with column metadata', async () => {
    const { Id } = await ok(
      'SELECT :n::int AS n, :x::float8 AS x, :b::boolean AS b, :s AS s, NULL::text AS nothing, 12.50::numeric(5,2) AS price, :n::bigint * 2 AS big',
      [
        { name: 'n', value: '21' },
        { name: 'x', value: '1.5' },
        { name: 'b', value: 'true' },
        { name: 's', value: "it's" },
      ],
    );
    const result = await redshift.send(new GetStatementResultCommand({ Id }));
    expect(result.Records).toEqual([
      [
        { longValue: 21 },
        { doubleValue: 1.5 },
        { booleanValue: true },
        { stringValue: "it's" },
        { isNull: true },
        { stringValue: '12.50' },
        { longValue: 42 },
      ],
    ]);
    expect(result.ColumnMetadata?.map((c) => [c.name, c.typeName])).toEqual([
      ['n', 'int4'],
      ['x', 'float8'],
      ['b', 'bool'],
      ['s', 'varchar'], // Redshift has no TEXT type (a TEXT column is VARCHAR(256))
      ['nothing', 'varchar'],
      ['price', 'numeric'],
      ['big', 'int8'],
    ]);
    const description = await redshift.send(new DescribeStatementCommand({ Id }));
    expect(description).toMatchObject({
      Status: 'FINISHED',
      HasResultSet: true,
      ResultRows: 1,
      QueryParameters: expect.arrayContaining([{ name: 'n', value: '21' }]),
    });
  });

  it('writes a BIGINT beyond 2^53 with all its digits, as Redshift does (boto3 and the CLIs read JSON integers exactly)', async () => {
    const { Id } = await ok('SELECT 9007199254740993::BIGINT AS big, 9223372036854775807::BIGINT AS most, 42::BIGINT AS small');
    // the wire text, as any client reads it: the SDK v3 for JavaScript rounds JSON numbers to doubles itself
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'RedshiftData.GetStatementResult' },
      body: JSON.stringify({ Id }),
    });
    const text = await response.text();
    expect(text).toContain('"longValue":9007199254740993');
    expect(text).toContain('"longValue":9223372036854775807');
    expect(text).toContain('"longValue":42');
  });

  it('pages results with NextToken', async () => {
    const { Id } = await ok('SELECT g AS n FROM generate_series(1, 250) g ORDER BY g');
    const first = await redshift.send(new GetStatementResultCommand({ Id }));
    expect([first.Records?.length, first.TotalNumRows, typeof first.NextToken]).toEqual([100, 250, 'string']);
    const numbers = plain(await rows('SELECT g AS n FROM generate_series(1, 250) g ORDER BY g')).map(([n]) => n);
    expect(numbers).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
  });

  it('reports a failed statement with the database error text', async () => {
    const description = await run('SELECT * FROM no_such_table');
    expect(description.Status).toBe('FAILED');
    expect(description.Error).toMatch(/^ERROR: relation "no_such_table" does not exist/);
    await expect(redshift.send(new GetStatementResultCommand({ Id: description.Id }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('runs statements asynchronously: SUBMITTED/STARTED first, FINISHED later', async () => {
    const { Id } = await redshift.send(new ExecuteStatementCommand({ ...target, Sql: 'SELECT pg_sleep(0.5)' }));
    const early = await redshift.send(new DescribeStatementCommand({ Id }));
    expect(['SUBMITTED', 'PICKED', 'STARTED']).toContain(early.Status);
    expect((await settle(Id!)).Status).toBe('FINISHED');
  });

  it('runs a batch in one transaction with sub-statement results', async () => {
    const { Id } = await redshift.send(
      new BatchExecuteStatementCommand({
        ...target,
        Sqls: ['CREATE TABLE batch_ok (v INT)', 'INSERT INTO batch_ok VALUES (1), (2)', 'SELECT sum(v) AS total FROM batch_ok'],
      }),
    );
    const description = await settle(Id!);
    expect(description.Status).toBe('FINISHED');
    expect(description.SubStatements?.map((s) => [s.Id, s.Status, s.ResultRows])).toEqual([
      [`${Id}:1`, 'FINISHED', 0],
      [`${Id}:2`, 'FINISHED', 2],
      [`${Id}:3`, 'FINISHED', 1],
    ]);
    expect((await redshift.send(new GetStatementResultCommand({ Id: `${Id}:3` }))).Records).toEqual([[{ longValue: 3 }]]);
  });

  /** A Data API call as any client sends it: its HTTP status and JSON body. */
  async function call(operation: string, body: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `RedshiftData.${operation}` },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('names and measures result columns as Redshift does: super, varchar, int4 of precision 10, timestamp 29/6', async () => {
    // AWS's documented GetStatementResult metadata: a literal or expression has no table, is nullable, length 0
    const { Id } = await ok(
      `SELECT 1::INT4 AS i4, 2::INT8 AS i8, 3::INT2 AS i2, true AS flag, 1.5::FLOAT8 AS f8, 'abc'::TEXT AS txt,
              '2026-01-01 00:00:00'::TIMESTAMP AS ts, '2026-01-01'::DATE AS d, JSON_PARSE('{"a": 1}') AS doc`,
    );
    const { ColumnMetadata } = await redshift.send(new GetStatementResultCommand({ Id }));
    const measure = (c: NonNullable<typeof ColumnMetadata>[number]) => [
      c.name,
      c.typeName,
      c.precision,
      c.scale,
      c.isSigned,
      c.isCaseSensitive,
    ];
    expect(ColumnMetadata?.map(measure)).toEqual([
      ['i4', 'int4', 10, 0, true, false],
      ['i8', 'int8', 19, 0, true, false],
      ['i2', 'int2', 5, 0, true, false],
      ['flag', 'bool', 1, 0, false, false],
      ['f8', 'float8', 17, 17, true, false],
      ['txt', 'varchar', 65535, 0, false, true],
      ['ts', 'timestamp', 29, 6, false, false],
      ['d', 'date', 13, 0, false, false],
      ['doc', 'super', 2147483647, 0, false, true],
    ]);
    for (const column of ColumnMetadata ?? [])
      expect(column).toMatchObject({ label: column.name, nullable: 1, length: 0, isCurrency: false, schemaName: '', tableName: '' });
  });

  it('gives a column read from a table its table, schema, NOT NULL, and the precision and scale its type declares', async () => {
    await ok('CREATE SCHEMA IF NOT EXISTS meta');
    await ok(
      'CREATE TABLE meta.measured (id INT4 NOT NULL, code VARCHAR(20), amount NUMERIC(12,2), initial CHAR(3), doc SUPER, note VARCHAR)',
    );
    await ok(`INSERT INTO meta.measured VALUES (1, 'a', 1.25, 'x', JSON_PARSE('[1]'), 'n')`);
    const { Id } = await ok('SELECT id, code, amount, initial, doc, note, 12.5::NUMERIC(5,2) AS price FROM meta.measured');
    const { ColumnMetadata } = await redshift.send(new GetStatementResultCommand({ Id }));
    const described = (c: NonNullable<typeof ColumnMetadata>[number]) => [
      c.name,
      c.typeName,
      c.precision,
      c.scale,
      c.length,
      c.nullable,
      c.schemaName,
      c.tableName,
    ];
    expect(ColumnMetadata?.map(described)).toEqual([
      ['id', 'int4', 10, 0, 0, 0, 'meta', 'measured'],
      ['code', 'varchar', 20, 0, 0, 1, 'meta', 'measured'],
      ['amount', 'numeric', 12, 2, 0, 1, 'meta', 'measured'],
      ['initial', 'bpchar', 3, 0, 0, 1, 'meta', 'measured'],
      ['doc', 'super', 2147483647, 0, 0, 1, 'meta', 'measured'],
      ['note', 'varchar', 256, 0, 0, 1, 'meta', 'measured'], // Redshift's VARCHAR is VARCHAR(256)
      ['price', 'numeric', 5, 2, 0, 1, '', ''],
    ]);
  });

  it('describes a table with Redshift type names and measures: super, VARCHAR(20) of length 20, NUMERIC(12,2), int4 of precision 10', async () => {
    await ok(
      'CREATE TABLE described (id INT4 NOT NULL, code VARCHAR(20), amount NUMERIC(12,2), doc SUPER, seen TIMESTAMP DEFAULT GETDATE())',
    );
    const { ColumnList } = await redshift.send(new DescribeTableCommand({ ...target, Schema: 'public', Table: 'described' }));
    expect(ColumnList?.map((c) => [c.name, c.typeName, c.precision, c.scale, c.length, c.nullable, c.isSigned, c.isCaseSensitive])).toEqual(
      [
        ['id', 'int4', 10, 0, 0, 0, true, false],
        ['code', 'varchar', 20, 0, 20, 1, false, true],
        ['amount', 'numeric', 12, 2, 0, 1, true, false],
        ['doc', 'super', 2147483647, 0, 0, 1, false, true],
        ['seen', 'timestamp', 29, 6, 0, 1, false, false],
      ],
    );
    expect(ColumnList?.[4]).toMatchObject({
      schemaName: 'public',
      tableName: 'described',
      isCurrency: false,
      columnDefault: expect.any(String),
    });
  });

  it("reports the backend's process id as RedshiftPid, the one the statement itself ran on", async () => {
    const { Id, RedshiftPid } = await ok('SELECT pg_backend_pid()');
    const [[pid]] = plain((await redshift.send(new GetStatementResultCommand({ Id }))).Records!) as [[number]];
    expect(RedshiftPid).toBeGreaterThan(0);
    expect(RedshiftPid).toBe(pid);
  });

  it('describes a batch as AWS does: a result set if any sub-statement has one, their rows, sizes and durations summed', async () => {
    const { Id } = await redshift.send(
      new BatchExecuteStatementCommand({
        ...target,
        Sqls: ['CREATE TABLE batch_sums (v INT)', 'INSERT INTO batch_sums VALUES (1), (2)', 'SELECT v FROM batch_sums ORDER BY v'],
      }),
    );
    const described = await settle(Id!);
    const subs = described.SubStatements!;
    expect(described).toMatchObject({ Status: 'FINISHED', HasResultSet: true, ResultRows: 0 + 2 + 2 });
    expect(described.ResultSize).toBe(subs.reduce((sum, s) => sum + s.ResultSize!, 0));
    expect(described.ResultSize).toBeGreaterThan(0);
    expect(described.Duration).toBe(subs.reduce((sum, s) => sum + s.Duration!, 0));
    expect(described.QueryString).toBeUndefined(); // the batch's statements are its SubStatements
    expect(described.RedshiftPid).toBeGreaterThan(0);
    const { Id: noResult } = await redshift.send(
      new BatchExecuteStatementCommand({ ...target, Sqls: ['CREATE TABLE batch_quiet (v INT)', 'INSERT INTO batch_quiet VALUES (1)'] }),
    );
    expect(await settle(noResult!)).toMatchObject({ Status: 'FINISHED', HasResultSet: false, ResultRows: 1 });
  });

  it('describes a sub-statement by its own Id <id>:<n>, as the Id pattern allows', async () => {
    const { Id } = await redshift.send(
      new BatchExecuteStatementCommand({ ...target, Sqls: ['SELECT 1 AS one', 'SELECT g FROM generate_series(1, 3) g'] }),
    );
    const batch = await settle(Id!);
    const second = await redshift.send(new DescribeStatementCommand({ Id: `${Id}:2` }));
    expect(second).toMatchObject({
      Id: `${Id}:2`,
      Status: 'FINISHED',
      QueryString: 'SELECT g FROM generate_series(1, 3) g',
      HasResultSet: true,
      ResultRows: 3,
      Database: 'analytics',
      WorkgroupName: 'etl-dev',
      RedshiftPid: batch.RedshiftPid,
    });
    expect(second.SubStatements).toBeUndefined();
    await expect(redshift.send(new DescribeStatementCommand({ Id: `${Id}:3` }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Query does not exist.',
    });
    const single = await ok('SELECT 1');
    await expect(redshift.send(new DescribeStatementCommand({ Id: `${single.Id}:1` }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('refuses an Id that is not a statement Id with ValidationException, and a well-formed unknown one with ResourceNotFoundException', async () => {
    const pattern = 'id must satisfy regex pattern: ^[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}(:\\d+)?$';
    for (const Id of ['not-a-statement', 'D9B6C0C9-0747-4BF4-B142-E8883122F766', 'd9b6c0c9-0747-4bf4-b142-e8883122f766:x', ''])
      for (const command of [
        new DescribeStatementCommand({ Id }),
        new GetStatementResultCommand({ Id }),
        new CancelStatementCommand({ Id }),
      ])
        await expect(redshift.send(command as DescribeStatementCommand)).rejects.toMatchObject({
          name: 'ValidationException',
          message: pattern,
        });
    const unknown = await call('DescribeStatement', JSON.stringify({ Id: 'd9b6c0c9-0747-4bf4-b142-e8883122f766' }));
    expect(unknown).toEqual({
      status: 400,
      body: expect.objectContaining({
        __type: 'ResourceNotFoundException',
        message: 'Query does not exist.',
        ResourceId: 'd9b6c0c9-0747-4bf4-b142-e8883122f766',
      }),
    });
  });

  it('answers a body that is not a JSON object with 400 SerializationException, never a 500 that SDKs retry', async () => {
    for (const body of ['null', '[]', '42', '"Id"', '{"Id": '])
      expect(await call('DescribeStatement', body)).toEqual({
        status: 400,
        body: expect.objectContaining({ __type: 'SerializationException' }),
      });
    expect((await call('ListDatabases', '')).status).toBe(400); // an empty body is {}: here, Database is missing
  });

  it('has no result for a statement without a result set, and a batch has results only by sub-statement', async () => {
    const created = await ok('CREATE TABLE no_result_set (v INT)');
    await expect(redshift.send(new GetStatementResultCommand({ Id: created.Id }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Query does not have result. Please check query status with DescribeStatement.',
      $metadata: { httpStatusCode: 400 },
    });
    const { Id } = await redshift.send(new BatchExecuteStatementCommand({ ...target, Sqls: ['SELECT 1', 'SELECT 2'] }));
    await settle(Id!);
    await expect(redshift.send(new GetStatementResultCommand({ Id }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'BatchExecuteStatement result can only be retrieved with sub-statement id.',
    });
    expect((await redshift.send(new GetStatementResultCommand({ Id: `${Id}:2` }))).Records).toEqual([[{ longValue: 2 }]]);
  });

  it('rolls a failed batch back whole', async () => {
    // a NOT NULL column fails the second INSERT (keys are informational in Redshift: a duplicate would not)
    await ok('CREATE TABLE batch_rollback (v INT NOT NULL)');
    const { Id } = await redshift.send(
      new BatchExecuteStatementCommand({
        ...target,
        Sqls: [
          'INSERT INTO batch_rollback VALUES (1)',
          'INSERT INTO batch_rollback VALUES (NULL)',
          'INSERT INTO batch_rollback VALUES (3)',
        ],
      }),
    );
    const description = await settle(Id!);
    expect(description.Status).toBe('FAILED');
    expect(description.Error).toMatch(/null value in column "v"/);
    expect(description.SubStatements?.map((s) => s.Status)).toEqual(['FINISHED', 'FAILED', 'ABORTED']);
    expect(plain(await rows('SELECT count(*) FROM batch_rollback'))).toEqual([[0]]);
  });

  it('lists statements, newest first, and cancels one that has not finished', async () => {
    const { Id } = await redshift.send(new ExecuteStatementCommand({ ...target, Sql: 'SELECT pg_sleep(5)', StatementName: 'slow-one' }));
    await new Promise((resolve) => setTimeout(resolve, 5)); // distinct creation times, for the order below
    const queued = await redshift.send(new ExecuteStatementCommand({ ...target, Sql: 'SELECT 1', StatementName: 'slow-two' }));
    const listed = await redshift.send(new ListStatementsCommand({ StatementName: 'slow-' }));
    expect(listed.Statements?.map((s) => s.Id)).toEqual([queued.Id, Id]);
    if (engine === 'postgres') {
      await new Promise((resolve) => setTimeout(resolve, 200)); // let it start
      expect((await redshift.send(new CancelStatementCommand({ Id }))).Status).toBe(true);
      expect((await settle(Id!)).Status).toBe('ABORTED');
    } else {
      // PGlite runs one statement at a time: the second is still queued and can be cancelled
      expect((await redshift.send(new CancelStatementCommand({ Id: queued.Id }))).Status).toBe(true);
      expect((await settle(queued.Id!)).Status).toBe('ABORTED');
      await expect(redshift.send(new CancelStatementCommand({ Id }))).rejects.toMatchObject({ name: 'ValidationException' });
      await settle(Id!);
    }
    await expect(redshift.send(new CancelStatementCommand({ Id }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('validates requests as the service does', async () => {
    await expect(redshift.send(new ExecuteStatementCommand({ Database: 'analytics', Sql: 'SELECT 1' }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(redshift.send(new ExecuteStatementCommand({ ...target, Sql: 'SELECT 1; SELECT 2' }))).rejects.toThrow(
      /exactly one SQL statement/,
    );
    await expect(redshift.send(new DescribeStatementCommand({ Id: '00000000-0000-0000-0000-000000000000' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('COPYs 100,000 gzip CSV rows from S3 with every value intact', async () => {
    const lines = Array.from(
      { length: 100_000 },
      (_, i) =>
        `${i},"name ${i}, ""quoted""",${(i * 0.25).toFixed(2)},${i % 7 === 0 ? '' : `2026-11-${String((i % 28) + 1).padStart(2, '0')} 10:00:00`}`,
    );
    await putObject('staged/big/part-0.csv.gz', gzipSync(`${lines.join('\n')}\n`));
    await ok('CREATE TABLE big (id INT, name VARCHAR(64), amount DECIMAL(12,2), seen_at TIMESTAMP)');
    const copy = await ok("COPY big FROM 's3://etl-data-test/staged/big/' IAM_ROLE default CSV GZIP COMPUPDATE OFF STATUPDATE OFF");
    expect(copy.ResultRows).toBe(100_000);
    const expected = createHash('md5')
      .update(
        lines
          .map(
            (_, i) =>
              `${i}|name ${i}, "quoted"|${(i * 0.25).toFixed(2)}|${i % 7 === 0 ? '' : `2026-11-${String((i % 28) + 1).padStart(2, '0')} 10:00:00`}`,
          )
          .join('\n'),
      )
      .digest('hex');
    const [[count, digest]] = <[[number, string]]>(
      plain(
        await rows(
          "SELECT count(*), md5(string_agg(id || '|' || name || '|' || amount || '|' || coalesce(seen_at::text, ''), E'\\n' ORDER BY id)) FROM big",
        ),
      )
    );
    expect([count, digest]).toEqual([100_000, expected]);
  });

  it('fails a COPY on a bad row, naming file, line and column, leaving the table unchanged and recording sys_load_error_detail', async () => {
    await ok('CREATE TABLE strict_load (id INT, qty INT)');
    await ok('INSERT INTO strict_load VALUES (0, 0)');
    await putObject('staged/bad/part-0.csv', 'id,qty\n1,10\n2,20\n3,twelve\n4,40\n');
    const description = await run("COPY strict_load FROM 's3://etl-data-test/staged/bad/part-0.csv' CSV IGNOREHEADER 1");
    expect(description.Status).toBe('FAILED');
    expect(description.Error).toContain("Load into table 'strict_load' failed");
    expect(description.Error).toContain('s3://etl-data-test/staged/bad/part-0.csv line 4, column qty');
    expect(description.Error).toContain("Check 'sys_load_error_detail'");
    expect(plain(await rows('SELECT count(*) FROM strict_load'))).toEqual([[1]]);
    const errors = plain(
      await rows("SELECT trim(file_name), line_number, trim(column_name) FROM sys_load_error_detail WHERE file_name LIKE '%/bad/%'"),
    );
    expect(errors).toEqual([['s3://etl-data-test/staged/bad/part-0.csv', 4, 'qty']]);
    // a workgroup's loads are not in STL_LOAD_ERRORS, which holds a provisioned cluster's
    expect(plain(await rows("SELECT count(*) FROM stl_load_errors WHERE filename LIKE '%/bad/%'"))).toEqual([[0]]);
    // a cluster's COPY names STL_LOAD_ERRORS, which keeps the raw line and field
    const { Id } = await redshift.send(
      new ExecuteStatementCommand({
        ClusterIdentifier: 'etl-cluster',
        Database: 'analytics',
        Sql: "COPY strict_load FROM 's3://etl-data-test/staged/bad/part-0.csv' CSV IGNOREHEADER 1",
      }),
    );
    expect((await settle(Id!)).Error).toContain("Check 'stl_load_errors'");
    expect(
      plain(
        await rows("SELECT filename, line_number, colname, raw_line, raw_field_value FROM stl_load_errors WHERE filename LIKE '%/bad/%'"),
      ),
    ).toEqual([['s3://etl-data-test/staged/bad/part-0.csv', 4, 'qty', '3,twelve', 'twelve']]);
  });

  it('skips up to MAXERROR bad rows and records each', async () => {
    await ok('CREATE TABLE lenient_load (id INT, qty INT)');
    await putObject('staged/lenient/a.csv', '1|10\n2|x\n3|30\n4|y\n5|50\n');
    const loaded = await ok("COPY lenient_load FROM 's3://etl-data-test/staged/lenient/a.csv' DELIMITER '|' MAXERROR 2");
    expect(loaded.ResultRows).toBe(3);
    expect(plain(await rows('SELECT id FROM lenient_load ORDER BY id'))).toEqual([[1], [3], [5]]);
    expect(
      plain(await rows("SELECT line_number FROM sys_load_error_detail WHERE file_name LIKE '%/lenient/%' ORDER BY line_number")),
    ).toEqual([[2], [4]]);
    const tooMany = await run("COPY lenient_load FROM 's3://etl-data-test/staged/lenient/a.csv' DELIMITER '|' MAXERROR 1");
    expect(tooMany.Status).toBe('FAILED');
  });

  it('loads through a MANIFEST, JSON auto, NULL AS, and runs the load transaction: temp table LIKE target, COPY, MERGE', async () => {
    await ok(
      'CREATE TABLE target_orders (order_id VARCHAR(16) PRIMARY KEY, qty INT, note VARCHAR(MAX), updated_at TIMESTAMP) DISTKEY(order_id) SORTKEY(updated_at)',
    );
    await ok("INSERT INTO target_orders VALUES ('a', 1, 'old', '2026-01-01 00:00:00'), ('b', 2, 'keep', '2026-01-01 00:00:00')");
    await putObject('staged/m/part-0.csv.gz', gzipSync('a,10,new,2026-02-01 00:00:00\nc,3,\\N,2026-02-01 00:00:00\n'));
    await putObject(
      'staged/m/part-1.jsonl',
      '{"order_id":"d","qty":4,"note":null,"updated_at":"2026-02-02 00:00:00"}\n{"order_id":"e","qty":5,"extra":"ignored","updated_at":"2026-02-02 00:00:00"}\n',
    );
    await putObject(
      'manifests/m.json',
      JSON.stringify({ entries: [{ url: 's3://etl-data-test/staged/m/part-0.csv.gz', mandatory: true }] }),
    );
    const { Id } = await redshift.send(
      new BatchExecuteStatementCommand({
        ...target,
        Sqls: [
          'CREATE TEMP TABLE stage_orders (LIKE target_orders)',
          "COPY stage_orders FROM 's3://etl-data-test/manifests/m.json' IAM_ROLE default MANIFEST CSV GZIP NULL AS '\\N' COMPUPDATE OFF STATUPDATE OFF",
          "COPY stage_orders (order_id, qty, note, updated_at) FROM 's3://etl-data-test/staged/m/part-1.jsonl' JSON 'auto'",
          // Redshift's MERGE: one WHEN MATCHED and one WHEN NOT MATCHED, no condition on either
          `MERGE INTO target_orders USING stage_orders s ON target_orders.order_id = s.order_id
             WHEN MATCHED THEN UPDATE SET qty = s.qty, note = s.note, updated_at = s.updated_at
             WHEN NOT MATCHED THEN INSERT VALUES (s.order_id, s.qty, s.note, s.updated_at)`,
          'DROP TABLE stage_orders',
        ],
      }),
    );
    const description = await settle(Id!);
    expect([description.Status, description.Error]).toEqual(['FINISHED', undefined]);
    expect(description.SubStatements?.map((s) => s.ResultRows)).toEqual([0, 2, 2, 4, 0]);
    expect(plain(await rows('SELECT order_id, qty, note FROM target_orders ORDER BY order_id'))).toEqual([
      ['a', 10, 'new'],
      ['b', 2, 'keep'],
      ['c', 3, null],
      ['d', 4, null],
      ['e', 5, null],
    ]);
  });

  it('follows Redshift for empty and blank fields: NULL in other types, "" in VARCHAR unless EMPTYASNULL / BLANKSASNULL', async () => {
    await ok('CREATE TABLE empty_fields (id INT, qty INT, at TIMESTAMP, name VARCHAR(20), code CHAR(3), note VARCHAR(20))');
    // id 1: empty fields; 2: blank fields; 3: quoted empty and blank are data; 4: \N is NULL anywhere
    await putObject('empty/fields.csv', '1,,,,,\n2,  , ,  , , \n3,1,2026-01-01,"",""," "\n4,\\N,\\N,\\N,\\N,\\N\n');
    const load = async (options: string) => {
      await ok('TRUNCATE empty_fields');
      await ok(`COPY empty_fields FROM 's3://etl-data-test/empty/fields.csv' IAM_ROLE default CSV ${options}`);
      return plain(
        await rows("SELECT id, qty, at::text, '[' || name || ']', '[' || code || ']', '[' || note || ']' FROM empty_fields ORDER BY id"),
      );
    };
    expect(await load('')).toEqual([
      [1, null, null, '[]', '[]', '[]'],
      [2, null, null, '[  ]', '[]', '[ ]'], // CHAR pads and trims: ' ' reads back as ''
      [3, 1, '2026-01-01 00:00:00', '[]', '[]', '[ ]'],
      [4, null, null, null, null, null],
    ]);
    expect(await load('EMPTYASNULL')).toEqual([
      [1, null, null, null, null, null],
      [2, null, null, '[  ]', '[]', '[ ]'],
      [3, 1, '2026-01-01 00:00:00', '[]', '[]', '[ ]'],
      [4, null, null, null, null, null],
    ]);
    expect(await load('BLANKSASNULL')).toEqual([
      [1, null, null, '[]', '[]', '[]'],
      [2, null, null, null, null, null],
      [3, 1, '2026-01-01 00:00:00', '[]', '[]', '[ ]'],
      [4, null, null, null, null, null],
    ]);
    // a rejected record is named as the file has it, not as rewritten for Postgres
    await putObject('empty/bad.csv', '9,,not a time,,,\n');
    const { Id: bad } = await redshift.send(
      new ExecuteStatementCommand({
        ClusterIdentifier: 'etl-cluster',
        Database: 'analytics',
        Sql: "COPY empty_fields FROM 's3://etl-data-test/empty/bad.csv' IAM_ROLE default CSV",
      }),
    );
    expect((await settle(bad!)).Status).toBe('FAILED');
    expect(plain(await rows("SELECT raw_line FROM stl_load_errors WHERE filename LIKE '%empty/bad.csv'"))).toEqual([['9,,not a time,,,']]);
  });

  it('runs the Redshift functions ETL SQL uses, with Redshift results', async () => {
    const one = async (expression: string) => plain(await rows(`SELECT ${expression}`))[0]![0];
    expect(await one("DATEADD(day, 1, '2026-02-28')::text")).toBe('2026-03-01 00:00:00');
    expect(await one("DATEADD(qtr, 1, '2026-01-31 10:00:00')::text")).toBe('2026-04-30 10:00:00');
    expect(await one("DATEADD(mins, -90, '2026-01-01 00:00:00')::text")).toBe('2025-12-31 22:30:00');
    expect(await one("DATEDIFF(year, '2025-12-31 23:59:59', '2026-01-01 00:00:00')")).toBe(1);
    expect(await one("DATEDIFF(day, '2026-01-01 23:00', '2026-01-02 01:00')")).toBe(1);
    expect(await one("DATEDIFF(week, '2009-01-01', '2009-12-31')")).toBe(52);
    expect(await one("DATEDIFF(hour, '2026-01-01 10:59', '2026-01-01 11:01')")).toBe(1);
    expect(await one("DATEDIFF(month, '2026-03-31', '2026-02-01')")).toBe(-1);
    // every date or time type, and an untyped literal read as a TIMESTAMP (what Redshift returns)
    expect(await one("pg_typeof(DATEADD(day, 1, '2026-02-28'))::text")).toBe('timestamp without time zone');
    expect(await one("DATEADD(day, 1, '2026-02-28 10:00+02'::timestamptz)::text")).toBe('2026-03-01 08:00:00');
    expect(await one("DATEADD(month, 1, '2026-01-31'::date)::text")).toBe('2026-02-28 00:00:00');
    expect(await one("DATEADD(hour, 3, '23:00'::time)::text")).toBe('02:00:00');
    await expect(one("DATEADD(day, 1, '23:00'::time)")).rejects.toThrow(/DATEADD: a TIME value has no day part/);
    expect(await one("DATEDIFF(hour, '2026-01-01'::date, '2026-01-01 10:00+02'::timestamptz)")).toBe(8);
    expect(await one("DATEDIFF(hour, '2026-01-01 00:00'::timestamp, now()) > 0")).toBe(true);
    expect(await one("DATEDIFF(hour, '08:30'::time, '10:00'::time)")).toBe(2);
    expect(await one("DATEDIFF(days, 'Jun 1,2008 09:59:59 EST', 'Jul 4,2008 09:59:59 EST')")).toBe(33);
    expect(await one("ADD_MONTHS('2026-02-28', 1)::text || ' ' || ADD_MONTHS('2026-01-31 10:00'::timestamptz, 1)::text")).toBe(
      '2026-03-31 00:00:00 2026-02-28 10:00:00',
    );
    expect(await one("TRUNC('2026-05-06 23:08:09-05'::timestamptz)::text")).toBe('2026-05-07');
    expect(await one("NEXT_DAY('2014-08-20', 'Tuesday')::text || ' ' || NEXT_DAY('2014-08-19'::timestamp, 'tu')::text")).toBe(
      '2014-08-26 2014-08-26',
    );
    await expect(one("NEXT_DAY('2014-08-20', 'Tusday')")).rejects.toThrow(/NEXT_DAY: "Tusday" is not a day of the week/);
    expect(await one("MONTHS_BETWEEN('1969-01-18', '1969-03-18') || ' ' || MONTHS_BETWEEN('2014-08-31', '2014-09-30')")).toBe('-2 -1');
    expect(await one("round(MONTHS_BETWEEN('2005-07-06', '2003-07-17')::numeric, 2)")).toBe('23.65');
    expect(await one("LAST_DAY('2024-02-10')::text || ' ' || DATE_CMP('2008-01-01', '2008-01-04')")).toBe('2024-02-29 -1');
    expect(await one("CONVERT_TIMEZONE('America/New_York', '2026-07-01 12:00:00+00'::timestamptz)::text")).toBe('2026-07-01 08:00:00');
    expect(await one("CONVERT_TIMEZONE('UTC', 'America/New_York', '2026-07-01 12:00:00')::text")).toBe('2026-07-01 08:00:00');
    expect(await one("CONVERT_TIMEZONE('Europe/Paris', '2026-01-01 12:00:00')::text")).toBe('2026-01-01 13:00:00');
    expect(await one("TRUNC('2026-05-06 07:08:09'::timestamp)::text")).toBe('2026-05-06');
    expect(await one("DECODE(NULL, NULL, 'null matched', 'other')")).toBe('null matched');
    expect(await one("NVL2(NULL, 'a', 'b') || CHARINDEX('c', 'abc')")).toBe('b3');
    expect(await one('SYSDATE IS NOT NULL')).toBe(true);
    expect(await one(`JSON_SERIALIZE(JSON_PARSE('{"a": [1, 2]}'))`)).toBe('{"a": [1, 2]}');
    expect(await one(`IS_VALID_JSON('{"a"') || '/' || IS_VALID_JSON_ARRAY('[1]')`)).toBe('false/true');
    expect(await one(`JSON_EXTRACT_ARRAY_ELEMENT_TEXT('[10, 20]', 1)`)).toBe('20');
    await expect(one("DATEADD(fortnight, 1, '2026-01-01')")).rejects.toThrow(/"fortnight" is not a date part Redshift knows/);

    await ok('CREATE TABLE fn_orders (id INT, region VARCHAR(8), qty INT, doc SUPER)');
    await ok(
      `INSERT INTO fn_orders VALUES (1, 'eu', 3, JSON_PARSE('{"x":1}')), (2, 'eu', 1, NULL), (3, 'us', 8, NULL), (4, 'us', 8, NULL)`,
    );
    expect(
      plain(
        await rows(
          `SELECT region, LISTAGG(id, ',') WITHIN GROUP (ORDER BY id DESC), MEDIAN(qty), APPROXIMATE COUNT(DISTINCT qty)
             FROM fn_orders GROUP BY region ORDER BY region`,
        ),
      ),
    ).toEqual([
      ['eu', '2,1', 2, 2],
      ['us', '4,3', 8, 1],
    ]);
    expect(plain(await rows('SELECT TOP 2 id FROM fn_orders ORDER BY id DESC'))).toEqual([[4], [3]]);
    expect(plain(await rows('SELECT "column", type, notnull FROM PG_TABLE_DEF WHERE tablename = \'fn_orders\' ORDER BY "column"'))).toEqual(
      [
        ['doc', 'super', false],
        ['id', 'integer', false],
        ['qty', 'integer', false],
        ['region', 'character varying(8)', false],
      ],
    );
    expect(plain(await rows('SELECT "table", tbl_rows, max_varchar FROM SVV_TABLE_INFO WHERE "table" = \'fn_orders\''))).toEqual([
      ['fn_orders', '4', 8],
    ]);
  });

  it('fails Redshift SQL it does not run with an error that says so', async () => {
    const external = await run("CREATE EXTERNAL SCHEMA spectrum FROM DATA CATALOG DATABASE 'db' IAM_ROLE default");
    expect(external.Error).toMatch(/^ERROR: External schemas and tables \(Redshift Spectrum\) is not supported by the local warehouse/);
    const missing = await run('SELECT APPROXIMATE_PERCENTILE_FANCY(1)');
    expect(missing.Error).toMatch(
      /function approximate_percentile_fancy\(integer\) does not exist[\s\S]*Hint: APPROXIMATE_PERCENTILE_FANCY with these argument types may exist in Redshift, but it is not supported by the local warehouse/,
    );
    const redshiftFunction = await run('SELECT RATIO_TO_REPORT(1) OVER ()');
    expect(redshiftFunction.Error).toMatch(/^ERROR: The Redshift function RATIO_TO_REPORT is not supported by the local warehouse/);
    const pivot = await run('SELECT a FROM t PIVOT (SUM(b) FOR c IN (1, 2))');
    expect(pivot.Error).toMatch(/^ERROR: PIVOT is not supported by the local warehouse/);
    const syntax = await run('SELECT a FROM t WHERE');
    expect(syntax.Error).toMatch(/syntax error[\s\S]*Hint: if this is valid Redshift SQL/);
    // PartiQL paths into SUPER values: refused by name, in every form Postgres fails differently
    await ok('CREATE TABLE partiql_events (id INT, payload SUPER)');
    await ok(`INSERT INTO partiql_events VALUES (1, JSON_PARSE('{"customer": {"id": 7}, "items": [{"sku": "a"}]}'))`);
    for (const [sql, path] of [
      ['SELECT payload.customer.id FROM partiql_events', 'payload.customer.id'],
      ['SELECT e.payload.customer FROM partiql_events e', 'payload.customer'],
      ['SELECT payload.items[0].sku FROM partiql_events', 'payload.items[0].sku'],
      ['SELECT i.sku FROM partiql_events AS e, e.payload.items AS i', 'payload.items'],
      [`WITH parsed AS (SELECT JSON_PARSE('{"a": 1}') AS doc) SELECT doc.a FROM parsed`, 'doc.a'],
    ]) {
      const refused = await run(sql!);
      expect(refused.Error).toMatch(
        new RegExp(`^ERROR: PartiQL navigation of a SUPER value \\(${path!.replace(/[.[\]]/g, '\\$&')}\\) is not supported`),
      );
    }
    // what runs in both: subscripts, the type functions and JSON_EXTRACT_PATH_TEXT over JSON_SERIALIZE
    expect(
      plain(
        await rows(
          `SELECT JSON_EXTRACT_PATH_TEXT(JSON_SERIALIZE(payload), 'customer', 'id'), IS_OBJECT(payload), GET_ARRAY_LENGTH(payload['items']),
                  JSON_TYPEOF(payload['items'][0]) FROM partiql_events`,
        ),
      ),
    ).toEqual([['7', true, 1, 'object']]);
  });

  it('UNLOADs a query to S3 (text, CSV, HEADER, GZIP, PARALLEL OFF, MANIFEST) and refuses to overwrite unless ALLOWOVERWRITE', async () => {
    await ok('CREATE TABLE unload_src (id INT, note VARCHAR(40), at TIMESTAMP)');
    await ok(
      `INSERT INTO unload_src VALUES (1, 'plain', '2026-01-02 03:04:05'), (2, 'a|b, "quoted"', NULL), (3, NULL, '2026-01-03 00:00:00')`,
    );
    const read = async (Key: string) => {
      const object = await s3.send(new GetObjectCommand({ Bucket: 'etl-data-test', Key }));
      return Buffer.from(await object.Body!.transformToByteArray());
    };
    const text = await run("UNLOAD ('SELECT id, note FROM unload_src ORDER BY id') TO 's3://etl-data-test/unload/text_' IAM_ROLE default");
    expect([text.Status, text.Error, text.ResultRows]).toEqual(['FINISHED', undefined, 3]);
    expect((await read('unload/text_0000_part_00')).toString()).toBe('1|plain\n2|a|b, "quoted"\n3|\n');

    const unloadCsv = (extra = '') =>
      run(
        `UNLOAD ('SELECT id, note, at FROM unload_src WHERE note <> ''x'' OR note IS NULL ORDER BY id') TO 's3://etl-data-test/unload/csv_'
           IAM_ROLE default CSV HEADER GZIP PARALLEL OFF MANIFEST VERBOSE ${extra}`,
      );
    expect((await unloadCsv()).Status).toBe('FINISHED');
    expect(gunzipSync(await read('unload/csv_000.gz')).toString()).toBe(
      'id,note,at\n1,plain,2026-01-02 03:04:05\n2,"a|b, ""quoted""",\n3,,2026-01-03 00:00:00\n',
    );
    const manifest = JSON.parse((await read('unload/csv_manifest')).toString()) as { entries: unknown[] };
    expect(manifest.entries).toEqual([{ url: 's3://etl-data-test/unload/csv_000.gz', meta: expect.objectContaining({ record_count: 3 }) }]);

    const again = await unloadCsv();
    expect([again.Status, again.Error]).toEqual(['FAILED', expect.stringContaining('Specified unload destination on S3 is not empty')]);
    expect((await unloadCsv('ALLOWOVERWRITE')).Status).toBe('FINISHED');

    // what UNLOAD wrote, COPY reads back the same; as in Redshift, an unloaded NULL is an empty
    // field, which a VARCHAR reads as '' unless EMPTYASNULL
    await ok('CREATE TABLE unload_back (LIKE unload_src)');
    await ok("COPY unload_back FROM 's3://etl-data-test/unload/csv_manifest' IAM_ROLE default MANIFEST CSV GZIP IGNOREHEADER 1");
    expect(plain(await rows("SELECT count(*) FROM unload_back WHERE note = ''"))).toEqual([[1]]);
    await ok('TRUNCATE unload_back');
    await ok(
      "COPY unload_back FROM 's3://etl-data-test/unload/csv_manifest' IAM_ROLE default MANIFEST CSV GZIP IGNOREHEADER 1 EMPTYASNULL",
    );
    expect(plain(await rows('SELECT * FROM unload_back EXCEPT SELECT * FROM unload_src'))).toEqual([]);
    expect(plain(await rows('SELECT count(*) FROM unload_back'))).toEqual([[3]]);
    const parquet = await run("UNLOAD ('SELECT 1') TO 's3://etl-data-test/unload/p_' IAM_ROLE default FORMAT PARQUET");
    expect(parquet.Error).toMatch(/FORMAT PARQUET is not supported by the local warehouse/);
  });

  it('runs each call in a session of its own: temp tables and SET do not outlive it', async () => {
    await ok('CREATE TEMP TABLE scratch_rows (id int)');
    const after = await run('SELECT count(*) FROM scratch_rows');
    expect(after.Status).toBe('FAILED');
    expect(after.Error).toMatch(/relation "scratch_rows" does not exist/);
    const { Id } = await redshift.send(
      new BatchExecuteStatementCommand({
        ...target,
        Sqls: ['CREATE TEMP TABLE batch_rows AS SELECT 1 AS id', 'SELECT count(*) FROM batch_rows'],
      }),
    );
    expect((await settle(Id!)).Status).toBe('FINISHED');
    expect((await run('SELECT * FROM batch_rows')).Status).toBe('FAILED');
    const searchPath = plain(await rows('SHOW search_path'));
    await ok("SET search_path TO 'nowhere'");
    expect(plain(await rows('SHOW search_path'))).toEqual(searchPath);
    expect(searchPath).not.toEqual([['nowhere']]);
  });

  it('holds one database: another fails as Redshift fails it, and ListDatabases names it', async () => {
    const { Id } = await redshift.send(new ExecuteStatementCommand({ ...target, Database: 'elsewhere', Sql: 'SELECT 1' }));
    const failed = await settle(Id!);
    expect(failed).toMatchObject({ Status: 'FAILED', Error: 'FATAL: database "elsewhere" does not exist', Database: 'elsewhere' });
    expect(await redshift.send(new ListDatabasesCommand(target))).toMatchObject({ Databases: ['analytics'] });
    const noRetry = new RedshiftDataClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
      maxAttempts: 1,
    });
    await expect(noRetry.send(new ListSchemasCommand({ ...target, Database: 'elsewhere' }))).rejects.toMatchObject({
      name: 'DatabaseConnectionException',
    });
    noRetry.destroy();
  });

  it('refuses sessions it cannot keep, saying so', async () => {
    await expect(
      redshift.send(new ExecuteStatementCommand({ ...target, Sql: 'SELECT 1', SessionKeepAliveSeconds: 60 })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('does not keep sessions'),
    });
  });

  it('runs VACUUM and ANALYZE in their Redshift forms', async () => {
    await ok('VACUUM FULL target_orders TO 100 PERCENT');
    await ok('VACUUM SORT ONLY target_orders');
    await ok('ANALYZE target_orders PREDICATE COLUMNS');
    await ok('ANALYZE COMPRESSION target_orders');
  });
});
