import { compileRowValidator, createTableSql } from '@etl/pipeline-kit';
import { orders } from './orders';

describe('orders pipeline', () => {
  const validate = compileRowValidator(orders);
  const order = {
    order_id: 'o-1',
    customer_id: 'c-9',
    order_ts: '2026-11-01T10:00:00Z',
    quantity: 3,
    unit_price: '19.99',
    currency: 'EUR',
    status: 'paid',
    country: 'DE',
    note: null,
    updated_at: '2026-11-02T08:00:00+01:00',
  };

  it('derives total = quantity × unit_price exactly', () => {
    expect(validate(order)).toEqual({
      ok: true,
      values: ['o-1', 'c-9', '2026-11-01 10:00:00', '3', '19.99', 'EUR', 'paid', 'DE', null, '2026-11-02 07:00:00', '59.97'],
    });
    expect(validate({ ...order, quantity: 3, unit_price: 0.1 })).toMatchObject({ values: expect.arrayContaining(['0.30']) });
  });

  it('is a merge on order_id, incremental on updated_at, in Redshift DDL', () => {
    expect(orders.write).toBe('merge');
    expect(createTableSql(orders)).toContain('"total" DECIMAL(18,2) ENCODE az64');
    expect(createTableSql(orders)).toContain('DISTKEY ("order_id") COMPOUND SORTKEY ("updated_at")');
  });
});
