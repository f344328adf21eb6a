import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { useStackWithBucket } from '@etl/harness/testing';
import { definePipeline } from '@etl/pipeline-kit';
import { orders } from '@etl/pipelines';
import { transformFile } from '@etl/transform';
import { announcements, dropEntryOrigins, droppedFile, dropRecords, dropRunId, extractRun } from '../src';

jest.setTimeout(60_000);

const csvOrders = definePipeline({
  ...orders,
  name: 'orders_csv',
  source: { kind: 's3-drop', prefix: 'landing/orders_csv/', format: 'csv' },
});
const jsonOrders = definePipeline({
  ...orders,
  name: 'orders_jsonl',
  source: { kind: 's3-drop', prefix: 'landing/orders_jsonl/', format: 'jsonl' },
});
const header = 'order_id,customer_id,order_ts,quantity,unit_price,currency,status,country,note,updated_at';

describe('S3 object drops', () => {
  const local = useStackWithBucket('etl-data-test');

  async function dropAndTransform(pipeline: typeof csvOrders, key: string, body: Buffer) {
    await local.s3.send(new PutObjectCommand({ Bucket: 'etl-data-test', Key: key, Body: body }));
    const drop = droppedFile({ csvOrders, jsonOrders }, key)!;
    expect(drop.pipeline.name).toBe(pipeline.name);
    const runId = dropRunId(key, '"etag"', '2026-11-27T04:00:00Z');
    const manifest = await extractRun(local.s3, {
      bucket: 'etl-data-test',
      pipeline,
      runId,
      since: null,
      records: dropRecords(local.s3, 'etl-data-test', key, drop.source, pipeline),
    });
    const [raw] = announcements(manifest);
    return transformFile(local.s3, pipeline, raw!);
  }

  it('reads a gzip CSV drop: quoted commas, quotes and newlines kept, a malformed record quarantined with the reason', async () => {
    const csv = [
      header,
      'o-1,c-1,2026-11-01T10:00:00Z,2,5.00,EUR,paid,FR,"gift, ""wrap"" it\nplease",2026-11-01T10:00:00Z',
      'o-2,c-2,2026-11-01T10:00:00Z,1,1.50,USD,pending,US,,2026-11-01T11:00:00Z',
      'o-3,c-3,2026-11-01T10:00:00Z,1,1.50,USD,pending,US',
      'o-4,c-4,2026-11-01T10:00:00Z,x,1.50,USD,pending,US,,2026-11-01T11:00:00Z',
    ].join('\n');
    const staged = await dropAndTransform(csvOrders, 'landing/orders_csv/2026-11-27/orders.csv.gz', gzipSync(csv));
    expect(staged.accounting).toEqual({ rowsIn: 4, rowsStaged: 2, rowsRejected: 2, duplicatesCollapsed: 0 });
    expect(staged.rejectsByRule).toEqual({ json: 1, type: 1 });
  });

  it('keeps a CSV byte that is not UTF-8 for the transform to refuse by name (never U+FFFD), and reads a header after a BOM', async () => {
    const body = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(`${header}\n`),
      Buffer.from('o-1,c-1,2026-11-01T10:00:00Z,2,5.00,EUR,paid,FR,caf'),
      Buffer.from([0xe9]), // é in Latin-1: an export that is not UTF-8
      Buffer.from(',2026-11-01T10:00:00Z\no-2,c-2,2026-11-01T10:00:00Z,1,1.50,USD,pending,US,café,2026-11-01T11:00:00Z\n'),
    ]);
    const staged = await dropAndTransform(csvOrders, 'landing/orders_csv/latin1.csv', body);
    expect(staged.accounting).toMatchObject({ rowsIn: 2, rowsStaged: 1, rowsRejected: 1 });
    expect(staged.rejectsByRule).toEqual({ encoding: 1 });
  });

  it("finds each entry's line and text in the file, a record spanning lines and a malformed one in their places", async () => {
    const lines = [
      header,
      'o-1,c-1,2026-11-01T10:00:00Z,2,5.00,EUR,paid,FR,"two\nlines",2026-11-01T10:00:00Z',
      '',
      'o-2,c-2,2026-11-01T10:00:00Z,1,1.50,USD,pending,US',
      'o-3,c-3,2026-11-01T10:00:00Z,1,1.50,USD,pending,US,,2026-11-01T11:00:00Z',
    ];
    const key = 'landing/orders_csv/positions.csv';
    await local.s3.send(new PutObjectCommand({ Bucket: 'etl-data-test', Key: key, Body: lines.join('\r\n') }));
    const origins = await dropEntryOrigins(local.s3, 'etl-data-test', { key, ...droppedFile({ csvOrders }, key)! }, new Set([0, 1, 2]));
    expect(Object.fromEntries(origins)).toEqual({
      0: { line: 2, text: lines[1] },
      1: { line: 5, text: expect.stringContaining('o-2,c-2') }, // the parser's reason: too few fields
      2: { line: 6, text: lines[4] },
    });
  });

  it('reads an empty, unquoted CSV cell as NULL where the pipeline opts in, a quoted one as ""', async () => {
    const body = [
      header,
      'o-1,c-1,2026-11-01T10:00:00Z,2,5.00,EUR,paid,FR,,2026-11-01T10:00:00Z',
      'o-2,c-2,2026-11-01T10:00:00Z,1,1.50,USD,paid,US,"",2026-11-01T11:00:00Z',
    ].join('\n');
    const notes = async (pipeline: typeof csvOrders, key: string) => {
      await local.s3.send(new PutObjectCommand({ Bucket: 'etl-data-test', Key: key, Body: body }));
      const read: unknown[] = [];
      for await (const record of dropRecords(
        local.s3,
        'etl-data-test',
        key,
        droppedFile({ [pipeline.name]: pipeline }, key)!.source,
        pipeline,
      ))
        read.push((record as { note: unknown }).note);
      return read;
    };
    const emptyAsNull = definePipeline({
      ...csvOrders,
      name: 'orders_csv_nulls',
      source: { kind: 's3-drop', prefix: 'landing/orders_csv_nulls/', format: 'csv' },
      csv: { emptyAsNull: true },
    });
    expect(await notes(emptyAsNull, 'landing/orders_csv_nulls/a.csv')).toEqual([null, '']);
    expect(await notes(csvOrders, 'landing/orders_csv/a.csv')).toEqual(['', '']); // CSV has no NULL unless the pipeline says so
  });

  it('refuses a CSV file whose header does not fit, whole and before any row: lacking required columns, or with unknown ones', async () => {
    const wrong = ['sensor,reading,at', 's-1,1.5,2026-11-01T10:00:00Z'].join('\n');
    const error = await dropAndTransform(csvOrders, 'landing/orders_csv/readings.csv', Buffer.from(wrong)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CSV_HEADER_MISMATCH', retry: 'permanent' });
    expect((error as Error).message).toBe(
      'landing/orders_csv/readings.csv: the CSV header does not fit pipeline orders_csv — it lacks the required columns order_id, customer_id, ' +
        'order_ts, quantity, unit_price, currency, status, country, updated_at; orders_csv does not read the columns "sensor", "reading", "at" ' +
        `(drift policy quarantine). Nothing of the file was loaded; its first line must name the columns, e.g. ${header}`,
    );
    const extra = [`${header},coupon`, 'o-1,c-1,2026-11-01T10:00:00Z,2,5.00,EUR,paid,FR,,2026-11-01T10:00:00Z,FREE'].join('\n');
    await expect(dropAndTransform(csvOrders, 'landing/orders_csv/extra.csv', Buffer.from(extra))).rejects.toThrow(
      /does not read the column "coupon"/,
    );
    // a nullable column may be left out
    const withoutNote = header.replace(',note', '');
    const staged = await dropAndTransform(
      csvOrders,
      'landing/orders_csv/no-note.csv',
      Buffer.from([withoutNote, 'o-1,c-1,2026-11-01T10:00:00Z,2,5.00,EUR,paid,FR,2026-11-01T10:00:00Z'].join('\n')),
    );
    expect(staged.accounting).toMatchObject({ rowsIn: 1, rowsStaged: 1 });
  });

  it('passes a JSON Lines drop through byte for byte, so a non-UTF-8 line is quarantined as such', async () => {
    const good = JSON.stringify({
      order_id: 'j-1',
      customer_id: 'c',
      order_ts: '2026-11-01T10:00:00Z',
      quantity: 1,
      unit_price: '2.00',
      currency: 'EUR',
      status: 'paid',
      country: 'DE',
      note: null,
      updated_at: '2026-11-01T10:00:00Z',
    });
    const body = Buffer.concat([Buffer.from(`${good}\n`), Buffer.from('{"order_id":"bad'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]);
    const staged = await dropAndTransform(jsonOrders, 'landing/orders_jsonl/orders.jsonl', body);
    expect(staged.accounting).toMatchObject({ rowsIn: 2, rowsStaged: 1, rowsRejected: 1 });
    expect(staged.rejectsByRule).toEqual({ encoding: 1 });
  });

  it('takes files for any pipeline under landing/<pipeline>/, in the format their name states', () => {
    expect(droppedFile({ csvOrders, orders }, 'landing/orders/2026/a.ndjson.gz')).toEqual({
      pipeline: orders,
      source: { kind: 's3-drop', prefix: 'landing/orders/', format: 'jsonl' },
    });
    expect(droppedFile({ orders }, 'landing/orders/b.CSV')).toBeUndefined(); // names are case-sensitive, as S3 keys are
    expect(droppedFile({ orders }, 'landing/orders/b.csv')?.source.format).toBe('csv');
    expect(droppedFile({ orders }, 'landing/orders/notes.txt')).toBeUndefined();
    // under an s3-drop pipeline's prefix too, the name says what the file is; the definition, where it says nothing
    expect(droppedFile({ csvOrders, orders }, 'landing/orders_csv/x.jsonl')?.source.format).toBe('jsonl');
    expect(droppedFile({ csvOrders, orders }, 'landing/orders_csv/export.txt')?.source.format).toBe('csv');
  });

  it('ignores keys no pipeline watches, and gives the same run id for the same object version', () => {
    expect(droppedFile({ csvOrders }, 'landing/other/x.csv')).toBeUndefined();
    expect(droppedFile({ csvOrders }, 'landing/orders_csv/')).toBeUndefined();
    expect(dropRunId('k', '"e1"', '2026-11-27T04:00:00Z')).toBe(dropRunId('k', '"e1"', '2026-11-27T04:00:00Z'));
    expect(dropRunId('k', '"e1"', '2026-11-27T04:00:00Z')).not.toBe(dropRunId('k', '"e2"', '2026-11-27T04:00:00Z'));
    expect(dropRunId('k', '"e1"', '2026-11-27T04:00:00.123Z')).toMatch(/^20261127T040000Z-[0-9a-f]{8}$/);
  });
});
