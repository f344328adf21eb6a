import { orders, ordersDb } from '@etl/pipelines';
import type { PipelineDefinition, SourceDefinition } from '@etl/pipeline-kit';
import { checkSources, locationParam, pipelineLocation, SOURCE_KINDS, sourceKindOf, sourceParams, sourceProblems } from '.';

const withSource = (pipeline: PipelineDefinition, source: unknown): PipelineDefinition => ({
  ...pipeline,
  source: source as SourceDefinition,
});

describe('the source kinds registry', () => {
  it('registers each kind under its own name', () => {
    for (const [name, kind] of Object.entries(SOURCE_KINDS)) expect(kind.kind).toBe(name);
    expect(sourceKindOf(orders).label).toBe('API');
    expect(sourceKindOf(ordersDb).queue).toBe('extractSql');
  });

  it('names the registered kinds when a source is of none of them', () => {
    const odd = withSource(orders, { kind: 'ftp', host: 'x' });
    expect(() => sourceKindOf(odd)).toThrow(/source kind "ftp" is not registered \(known: http, sql, s3-drop/);
    expect(sourceProblems(odd)).toEqual(['source.kind "ftp" is none of http, sql, s3-drop']);
  });

  it('checks each source as its kind does, naming the field', () => {
    expect(sourceProblems(orders)).toEqual([]);
    expect(sourceProblems(withSource(ordersDb, { ...ordersDb.source, table: 'shop orders; drop' }))).toEqual([
      'source.table "shop orders; drop" is not a plain identifier',
    ]);
    expect(sourceProblems(withSource(orders, { ...orders.source, urlEnv: 'orders-api url' }))[0]).toMatch(
      /not an environment variable name/,
    );
    // a prefix outside landing/ would never be told of a file: refused, not silently idle
    expect(sourceProblems(withSource(orders, { kind: 's3-drop', prefix: 'incoming/orders/', format: 'csv' }))).toEqual([
      'source.prefix "incoming/orders/" must be a folder under landing/ (landing/<name>/): only files landing there are extracted',
    ]);
    const unsliced = { ...withSource(ordersDb, { ...ordersDb.source, fanOut: { rowsPerTask: 0 } }), incremental: undefined };
    expect(sourceProblems(unsliced)).toEqual([
      'source.fanOut.rowsPerTask 0: a whole number ≥ 1',
      'source.fanOut needs incremental.cursor: runs are split on the cursor',
    ]);
    expect(() => checkSources({ orders, bad: unsliced })).toThrow(/pipeline "orders_db" is invalid:\n {2}- source.fanOut.rowsPerTask 0/);
  });

  it('derives where a source is from its definition: the variable and the param it is set from', () => {
    expect(locationParam('ORDERS_API_URL')).toBe('ordersApiUrl');
    expect(locationParam('SENSOR_API_API_URL')).toBe('sensorApiApiUrl');
    expect(pipelineLocation(orders)).toMatchObject({ pipeline: 'orders', env: 'ORDERS_API_URL', param: 'ordersApiUrl' });
    expect(pipelineLocation(ordersDb)).toMatchObject({ env: 'ORDERS_DB_URL', param: 'ordersDbUrl' });
  });

  it('turns --source-url into that param, refusing a URL the kind does not read', () => {
    expect(sourceParams(orders, 'http://127.0.0.1:9/orders')).toEqual({ ordersApiUrl: 'http://127.0.0.1:9/orders' });
    expect(sourceParams(ordersDb, 'mysql://root@127.0.0.1:3306/shop')).toEqual({ ordersDbUrl: 'mysql://root@127.0.0.1:3306/shop' });
    expect(() => sourceParams(orders, 'postgres://x/y')).toThrow(/orders reads an HTTP API: --source-url must start with http/);
    expect(() => sourceParams(ordersDb, 'http://x')).toThrow(/orders_db reads a database: --source-url must be postgres/);
    const files = withSource(orders, { kind: 's3-drop', prefix: 'landing/orders/', format: 'csv' }) as typeof orders;
    expect(() => sourceParams(files, 'http://x')).toThrow(/reads files: --source-url is for sources with a location/);
  });
});
