import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { resourceSchemaProblems } from './resourceSchemas';

/** As `serverless package` writes it: resources carry DependsOn, DeletionPolicy… beside Type and Properties. */
type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown }> };

/** Resources as osls + Lift package them, each valid; the tests below break one thing at a time. */
function template(): Template {
  return {
    Resources: {
      WorkerLambdaFunction: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Architectures: ['arm64'],
          Runtime: 'nodejs24.x',
          Handler: 'src/worker.handler',
          Role: { 'Fn::GetAtt': ['WorkerRole', 'Arn'] },
          MemorySize: 1024,
          Timeout: '300', // CloudFormation coerces numeric strings
          Environment: { Variables: { STAGE: 'dev', BATCH: 25, BUCKET: { Ref: 'DataBucket' } } },
          Code: { S3Bucket: { Ref: 'ServerlessDeploymentBucket' }, S3Key: 'serverless/etl/dev/worker.zip' },
        },
      },
      WorkerEventSourceMapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          EventSourceArn: { 'Fn::GetAtt': ['Queue', 'Arn'] },
          FunctionName: { 'Fn::GetAtt': ['WorkerLambdaFunction', 'Arn'] },
          BatchSize: 10,
          Enabled: 'true',
          ScalingConfig: { MaximumConcurrency: 5 },
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          MaximumBatchingWindowInSeconds: 5,
        },
      },
      Queue: {
        Type: 'AWS::SQS::Queue',
        Properties: {
          VisibilityTimeout: 1800,
          RedrivePolicy: { maxReceiveCount: 5, deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } },
        },
      },
      Dlq: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 1209600 } },
      WorkerRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] }],
          },
          Policies: [
            {
              PolicyName: 'worker',
              PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*' }] },
            },
          ],
          Tags: [{ Key: 'service', Value: 'etl' }],
        },
      },
      DataBucket: {
        Type: 'AWS::S3::Bucket',
        DeletionPolicy: 'Retain',
        Properties: {
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          LifecycleConfiguration: {
            Rules: [
              {
                Id: 'raw',
                Prefix: 'raw/',
                Status: 'Enabled',
                ExpirationInDays: 30,
                AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
              },
              { 'Fn::If': ['IsProd', { Status: 'Enabled', ExpirationInDays: 365 }, { Ref: 'AWS::NoValue' }] },
            ],
          },
        },
      },
      DataBucketPolicy: {
        Type: 'AWS::S3::BucketPolicy',
        Properties: {
          Bucket: { Ref: 'DataBucket' },
          PolicyDocument: {
            Statement: [
              { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': false } } },
            ],
          },
        },
      },
      WorkerLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/lambda/worker', RetentionInDays: '14' } },
      DroppedCustomS31: {
        Type: 'Custom::S3',
        Properties: {
          ServiceToken: { 'Fn::GetAtt': ['CustomDashresourceDashexistingDashs3LambdaFunction', 'Arn'] },
          BucketConfigs: [{ Event: 's3:ObjectCreated:*', Rules: [{ Prefix: 'landing/' }] }],
        },
      },
    },
  };
}

/** The template with one resource's properties changed. */
function withProperties(logicalId: string, change: (properties: Record<string, unknown>) => void): Template {
  const t = template();
  change(t.Resources[logicalId]!.Properties!);
  return t;
}

const messages = async (t: Template) => (await resourceSchemaProblems(t)).map((p) => `${p.logicalId}: ${p.message}`);

test('a realistic template passes: intrinsics, JSON policies, numeric strings, Custom:: resources', async () => {
  expect(await resourceSchemaProblems(template())).toEqual([]);
}, 30_000);

test('an unknown top-level property, with the close match', async () => {
  const problems = await resourceSchemaProblems(
    withProperties('WorkerLambdaFunction', (p) => {
      p.Runtim = p.Runtime;
      delete p.Runtime;
    }),
  );
  expect(problems).toEqual([
    expect.objectContaining({ logicalId: 'WorkerLambdaFunction', type: 'AWS::Lambda::Function', path: 'Properties.Runtim' }),
  ]);
  expect(problems[0]!.message).toMatch(
    /^Properties\.Runtim: unknown property Runtim, did you mean Runtime\? \(AWS::Lambda::Function has: Architectures, .*, Role, Runtime, /,
  );
});

test('an unknown nested property, with the close match', async () => {
  expect(await messages(withProperties('WorkerEventSourceMapping', (p) => (p.ScalingConfig = { MaximumConcurency: 5 })))).toEqual([
    'WorkerEventSourceMapping: Properties.ScalingConfig.MaximumConcurency: unknown property MaximumConcurency, did you mean MaximumConcurrency? ' +
      '(AWS::Lambda::EventSourceMapping.ScalingConfig has: MaximumConcurrency)',
  ]);
});

test('properties inside lists of property types', async () => {
  const problems = await messages(
    withProperties('DataBucket', (p) => {
      p.LifecycleConfiguration = { Rules: [{ Prefix: 'raw/', Status: 'Enabled', ExpirationDays: 30 }, { ExpirationInDays: 7 }] };
    }),
  );
  expect(problems).toEqual([
    expect.stringContaining(
      'Properties.LifecycleConfiguration.Rules[0].ExpirationDays: unknown property ExpirationDays, did you mean ExpirationDate or ExpirationInDays?',
    ),
    'DataBucket: Properties.LifecycleConfiguration.Rules[1]: missing required property Status (of AWS::S3::Bucket.Rule)',
  ]);
});

test('a missing required property', async () => {
  expect(await messages(withProperties('WorkerRole', (p) => delete p.AssumeRolePolicyDocument))).toEqual([
    'WorkerRole: Properties: missing required property AssumeRolePolicyDocument (of AWS::IAM::Role)',
  ]);
  const custom = withProperties('DroppedCustomS31', (p) => delete p.ServiceToken);
  expect(await messages(custom)).toEqual(['DroppedCustomS31: Properties: missing required property ServiceToken (of Custom::S3)']);
});

test('values of the wrong type', async () => {
  const problems = await messages(
    withProperties('WorkerLambdaFunction', (p) => {
      p.MemorySize = true;
      p.Architectures = 'arm64';
      p.Timeout = '5 minutes';
      p.Environment = { Variables: ['STAGE=dev'] };
    }),
  );
  expect(problems).toEqual([
    'WorkerLambdaFunction: Properties.Architectures: expected a list of string, got a string ("arm64")',
    'WorkerLambdaFunction: Properties.MemorySize: expected an integer, got a boolean (true)',
    'WorkerLambdaFunction: Properties.Timeout: expected an integer, got a string ("5 minutes")',
    'WorkerLambdaFunction: Properties.Environment.Variables: expected an object (a map of string), got a list',
  ]);
  expect(await messages(withProperties('WorkerEventSourceMapping', (p) => (p.Enabled = 'yes')))).toEqual([
    'WorkerEventSourceMapping: Properties.Enabled: expected a boolean, got a string ("yes")',
  ]);
});

test('a value outside the enum the spec records', async () => {
  const problems = await messages(
    withProperties('DataBucket', (p) => {
      p.LifecycleConfiguration = { Rules: [{ Status: 'enabled', ExpirationInDays: 30 }] };
    }),
  );
  expect(problems).toEqual([
    'DataBucket: Properties.LifecycleConfiguration.Rules[0].Status: "enabled" is not an allowed value, did you mean Enabled? (allowed: Enabled, Disabled)',
  ]);
  expect(await messages(withProperties('WorkerLogGroup', (p) => (p.RetentionInDays = 10)))).toEqual([
    expect.stringMatching(/^WorkerLogGroup: Properties.RetentionInDays: 10 is not an allowed value \(allowed: 1, 3, 5, 7, 14, /),
  ]);
});

test('an unknown resource type, a misspelt resource key', async () => {
  const t = template();
  t.Resources.WorkerLambdaFunction!.Type = 'AWS::Lambda::Functon';
  const queue = t.Resources.Dlq!;
  queue.Propertes = queue.Properties;
  delete queue.Properties;
  delete (t.Resources.Queue as Record<string, unknown>).Type;
  expect(await messages(t)).toEqual([
    'WorkerLambdaFunction: Type: unknown resource type AWS::Lambda::Functon, did you mean AWS::Lambda::Function?',
    'Queue: Type: expected a resource type such as AWS::S3::Bucket, got nothing',
    expect.stringMatching(/^Dlq: Propertes: not a resource attribute, did you mean Properties\? \(a resource has: Type, Properties, /),
  ]);
});

test('no suggestion when nothing is close', async () => {
  expect(await messages(withProperties('WorkerEventSourceMapping', (p) => (p.ScalingConfig = { Pollers: 5 })))).toEqual([
    'WorkerEventSourceMapping: Properties.ScalingConfig.Pollers: unknown property Pollers (AWS::Lambda::EventSourceMapping.ScalingConfig has: MaximumConcurrency)',
  ]);
});

test('a read-only attribute given as a property', async () => {
  expect(await messages(withProperties('Queue', (p) => (p.Arn = 'arn:aws:sqs:eu-west-1:123456789012:q')))).toEqual([
    'Queue: Properties.Arn: Arn is a read-only attribute of AWS::SQS::Queue (read it with Fn::GetAtt), not a property',
  ]);
});

const services = path.resolve(__dirname, '../../../services');

/** The templates `serverless package` left in the services: `.serverless/` and the `.serverless-<stage>/` the harness writes. */
function packagedTemplates(): [string][] {
  return ['load', 'transform', 'extract'].flatMap((service) => {
    const dir = path.join(services, service);
    const outDirs = existsSync(dir) ? readdirSync(dir).filter((name) => /^\.serverless(-[a-z0-9]+)?$/.test(name)) : [];
    return outDirs
      .map((outDir) => path.join(dir, outDir, 'cloudformation-template-update-stack.json'))
      .filter((file) => existsSync(file))
      .map((file): [string] => [path.relative(services, file)]);
  });
}

const packaged = packagedTemplates();
(packaged.length > 0 ? test.each(packaged) : test.skip.each([['(no packaged template)']]))(
  'the packaged %s has no problems',
  async (file) => {
    const t = JSON.parse(readFileSync(path.join(services, file), 'utf8')) as Template;
    expect(await messages(t)).toEqual([]);
  },
);
