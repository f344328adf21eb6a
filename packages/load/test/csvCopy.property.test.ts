import { PutObjectCommand } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { csvField } from '@etl/files';
import type { Engine } from '@etl/local-aws/testing';
import { execute, query } from '@etl/warehouse';
import { COPY_ROLE, useWarehouseStack } from './warehouseStack';

jest.setTimeout(180_000);

const BUCKET = 'etl-csv-property';

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
  const local = useWarehouseStack(engine, BUCKET);
  beforeAll(() => execute(local.warehouse, 'CREATE TABLE csv_round_trip (id INTEGER, a VARCHAR(65535), b VARCHAR(65535))'));

  it('gives back every value as it was written: NULL as NULL, "" as "", \\N as the text \\N', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(rows, async (values) => {
        const key = `staged/property/${run++}.csv`;
        const csv = values.map(([a, b], id) => `${id},${csvField(a)},${csvField(b)}\n`).join('');
        await local.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: csv }));
        await execute(local.warehouse, 'DELETE FROM csv_round_trip');
        await execute(
          local.warehouse,
          `COPY csv_round_trip (id, a, b) FROM 's3://${BUCKET}/${key}' IAM_ROLE '${COPY_ROLE}' CSV NULL AS '\\N' COMPUPDATE OFF STATUPDATE OFF`,
        );
        const loaded = await query(local.warehouse, 'SELECT a, b FROM csv_round_trip ORDER BY id');
        expect(loaded).toEqual(values);
      }),
      { numRuns: engine === 'pglite' ? 25 : 40 },
    );
  });
});
