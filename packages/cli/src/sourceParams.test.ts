import { orders, ordersDb } from '@etl/pipelines';
import { sourceParamsFor } from './sourceParams';

describe('sourceParamsFor', () => {
  it('finds the param the source’s environment variable is set from', () => {
    expect(sourceParamsFor(orders, 'http://127.0.0.1:9/orders')).toEqual({ ordersApiUrl: 'http://127.0.0.1:9/orders' });
    expect(sourceParamsFor(ordersDb, 'mysql://root@127.0.0.1:3306/shop')).toEqual({ ordersDbUrl: 'mysql://root@127.0.0.1:3306/shop' });
  });

  it('refuses a URL of another kind of source, saying what it must be', () => {
    expect(() => sourceParamsFor(orders, 'postgres://x/y')).toThrow(/orders reads an HTTP API: --source-url must start with http/);
    expect(() => sourceParamsFor(ordersDb, 'http://x')).toThrow(/orders_db reads a database: --source-url must be postgres/);
  });
});
