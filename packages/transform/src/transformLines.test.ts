import { PassThrough, Readable } from 'node:stream';
import { definePipeline } from '@etl/pipeline-kit';
import type { Pipeline } from '@etl/pipeline-kit';
import { orders } from '@etl/pipelines';
import { TextSink } from '@etl/files';
import { transformLines } from './transformLines';

const order = (overrides: Record<string, unknown> = {}) => ({
  order_id: 'o-1',
  customer_id: 'c-1',
  order_ts: '2026-11-01T10:00:00Z',
  quantity: 2,
  unit_price: '5.00',
  currency: 'EUR',
  status: 'paid',
  country: 'FR',
  note: null,
  updated_at: '2026-11-01T10:00:00Z',
  ...overrides,
});

async function run(input: (string | Buffer)[], dedupeBlockRows?: number, pipeline: Pipeline = orders) {
  const collect = () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    return { sink: new TextSink(stream, 16), text: () => text };
  };
  const staged = collect();
  const quarantine = collect();
  const bytes = Buffer.concat(input.map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : piece)));
  const counts = await transformLines(
    pipeline,
    Readable.from([bytes.subarray(0, 7), bytes.subarray(7)]),
    { staged: staged.sink, quarantine: quarantine.sink },
    { sourceTag: 'staged/orders/r/part-0.csv.gz', dedupeBlockRows },
  );
  await staged.sink.end();
  await quarantine.sink.end();
  return {
    counts,
    staged: staged.text(),
    quarantine: quarantine
      .text()
      .split('\n')
      .filter(Boolean)
      .map(
        (l) =>
          JSON.parse(l) as {
            line: number;
            rejections: { field: string; rule: string; message: string }[];
            raw?: string;
            raw_base64?: string;
          },
      ),
  };
}

const json = (value: unknown) => `${JSON.stringify(value)}\n`;

/** An order line whose note holds the bytes 63 C3 28: C3 starts a sequence that 28 does not continue. */
function badUtf8Line(): Buffer {
  const [before, after] = json(order({ order_id: 'bad-utf8', note: '#NOTE#' })).split('#NOTE#');
  return Buffer.concat([Buffer.from(before!), Buffer.from([0x63, 0xc3, 0x28]), Buffer.from(after!)]);
}

describe('transformLines', () => {
  it('stages good rows as COPY-ready CSV with the derived total and the source tag', async () => {
    const { counts, staged } = await run([json(order({ note: 'a "quoted", multi\nline note' }))]);
    expect(counts).toEqual({ rowsIn: 1, rowsStaged: 1, rowsRejected: 0, duplicatesCollapsed: 0, rejectsByRule: {}, addedFields: [] });
    expect(staged).toBe(
      'o-1,c-1,2026-11-01 10:00:00,2,5.00,EUR,paid,FR,"a ""quoted"", multi\nline note",2026-11-01 10:00:00,10.00,staged/orders/r/part-0.csv.gz\n',
    );
  });

  it('under drift policy add-columns, stages unknown fields as one JSON column and names them', async () => {
    const adding = definePipeline({ ...orders, drift: 'add-columns' });
    const { counts, staged, quarantine } = await run(
      [
        json(order({ order_id: 'o-1', channel: 'web, "mobile"', score: 7 })),
        json(order({ order_id: 'o-2' })),
        json(order({ order_id: 'o-3', Channel: 'x' })),
        json(order({ order_id: 'o-4', referrer: 'ads' })),
      ],
      undefined,
      adding,
    );
    expect(counts).toMatchObject({ rowsIn: 4, rowsStaged: 3, rowsRejected: 1, addedFields: ['channel', 'referrer', 'score'] });
    const [first, second] = staged.split('\n');
    const added = JSON.stringify({ channel: 'web, "mobile"', score: '7' });
    expect(first).toContain(`,10.00,"${added.replace(/"/g, '""')}",staged/orders/`);
    expect(second).toContain(',10.00,\\N,staged/orders/');
    expect(quarantine[0]!.rejections).toEqual([
      { field: 'Channel', value: 'x', rule: 'unknown-field', message: expect.stringContaining('plain lower-case identifiers') },
    ]);
  });

  it('writes NULL as \\N, the string \\N quoted and an empty string as ""', async () => {
    const { staged } = await run([
      json(order({ note: null })),
      json(order({ order_id: 'o-2', note: '\\N' })),
      json(order({ order_id: 'o-3', note: '' })),
    ]);
    expect(staged.split('\n')[0]).toContain(',FR,\\N,');
    expect(staged.split('\n')[1]).toContain(',FR,"\\N",');
    expect(staged.split('\n')[2]).toContain(',FR,"",');
  });

  it('quarantines a line that is JSON but not an object, with a reason of its own', async () => {
    const { counts, quarantine } = await run([json(''), json(42), json('{"order_id":"o-9"}'), json(null), json([order()]), json(order())]);
    expect(counts).toMatchObject({ rowsIn: 6, rowsStaged: 1, rowsRejected: 5, rejectsByRule: { 'not-an-object': 5 } });
    expect(quarantine.map((q) => q.raw)).toEqual(['""', '42', '"{\\"order_id\\":\\"o-9\\"}"', 'null', JSON.stringify([order()])]);
  });

  it('quarantines every kind of bad input with its reason, and keeps the good rows', async () => {
    const { counts, quarantine, staged } = await run([
      json(order({ order_id: 'ok-1' })),
      '{"order_id": "broken\n',
      badUtf8Line(),
      json(order({ order_id: 'wrong-type', quantity: 'two' })),
      json(order({ order_id: 'bad-date', order_ts: '2026-02-30T00:00:00Z' })),
      json(order({ order_id: 'too-many', quantity: 99_999 })),
      json(order({ order_id: 'long-note', note: 'é'.repeat(129) })),
      json(order({ order_id: 'no-customer', customer_id: undefined })),
      json(order({ order_id: 'drifted', coupon: 'X1' })),
      json(order({ order_id: 'bad-codes', currency: 'EURO', country: 'XX' })),
      json(order({ order_id: 'ok-2' })),
    ]);
    expect(counts).toMatchObject({ rowsIn: 11, rowsStaged: 2, rowsRejected: 9, duplicatesCollapsed: 0 });
    expect(counts.rejectsByRule).toEqual({
      json: 1,
      encoding: 1,
      type: 1,
      timestamp: 1,
      range: 1,
      length: 1,
      check: 1,
      required: 1,
      'unknown-field': 1,
    });
    expect(
      staged
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(',')[0]),
    ).toEqual(['ok-1', 'ok-2']);
    const byLine = Object.fromEntries(quarantine.map((q) => [q.line, q]));
    expect(byLine[2]!.rejections[0]).toMatchObject({ field: '(line)', rule: 'json' });
    // named as an API's value is: the field, the byte, where (not "the line is not valid UTF-8")
    expect(byLine[3]).toMatchObject({
      rejections: [{ field: 'note', rule: 'encoding', message: '"c\\udcc3(" holds the byte 0xC3, which is not UTF-8, at character 2' }],
      raw_base64: badUtf8Line().subarray(0, -1).toString('base64'), // the line's bytes as they came
    });
    expect(byLine[4]!.rejections).toEqual([expect.objectContaining({ field: 'quantity', rule: 'type', value: 'two' })]);
    expect(byLine[7]!.rejections[0]!.message).toContain('258 bytes, over the limit of 256');
    expect(byLine[8]!.rejections).toEqual([expect.objectContaining({ field: 'customer_id', rule: 'required' })]);
    expect(byLine[9]!.rejections).toEqual([expect.objectContaining({ field: 'coupon', rule: 'unknown-field' })]);
    expect(byLine[10]!.rejections.map((r) => r.field)).toEqual(['currency', 'country']);
    expect(byLine[10]!.raw).toContain('"order_id":"bad-codes"');
  });

  it('collapses duplicates on the primary key: the newest updated_at wins, whatever the order', async () => {
    const { counts, staged } = await run([
      json(order({ order_id: 'a', status: 'paid', updated_at: '2026-11-02T00:00:00Z' })),
      json(order({ order_id: 'a', status: 'pending', updated_at: '2026-11-01T00:00:00Z' })),
      json(order({ order_id: 'b', status: 'pending', updated_at: '2026-11-01T00:00:00Z' })),
      json(order({ order_id: 'b', status: 'shipped', updated_at: '2026-11-03T00:00:00Z' })),
    ]);
    expect(counts).toMatchObject({ rowsIn: 4, rowsStaged: 2, duplicatesCollapsed: 2 });
    expect(
      staged
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(',').slice(0, 1).concat(l.split(',')[6]!)),
    ).toEqual([
      ['a', 'paid'],
      ['b', 'shipped'],
    ]);
  });

  it('reads numbers from their source text: 0.12499999999999999999 stages as 0.12, 1e309 is refused as range (never NULL)', async () => {
    const line = (price: string, id: string) => json(order({ order_id: id })).replace('"unit_price":"5.00"', `"unit_price":${price}`);
    const withDiscount = definePipeline({
      ...orders,
      name: 'orders_discount',
      target: { ...orders.target, columns: { ...orders.target.columns, discount: { type: { kind: 'decimal', precision: 12, scale: 2 } } } },
    });
    const { staged, quarantine, counts } = await run(
      [
        line('0.12499999999999999999', 'a'),
        line('1e309', 'b'),
        json(order({ order_id: 'c' })).replace('"note":null', '"note":null,"discount":1e309'),
      ],
      undefined,
      withDiscount,
    );
    expect(staged.split(',')[4]).toBe('0.12');
    expect(counts).toMatchObject({ rowsStaged: 1, rowsRejected: 2, rejectsByRule: { range: 2 } });
    expect(quarantine.map((q) => [q.line, q.rejections[0]!.field, q.rejections[0]!.rule])).toEqual([
      [2, 'unit_price', 'range'],
      [3, 'discount', 'range'],
    ]);
    expect(quarantine[1]!.raw).toContain('"discount":1e309'); // the line as it came
  });

  it('dedupes within bounded blocks: duplicates further apart are left for the load', async () => {
    const rows = ['a', 'b', 'c', 'a'].map((id) => json(order({ order_id: id })));
    const { counts } = await run(rows, 2);
    expect(counts).toMatchObject({ rowsIn: 4, rowsStaged: 4, duplicatesCollapsed: 0 });
  });
});
