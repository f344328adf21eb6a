import { parseCopy } from './copyCommand';

describe('parseCopy', () => {
  it('reads every supported option', () => {
    expect(
      parseCopy(`COPY analytics.orders (order_id, qty) FROM 's3://etl-data/manifests/run.json'
        IAM_ROLE 'arn:aws:iam::000000000000:role/copy' MANIFEST CSV QUOTE AS '''' GZIP IGNOREHEADER AS 1
        DELIMITER AS ';' NULL AS '\\N' EMPTYASNULL TIMEFORMAT 'auto' DATEFORMAT AS 'DD/MM/YYYY' MAXERROR 5
        COMPUPDATE OFF STATUPDATE OFF REGION 'us-east-1'`),
    ).toEqual({
      table: 'analytics.orders',
      columns: ['order_id', 'qty'],
      bucket: 'etl-data',
      key: 'manifests/run.json',
      manifest: true,
      format: 'csv',
      ignoreCase: false,
      gzip: true,
      ignoreHeader: 1,
      delimiter: ';',
      quote: "'",
      nullAs: '\\N',
      emptyAsNull: true,
      blanksAsNull: false,
      dateStyle: 'ISO, DMY',
      maxError: 5,
      iamRole: 'arn:aws:iam::000000000000:role/copy',
    });
  });

  it('defaults to pipe-delimited text, and reads JSON modes', () => {
    expect(parseCopy("COPY t FROM 's3://b/p/' IAM_ROLE default")).toMatchObject({
      format: 'text',
      delimiter: '|',
      key: 'p/',
      iamRole: 'default',
    });
    expect(parseCopy("COPY t FROM 's3://b/p' JSON 'auto ignorecase'")).toMatchObject({ format: 'json', ignoreCase: true });
    expect(parseCopy("COPY t FROM 's3://b/p' FORMAT AS JSON 'auto'")).toMatchObject({ format: 'json', ignoreCase: false });
  });

  it.each([
    ["COPY t FROM '/tmp/x.csv'", /FROM must be an s3:\/\/ URL/],
    ["COPY t FROM 's3://b/k' JSON 's3://b/paths.json'", /JSONPaths file\) is not supported/],
    ["COPY t FROM 's3://b/k' ACCEPTINVCHARS", /option ACCEPTINVCHARS is not supported/],
    ["COPY t FROM 's3://b/k' TIMEFORMAT 'epochsecs'", /TIMEFORMAT 'epochsecs' is not supported/],
    ["COPY t FROM 's3://b/k' MAXERROR lots", /MAXERROR needs a whole number/],
  ])('refuses %s', (sql, message) => expect(() => parseCopy(sql)).toThrow(message));
});
