import { definePipeline } from './definition';
import { types } from './columnTypes';
import { canonicalComparator, compareUtf8, rowOrder } from './rowOrder';

describe('rowOrder', () => {
  const pipeline = definePipeline({
    name: 'versions',
    source: { kind: 's3-drop', prefix: 'drop/', format: 'jsonl' },
    target: {
      columns: {
        id: { type: types.varchar(8), nullable: false },
        amount: { type: types.decimal(12, 2) },
        updated_at: { type: types.timestamp(), nullable: false },
      },
      primaryKey: ['id'],
    },
    write: 'merge',
    newestWins: 'updated_at',
    drift: 'quarantine',
  });
  const order = rowOrder(pipeline)!;

  it('ranks by newestWins, then every non-key column in definition order, NULL lowest', () => {
    expect(order.columns).toEqual(['updated_at', 'amount']);
    expect(order.orderBySql('s')).toBe('s."updated_at" DESC NULLS LAST, s."amount" DESC NULLS LAST');
    const row = (amount: string | null, at: string) => ['k', amount, at];
    expect(order.compare(row('1.00', '2026-12-01 10:00:00.000001'), row('9.00', '2026-12-01 10:00:00'))).toBe(1);
    expect(order.compare(row('10.00', '2026-12-01 10:00:00'), row('9.00', '2026-12-01 10:00:00'))).toBe(1); // as numbers, not text
    expect(order.compare(row(null, '2026-12-01 10:00:00'), row('-1.00', '2026-12-01 10:00:00'))).toBe(-1);
    expect(order.compare(row('1.00', '2026-12-01 10:00:00'), row('1.00', '2026-12-01 10:00:00'))).toBe(0);
  });

  it('says in SQL when a row beats another: greater on the first column that differs', () => {
    expect(order.beatsSql('r', 't')).toBe(
      '((r."updated_at" IS NOT NULL AND (t."updated_at" IS NULL OR r."updated_at" > t."updated_at")) OR ' +
        '(((r."updated_at" IS NULL AND t."updated_at" IS NULL) OR r."updated_at" = t."updated_at") AND ' +
        '(r."amount" IS NOT NULL AND (t."amount" IS NULL OR r."amount" > t."amount"))))',
    );
  });

  it('has none without newestWins', () => {
    expect(rowOrder({ ...pipeline, newestWins: undefined })).toBeUndefined();
  });

  it('compares text by code point (UTF-8 bytes), which UTF-16 order gets wrong past U+FFFF', () => {
    expect('\u{1F600}' < '\uE000').toBe(true); // JavaScript's own order
    expect(compareUtf8('\u{1F600}', '\uE000')).toBe(1);
    expect(compareUtf8('a\u{1F600}', 'a\u{1F601}')).toBe(-1);
    expect(compareUtf8('ab', 'a')).toBe(1);
    expect(Buffer.compare(Buffer.from('\u{1F600}'), Buffer.from('\uE000'))).toBe(1);
  });

  it('compares integers past 2^53 exactly', () => {
    expect(canonicalComparator(types.bigint())('9007199254740993', '9007199254740992')).toBe(1);
    expect(canonicalComparator(types.bigint())(null, '-1')).toBe(-1);
  });
});
