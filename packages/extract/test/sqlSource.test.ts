import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { contracts, parseMessage } from '@etl/contracts';
import type { ExtractTask, RawFileReady } from '@etl/contracts';
import { definePipeline } from '@etl/pipeline-kit';
import type { SourceDefinition } from '@etl/pipeline-kit';
import { CI_POSTGRES, startTestStack } from '@etl/local-aws/testing';
import type { TestStack } from '@etl/local-aws/testing';
import { withRetry } from '@etl/middleware';
import type { Retry } from '@etl/middleware';
import { compileRowValidator } from '@etl/pipeline-kit';
import { orders, sampleOrder } from '@etl/pipelines';
import type { SampleOrder } from '@etl/pipelines';
import { announcements, DATABASE_DRIVERS, fanOutTask, planRun, runExtractTask, sqlRecords, sqlRunRecords } from '../src';
import type { PlanOptions } from '../src';

jest.setTimeout(60_000);

type SqlSource = Extract<SourceDefinition, { kind: 'sql' }>;
const BUCKET = 'etl-fan-out-test';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const retry: Retry = (operation, options) => withRetry(operation, { ...options, baseDelayMs: 5, maxAttempts: 4 });

/** The local stack for fan-out: the planner's bucket, extract queue and warehouse, and the raw files. */
const fixture = (() => {
  let stack: TestStack;
  let s3: S3Client;
  let sqs: SQSClient;
  let redshift: RedshiftDataClient;
  let queueUrl: string;
  let transformQueueUrl: string;
  beforeAll(async () => {
    stack = await startTestStack('pglite');
    s3 = new S3Client({ endpoint: stack.endpoints.s3, forcePathStyle: true, region: 'us-east-1', credentials });
    sqs = new SQSClient({ endpoint: stack.endpoints.sqs, region: 'us-east-1', credentials });
    redshift = new RedshiftDataClient({ endpoint: stack.endpoints.redshiftData, region: 'us-east-1', credentials });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'extract' }))).QueueUrl!;
    transformQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'transform' }))).QueueUrl!;
  }, 120_000);
  /** Takes message bodies off a queue: `count` of them, or all there are. */
  async function drain(url: string, count = Infinity): Promise<string[]> {
    const bodies: string[] = [];
    while (bodies.length < count) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      if (Messages.length === 0) break;
      for (const message of Messages) {
        bodies.push(message.Body!);
        await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle! }));
      }
    }
    return bodies;
  }
  afterAll(async () => {
    for (const client of [s3, sqs, redshift]) client?.destroy();
    await stack?.cleanup();
  });
  return {
    get s3() {
      return s3;
    },
    get sqs() {
      return sqs;
    },
    get extractQueueUrl() {
      return queueUrl;
    },
    get transformQueueUrl() {
      return transformQueueUrl;
    },
    planner: (): Omit<PlanOptions, 'pipeline'> => ({
      s3,
      bucket: BUCKET,
      sqs,
      extractQueueUrls: { extract: queueUrl, extractSql: queueUrl },
      warehouse: {
        client: redshift,
        target: { WorkgroupName: 'etl-dev', Database: 'analytics' },
        copyRoleArn: 'arn:aws:iam::000000000000:role/copy',
      },
      retry,
    }),
    /** The extract tasks on the queue (taken off it), by slice. */
    async receiveTasks(count: number): Promise<ExtractTask[]> {
      const tasks = (await drain(queueUrl, count)).map((body) => parseMessage(contracts.extractTask, body));
      return tasks.sort((a, b) => (a.slice?.index ?? 0) - (b.slice?.index ?? 0));
    },
    /** The raw-file-ready messages on the transform queue (taken off it), by part. */
    async announced(): Promise<RawFileReady[]> {
      const messages = (await drain(transformQueueUrl)).map((body) => parseMessage(contracts.rawFileReady, body));
      return messages.sort((a, b) => a.part - b.part);
    },
  };
})();

async function sha256Of(key: string): Promise<string> {
  const body = await (await fixture.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray();
  return createHash('sha256').update(body).digest('hex');
}

async function rawLines(key: string): Promise<Record<string, unknown>[]> {
  const body = await (await fixture.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray();
  return gunzipSync(Buffer.from(body))
    .toString()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const CI_MARIADB = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const ROWS = 3_000;
const table = `orders_src_${process.pid}`;

/** Orders in a source table; every tenth shares one updated_at, so pages break inside equal cursor values. */
function sourceRows(): SampleOrder[] {
  return Array.from({ length: ROWS }, (_, n) => {
    const order = sampleOrder(n);
    return n % 10 === 0 ? { ...order, updated_at: '2026-10-15T12:00:00Z' } : order;
  });
}

const columns = [
  'order_id',
  'customer_id',
  'order_ts',
  'quantity',
  'unit_price',
  'currency',
  'status',
  'country',
  'note',
  'updated_at',
] as const;
const asDbTimestamp = (iso: string) => iso.replace('T', ' ').replace('Z', '');

async function collect(iterable: AsyncIterable<Record<string, unknown>>): Promise<Record<string, unknown>[]> {
  const all: Record<string, unknown>[] = [];
  for await (const row of iterable) all.push(row);
  return all;
}

describe.each([
  {
    engine: 'postgres' as const,
    url: CI_POSTGRES.replace(/\/[^/]*$/, '/test'),
    async run(sql: string) {
      const client = new pg.Client({ connectionString: this.url });
      await client.connect();
      await client.query(sql);
      await client.end();
    },
    async setUp(rows: SampleOrder[]) {
      const client = new pg.Client({ connectionString: this.url });
      await client.connect();
      await client.query(
        `CREATE TABLE ${table} (order_id VARCHAR(32) PRIMARY KEY, customer_id VARCHAR(32), order_ts TIMESTAMP, quantity INT, unit_price NUMERIC(12,2), currency CHAR(3), status VARCHAR(16), country CHAR(2), note TEXT, updated_at TIMESTAMP)`,
      );
      for (let at = 0; at < rows.length; at += 500) {
        const slice = rows.slice(at, at + 500);
        const values = slice.flatMap((o) => columns.map((c) => (c === 'order_ts' || c === 'updated_at' ? asDbTimestamp(o[c]) : o[c])));
        await client.query(
          `INSERT INTO ${table} VALUES ${slice.map((_, i) => `(${columns.map((__, j) => `$${i * columns.length + j + 1}`).join(', ')})`).join(', ')}`,
          values,
        );
      }
      await client.end();
    },
    async tearDown() {
      const client = new pg.Client({ connectionString: this.url });
      await client.connect();
      await client.query(`DROP TABLE IF EXISTS ${table}`);
      await client.end();
    },
  },
  {
    engine: 'mysql' as const,
    url: CI_MARIADB,
    async run(sql: string) {
      const connection = await mysql.createConnection({ uri: this.url });
      await connection.query(sql);
      await connection.end();
    },
    async setUp(rows: SampleOrder[]) {
      const connection = await mysql.createConnection({ uri: this.url });
      await connection.query(
        `CREATE TABLE ${table} (order_id VARCHAR(32) PRIMARY KEY, customer_id VARCHAR(32), order_ts DATETIME, quantity INT, unit_price DECIMAL(12,2), currency CHAR(3), status VARCHAR(16), country CHAR(2), note TEXT, updated_at DATETIME, KEY (updated_at, order_id)) CHARACTER SET utf8mb4`,
      );
      for (let at = 0; at < rows.length; at += 500) {
        const slice = rows
          .slice(at, at + 500)
          .map((o) => columns.map((c) => (c === 'order_ts' || c === 'updated_at' ? asDbTimestamp(o[c]) : o[c])));
        await connection.query(`INSERT INTO ${table} VALUES ?`, [slice]);
      }
      await connection.end();
    },
    async tearDown() {
      const connection = await mysql.createConnection({ uri: this.url });
      await connection.query(`DROP TABLE IF EXISTS ${table}`);
      await connection.end();
    },
  },
])('sqlRecords from $engine', (database) => {
  const rows = sourceRows();
  const pipeline = definePipeline({
    ...orders,
    name: 'orders_sql',
    source: { kind: 'sql', engine: database.engine, connectionEnv: 'ORDERS_DB_URL', table },
  });
  beforeAll(() => database.setUp(rows));
  afterAll(() => database.tearDown());

  it('reads every row once, in cursor order, across pages that split equal cursor values, and the rows pass the pipeline', async () => {
    const read = await collect(
      sqlRecords(pipeline, pipeline.source as Extract<typeof pipeline.source, { kind: 'sql' }>, {
        connectionUrl: database.url,
        databases: DATABASE_DRIVERS,
        since: null,
        pageRows: 250,
      }),
    );
    expect(read).toHaveLength(ROWS);
    expect(new Set(read.map((r) => r.order_id)).size).toBe(ROWS);
    const cursors = read.map((r) => String(r.updated_at));
    expect(cursors).toEqual([...cursors].sort());
    const validate = compileRowValidator(pipeline);
    expect(read.filter((r) => !validate(r).ok)).toEqual([]);
  });

  it('reads from the watermark on, inclusive', async () => {
    const since = '2026-10-15 12:00:00';
    const read = await collect(
      sqlRecords(pipeline, pipeline.source as Extract<typeof pipeline.source, { kind: 'sql' }>, {
        connectionUrl: database.url,
        databases: DATABASE_DRIVERS,
        since,
        pageRows: 100,
      }),
    );
    expect(read).toHaveLength(rows.filter((o) => asDbTimestamp(o.updated_at) >= since).length);
  });

  it('under drift policy add-columns reads every column of the table, so a column added to it reaches the pipeline', async () => {
    await database.run(`ALTER TABLE ${table} ADD COLUMN channel VARCHAR(16)`);
    try {
      await database.run(`UPDATE ${table} SET channel = 'web' WHERE order_id = '${rows[5]!.order_id}'`);
      const adding = definePipeline({ ...pipeline, drift: 'add-columns' });
      const source = adding.source as Extract<typeof adding.source, { kind: 'sql' }>;
      const read = await collect(
        sqlRecords(adding, source, { connectionUrl: database.url, databases: DATABASE_DRIVERS, since: null, pageRows: 1_000 }),
      );
      expect(read).toHaveLength(ROWS);
      const validate = compileRowValidator(adding);
      const withChannel = read.find((r) => r.order_id === rows[5]!.order_id)!;
      expect(validate(withChannel)).toMatchObject({ ok: true, added: { names: ['channel'], json: '{"channel":"web"}' } });
      expect(read.filter((r) => !validate(r).ok)).toEqual([]);
      // the other policies read the declared columns only: a new source column changes nothing for them
      const declared = await collect(
        sqlRecords(pipeline, source, { connectionUrl: database.url, databases: DATABASE_DRIVERS, since: null, pageRows: 1_000 }),
      );
      expect(declared.every((r) => !('channel' in r))).toBe(true);
    } finally {
      await database.run(`ALTER TABLE ${table} DROP COLUMN channel`);
    }
  });

  it('fans a run out into slices that cover the table once, retried slices read nothing again, and the last one assembles the run', async () => {
    await database.run(
      `INSERT INTO ${table} (order_id, customer_id, updated_at) VALUES ('zz-null-1', 'c1', NULL), ('zz-null-2', 'c2', NULL)`,
    );
    try {
      const fanning = definePipeline({
        ...pipeline,
        name: `orders_fan_${database.engine}`,
        source: { ...(pipeline.source as SqlSource), fanOut: { rowsPerTask: 700, maxTasks: 8 } },
      });
      const env = { ORDERS_DB_URL: database.url };
      const outcome = await planRun({ ...fixture.planner(), pipeline: fanning });
      if (!('planned' in outcome)) throw new Error(outcome.skipped);
      const [planned] = await fixture.receiveTasks(1);
      expect(planned).toEqual(outcome.planned);
      // the SQL worker fans the planned run out: 3,000 rows with a cursor, 700 a task
      const fanOut = (task: ExtractTask) =>
        fanOutTask(fixture, { bucket: BUCKET, queueUrl: fixture.extractQueueUrl }, fanning, task, {
          retry,
          env,
          databases: DATABASE_DRIVERS,
        });
      expect(await fanOut(planned!)).toBe(5);
      const tasks = await fixture.receiveTasks(5);
      // the planned task delivered again, after the table has grown: the run is split the same way, once
      await database.run(`INSERT INTO ${table} (order_id, customer_id, updated_at) VALUES ('zz-late', 'c9', '2026-12-31 00:00:00')`);
      expect(await fanOut(planned!)).toBe(5);
      expect(await fixture.receiveTasks(5)).toEqual(tasks);
      expect(tasks.map((t) => [t.slice!.index, t.slice!.count])).toEqual([0, 1, 2, 3, 4].map((i) => [i, 5]));
      expect(tasks[0]!.slice!.from).toBeNull();
      expect(tasks[4]!.slice!.until).toBeNull();
      for (let i = 1; i < 5; i++) expect(tasks[i]!.slice!.from).toBe(tasks[i - 1]!.slice!.until);
      expect(await fanOut(tasks[2]!)).toBe(0); // a slice stays one

      // slices finish in any order; only the last one finds the run complete and announces it
      const extractTask = (task: ExtractTask) =>
        runExtractTask({
          s3: fixture.s3,
          sqs: fixture.sqs,
          bucket: BUCKET,
          transformQueueUrl: fixture.transformQueueUrl,
          retry,
          pipeline: fanning,
          task,
          partRows: 400,
          records: (slice) => sqlRunRecords(fanning, task.since, slice, { env, databases: DATABASE_DRIVERS }),
        });
      // slice 3 delivered twice at once: each attempt writes its own files, the first manifest wins
      const twice = await Promise.all([extractTask(tasks[3]!), extractTask(tasks[3]!)]);
      expect(twice.filter((d) => d.extracted !== undefined).length).toBeGreaterThanOrEqual(1);
      const done = [];
      for (const task of [tasks[0]!, tasks[4]!, tasks[2]!]) done.push(await extractTask(task));
      expect([...twice, ...done].map((d) => d.announced)).toEqual([undefined, undefined, undefined, undefined, undefined]);
      expect(done.every((d) => d.extracted!.length > 0)).toBe(true);
      const last = await extractTask(tasks[1]!);
      const run = last.announced!;
      expect(run.parts.map((p) => p.part)).toEqual(run.parts.map((_, i) => i));
      expect(await fixture.announced()).toEqual(announcements(run));
      for (const { file } of run.parts)
        expect({ key: file.key, sha256: await sha256Of(file.key) }).toEqual({ key: file.key, sha256: file.sha256 });

      const ids = (await Promise.all(run.parts.map((p) => rawLines(p.file.key)))).flat().map((r) => String(r.order_id));
      expect(ids).toHaveLength(ROWS + 3);
      expect(new Set(ids).size).toBe(ROWS + 3); // every row once: no gap, no overlap between slices
      expect(run.cursorHigh).toBe('2026-12-31 00:00:00'); // the late row is in the last, open-ended slice

      // a slice task delivered again: nothing is read again, and the run announced is the same
      const again = await extractTask(tasks[3]!);
      expect(again).toEqual({ extracted: undefined, announced: run, outsideRange: 0 });
      expect(await fixture.announced()).toEqual(announcements(run));
    } finally {
      await database.run(`DELETE FROM ${table} WHERE updated_at IS NULL OR order_id = 'zz-late'`);
    }
  });

  it('marks a planned run abandoned when its task cannot be sent, so the next planner plans anew instead of waiting for it', async () => {
    const lonely = definePipeline({ ...pipeline, name: `orders_unsent_${database.engine}` });
    const nowhere = fixture.planner().extractQueueUrls.extractSql.replace(/[^/]+$/, 'etl-no-such-queue');
    await expect(
      planRun({ ...fixture.planner(), extractQueueUrls: { extract: nowhere, extractSql: nowhere }, pipeline: lonely }),
    ).rejects.toThrow();
    const next = await planRun({ ...fixture.planner(), pipeline: lonely });
    expect(next).toHaveProperty('planned');
    expect(await fixture.receiveTasks(1)).toEqual([(next as { planned: ExtractTask }).planned]);
  });

  it('reads rows without a cursor value on every run, full or incremental, so none is lost', async () => {
    await database.run(
      `INSERT INTO ${table} (order_id, customer_id, updated_at) VALUES ('zz-null-1', 'c1', NULL), ('zz-null-2', 'c2', NULL), ('zz-null-3', 'c3', NULL)`,
    );
    try {
      const source = pipeline.source as Extract<typeof pipeline.source, { kind: 'sql' }>;
      const full = await collect(
        sqlRecords(pipeline, source, { connectionUrl: database.url, databases: DATABASE_DRIVERS, since: null, pageRows: 2 }),
      );
      expect(full).toHaveLength(ROWS + 3);
      expect(new Set(full.map((r) => r.order_id)).size).toBe(ROWS + 3);
      const since = '2026-10-15 12:00:00';
      const incremental = await collect(
        sqlRecords(pipeline, source, { connectionUrl: database.url, databases: DATABASE_DRIVERS, since, pageRows: 2 }),
      );
      expect(incremental.filter((r) => r.updated_at === null).map((r) => r.order_id)).toEqual(['zz-null-1', 'zz-null-2', 'zz-null-3']);
      expect(incremental).toHaveLength(rows.filter((o) => asDbTimestamp(o.updated_at) >= since).length + 3);
      // and the pipeline says why they cannot be loaded
      const validate = compileRowValidator(pipeline);
      expect(validate(incremental[0])).toMatchObject({
        ok: false,
        rejections: expect.arrayContaining([expect.objectContaining({ field: 'updated_at', rule: 'required' })]),
      });
    } finally {
      await database.run(`DELETE FROM ${table} WHERE updated_at IS NULL`);
    }
  });
});
