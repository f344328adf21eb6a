import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import fc from 'fast-check';
import { csvField } from '@etl/files';
import { startTestStack } from '@etl/local-aws/testing';
import type { Engine, TestStack } from '@etl/local-aws/testing';
import { execute, query } from '@etl/warehouse';
import type { Warehouse } from '@etl/warehouse';

jest.setTimeout(180_000);

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const BUCKET = 'etl-csv-property';
const ROLE = 'arn:aws:iam::000000000000:role/etl-load-dev-warehouse-copy';

/** Text a source may hold, weighted to what CSV finds hard: quotes, commas, line breaks, `\N`, blanks, "". */
const text = fc.oneof(
  fc.constant(''),
  fc.constantFrom('\\N', '"', '""', ',', '\n', '\r\n', ' ', ' lead', 'trail ', 'NULL', '\\', 'a"b,c\nd'),
  fc.string({ unit: fc.constantFrom('a', '"', ',', '\n', '\r', ' ', '\\', 'N', 'é', '😀', '\t'), maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 24 }).filter((s) => !s.includes('\u0000')),
);
const cell = fc.option(text, { nil: null, freq: 5 });
const rows = fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 40 });

describe.each<Engine>(['pglite', 'postgres'])('the staged CSV through COPY on %s (property)', (engine) => {
  let stack: TestStack;
  let s3: S3Client;
  let warehouse: Warehouse;

  beforeAll(async () => {
    stack = await startTestStack(engine);
    s3 = new S3Client({ endpoint: stack.endpoints.s3, forcePathStyle: true, region: 'us-east-1', credentials });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    warehouse = {
      client: new RedshiftDataClient({ endpoint: stack.endpoints.redshiftData, region: 'us-east-1', credentials }),
      target: { WorkgroupName: 'etl-dev', Database: 'analytics' },
      copyRoleArn: ROLE,
    };
    await execute(warehouse, 'CREATE TABLE csv_round_trip (id INTEGER, a VARCHAR(65535), b VARCHAR(65535))');
  }, 120_000);
  afterAll(async () => {
    s3?.destroy();
    warehouse?.client.destroy();
    await stack?.cleanup();
  });

  it('gives back every value as it was written: NULL as NULL, "" as "", \\N as the text \\N', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(rows, async (values) => {
        const key = `staged/property/${run++}.csv`;
        const csv = values.map(([a, b], id) => `${id},${csvField(a)},${csvField(b)}\n`).join('');
        await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: csv }));
        await execute(warehouse, 'DELETE FROM csv_round_trip');
        await execute(
          warehouse,
          `COPY csv_round_trip (id, a, b) FROM 's3://${BUCKET}/${key}' IAM_ROLE '${ROLE}' CSV NULL AS '\\N' COMPUPDATE OFF STATUPDATE OFF`,
        );
        const loaded = await query(warehouse, 'SELECT a, b FROM csv_round_trip ORDER BY id');
        expect(loaded).toEqual(values);
      }),
      { numRuns: engine === 'pglite' ? 25 : 40 },
    );
  });
});
