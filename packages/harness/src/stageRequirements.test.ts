import { deployReminders, missingParams } from './stageRequirements';

// as services/extract/pipelineConfig.js derives them from the orders pipelines
const locations = [
  { pipeline: 'orders', param: 'ordersApiUrl', deployed: 'url' as const },
  { pipeline: 'orders_db', param: 'ordersDbUrl', deployed: 'secret' as const },
];

const placeholders = {
  dataBucketName: 'etl-data-prod',
  alarmEmail: 'etl-alerts@example.com',
  warehouseWorkgroupId: '00000000-0000-0000-0000-000000000000',
  ordersApiUrl: 'https://shop.example.com/api/orders',
  ordersDbUrl: 'arn:aws:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:etl/prod/orders-db',
};

const real = {
  dataBucketName: 'acme-etl-data-prod',
  alarmEmail: 'data-oncall@acme.io',
  warehouseWorkgroupId: '3f2b8c1e-5a4d-4e2f-9b7a-0c1d2e3f4a5b',
  ordersApiUrl: 'https://shop.acme.io/api/orders',
  ordersDbUrl: placeholders.ordersDbUrl,
};

describe('missingParams', () => {
  it('names every placeholder a first deploy of prod cannot use, with what to do', () => {
    expect(missingParams('extract', 'prod', placeholders, locations)).toEqual([
      { service: 'extract', param: 'dataBucketName', value: 'etl-data-prod', why: expect.stringMatching(/bucket names are global/) },
      { service: 'extract', param: 'alarmEmail', value: 'etl-alerts@example.com', why: expect.stringMatching(/would mail nobody/) },
      {
        service: 'extract',
        param: 'warehouseWorkgroupId',
        value: placeholders.warehouseWorkgroupId,
        why: expect.stringMatching(/get-workgroup/),
      },
      { service: 'extract', param: 'ordersApiUrl', value: placeholders.ordersApiUrl, why: expect.stringMatching(/shop.example.com/) },
    ]);
  });

  it('finds nothing once the params hold real values', () => expect(missingParams('extract', 'prod', real, locations)).toEqual([]));

  it('refuses a source on the laptop and a database URL in plain text', () => {
    const local = { ...real, ordersApiUrl: 'http://127.0.0.1:4580/orders', ordersDbUrl: 'postgres://shop:secret@db.acme.io/shop' };
    expect(missingParams('extract', 'dev', local, locations).map(({ param, why }) => [param, why])).toEqual([
      ['ordersApiUrl', expect.stringMatching(/points at 127.0.0.1/)],
      ['ordersDbUrl', expect.stringMatching(/not a Secrets Manager secret ARN/)],
    ]);
  });

  it("refuses a secret the SQL worker's role cannot read", () => {
    const elsewhere = { ...real, ordersDbUrl: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/orders-db' };
    expect(missingParams('extract', 'prod', elsewhere, locations)).toEqual([
      expect.objectContaining({ param: 'ordersDbUrl', why: expect.stringMatching(/may only read secrets under etl\/prod\//) }),
    ]);
  });

  it('ignores params a service does not declare', () =>
    expect(missingParams('transform', 'prod', { alarmEmail: 'a@acme.io' })).toEqual([]));
});

describe('deployReminders', () => {
  it('lists the workgroup, the COPY role association, the secret and the mail to confirm', () => {
    const reminders = deployReminders('prod', {
      load: {
        warehouseWorkgroup: 'etl-prod',
        warehouseWorkgroupId: real.warehouseWorkgroupId,
        warehouseDatabase: 'analytics',
        alarmEmail: real.alarmEmail,
      },
      extract: { ordersDbSecret: 'etl/prod/orders-db', alarmEmail: real.alarmEmail },
    });
    expect(reminders).toEqual([
      expect.stringMatching(/^AWS credentials/),
      expect.stringMatching(/workgroup "etl-prod" \(id 3f2b8c1e-.*\) with database "analytics"/),
      expect.stringMatching(/warehouseCopyRoleArn/),
      expect.stringMatching(/grant the maintenance function's database user VACUUM and ANALYZE \(docs\/warehouse-access\.md\)/),
      expect.stringMatching(/secret "etl\/prod\/orders-db"/),
      'confirm the SNS subscription mail AWS sends to data-oncall@acme.io once the alarms exist',
    ]);
  });
});
