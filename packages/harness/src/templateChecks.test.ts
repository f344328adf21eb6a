import type { Template } from './serverlessCli';
import {
  alarmActionProblems,
  dataBucketProblems,
  provisionedConcurrency,
  queueWorkers,
  roleScopeProblems,
  runtimeProblems,
  sharedRoleProblems,
  wildcardResourceProblems,
  workerQueueProblems,
} from './templateChecks';

/** A minimal template shaped as Lift + serverless write it, which each test breaks in one way. */
function liftTemplate(): Template {
  return {
    Resources: {
      WorkerLambdaFunction: {
        Type: 'AWS::Lambda::Function',
        Properties: { Timeout: 60, MemorySize: 512, Role: { 'Fn::GetAtt': ['WorkerRole', 'Arn'] } },
      },
      WorkerRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          Policies: [{ PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::b/raw/*' }] } }],
        },
      },
      Queue: {
        Type: 'AWS::SQS::Queue',
        Properties: {
          VisibilityTimeout: 365,
          RedrivePolicy: { maxReceiveCount: 3, deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } },
        },
      },
      Dlq: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 1209600 } },
      Alarm: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: { Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['Dlq', 'QueueName'] } }] },
      },
      Mapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          FunctionName: { 'Fn::GetAtt': ['WorkerLambdaFunction', 'Arn'] },
          EventSourceArn: { 'Fn::GetAtt': ['Queue', 'Arn'] },
          BatchSize: 5,
          MaximumBatchingWindowInSeconds: 5,
          ScalingConfig: { MaximumConcurrency: 2 },
          FunctionResponseTypes: ['ReportBatchItemFailures'],
        },
      },
    },
  };
}

const expectation = { workerFunction: 'WorkerLambdaFunction', maxReceiveCount: 3, batchSize: 5, maxBatchingWindow: 5, maxConcurrency: 2 };

describe('workerQueueProblems', () => {
  it('finds nothing wrong with a well-formed queue', () => expect(workerQueueProblems(liftTemplate(), expectation)).toEqual([]));

  it.each([
    [
      'a short visibility timeout',
      (t: Template) => (t.Resources.Queue!.Properties!.VisibilityTimeout = 300),
      /VisibilityTimeout 300 s < 6 × worker timeout/,
    ],
    [
      'another receive count',
      (t: Template) => ((t.Resources.Queue!.Properties!.RedrivePolicy as { maxReceiveCount: number }).maxReceiveCount = 5),
      /maxReceiveCount 5/,
    ],
    ['a short DLQ retention', (t: Template) => (t.Resources.Dlq!.Properties!.MessageRetentionPeriod = 345600), /retention 345600 s/],
    [
      'no partial batch failures',
      (t: Template) => (t.Resources.Mapping!.Properties!.FunctionResponseTypes = []),
      /ReportBatchItemFailures is off/,
    ],
    ['no DLQ alarm', (t: Template) => delete t.Resources.Alarm, /no CloudWatch alarm/],
  ])('reports %s', (_label, breakIt, message) => {
    const template = liftTemplate();
    breakIt(template);
    expect(workerQueueProblems(template, expectation)).toEqual([expect.stringMatching(message)]);
  });
});

describe('wildcardResourceProblems', () => {
  const withStatement = (statement: object) => {
    const template = liftTemplate();
    (
      template.Resources.WorkerRole!.Properties!.Policies as { PolicyDocument: { Statement: object[] } }[]
    )[0]!.PolicyDocument.Statement.push(statement);
    return template;
  };

  it('reports S3 and SQS actions on "*"', () => {
    expect(wildcardResourceProblems(withStatement({ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }))).toEqual([
      expect.stringMatching(/WorkerRole: s3:PutObject allows s3:PutObject on "\*"/),
    ]);
    expect(wildcardResourceProblems(withStatement({ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: ['*'] }))).toHaveLength(1);
  });

  it('accepts Redshift Data statement reads on "*" only when limited to the caller\'s own statements', () => {
    const describe = { Effect: 'Allow', Action: ['redshift-data:DescribeStatement'], Resource: '*' };
    expect(wildcardResourceProblems(withStatement(describe))).toHaveLength(1);
    const own = { ...describe, Condition: { StringEquals: { 'redshift-data:statement-owner-iam-userid': '${aws:userid}' } } };
    expect(wildcardResourceProblems(withStatement(own))).toEqual([]);
    expect(wildcardResourceProblems(withStatement({ ...own, Action: ['redshift-data:DescribeStatement', 's3:GetObject'] }))).toHaveLength(
      1,
    );
  });
});

describe('sharedRoleProblems', () => {
  it('reports functions on the default role or sharing one', () => {
    const template = liftTemplate();
    template.Resources.OtherLambdaFunction = {
      Type: 'AWS::Lambda::Function',
      Properties: { Role: { 'Fn::GetAtt': ['WorkerRole', 'Arn'] } },
    };
    template.Resources.ThirdLambdaFunction = {
      Type: 'AWS::Lambda::Function',
      Properties: { Role: { 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] } },
    };
    expect(sharedRoleProblems(template)).toEqual([
      'WorkerLambdaFunction: shares role WorkerRole with OtherLambdaFunction',
      'OtherLambdaFunction: shares role WorkerRole with WorkerLambdaFunction',
      'ThirdLambdaFunction: uses the service-wide default role',
    ]);
  });
});

describe('dataBucketProblems', () => {
  it('reports everything a bare bucket lacks', () => {
    const template: Template = { Resources: { Bucket: { Type: 'AWS::S3::Bucket', Properties: {} } } };
    const problems = dataBucketProblems(template, 'Bucket');
    expect(problems).toEqual(
      expect.arrayContaining([
        'Bucket: no default encryption',
        'Bucket: BlockPublicAcls is not true',
        'Bucket: no bucket policy denying requests without TLS (aws:SecureTransport false)',
        'Bucket: staged/ does not expire',
        'Bucket: raw/ never moves to Glacier',
      ]),
    );
  });
});

describe('provisionedConcurrency', () => {
  it('reads it from the provisioned alias', () => {
    const template = liftTemplate();
    template.Resources.Alias = {
      Type: 'AWS::Lambda::Alias',
      Properties: { FunctionName: { Ref: 'WorkerLambdaFunction' }, ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 } },
    };
    expect(provisionedConcurrency(template)).toEqual({ WorkerLambdaFunction: 2 });
    expect(provisionedConcurrency(liftTemplate())).toEqual({});
  });
});

describe('runtimeProblems', () => {
  const withRuntime = (runtime: string) => {
    const template = liftTemplate();
    template.Resources.WorkerLambdaFunction!.Properties!.Runtime = runtime;
    return template;
  };
  const today = new Date('2026-12-02T00:00:00Z');

  it('accepts a function on nodejs24.x', () => expect(runtimeProblems(withRuntime('nodejs24.x'), today)).toEqual([]));

  it('names the function on a runtime Lambda refuses', () =>
    expect(runtimeProblems(withRuntime('nodejs20.x'), today)).toEqual([
      expect.stringMatching(/^WorkerLambdaFunction: nodejs20.x: Lambda refuses to create functions on it since 2026-08-31/),
    ]));
});

describe('alarmActionProblems', () => {
  const withTopic = (subscribed: boolean) => {
    const template = liftTemplate();
    template.Resources.Alarm!.Properties!.AlarmActions = [{ Ref: 'Topic' }];
    template.Resources.Topic = { Type: 'AWS::SNS::Topic', Properties: {} };
    if (subscribed)
      template.Resources.Mail = { Type: 'AWS::SNS::Subscription', Properties: { Protocol: 'email', TopicArn: { Ref: 'Topic' } } };
    return template;
  };

  it('accepts an alarm whose topic has a subscription', () => expect(alarmActionProblems(withTopic(true))).toEqual([]));
  it('reports a topic nobody is subscribed to', () =>
    expect(alarmActionProblems(withTopic(false))).toEqual(['alarm Alarm: its topic has no subscription']));
  it('reports an alarm without actions', () => expect(alarmActionProblems(liftTemplate())).toEqual(['alarm Alarm: no alarm action']));
});

describe('queueWorkers', () => {
  it('finds the functions an SQS queue feeds', () => expect(queueWorkers(liftTemplate())).toEqual(['WorkerLambdaFunction']));
});

describe('roleScopeProblems', () => {
  const role = (
    statements: unknown[],
    trust: unknown[] = [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: 'sts:AssumeRole' }],
  ) =>
    ({
      Resources: {
        CopyRole: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'copy' } },
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            RoleName: 'r',
            AssumeRolePolicyDocument: { Statement: trust },
            Policies: [{ PolicyDocument: { Statement: statements } }],
          },
        },
      },
    }) as Template;

  it('finds a Lambda permission on every function, as the custom resource role had it', () => {
    const template = role([
      {
        Effect: 'Allow',
        Action: ['lambda:AddPermission'],
        Resource: {
          'Fn::Join': [
            ':',
            ['arn', { Ref: 'AWS::Partition' }, 'lambda', { Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }, 'function', '*'],
          ],
        },
      },
    ]);
    expect(roleScopeProblems(template, 'etl-extract-dev')).toEqual([
      'Role: lambda:AddPermission on every function of the account (arn:aws:lambda:us-east-1:000000000000:function:*)',
    ]);
  });

  it('finds iam:PassRole without iam:PassedToService, and a Redshift-trusted role with no confused-deputy guard', () => {
    const template = role(
      [{ Effect: 'Allow', Action: ['iam:PassRole'], Resource: { 'Fn::GetAtt': ['CopyRole', 'Arn'] } }],
      [{ Effect: 'Allow', Principal: { Service: ['redshift.amazonaws.com'] }, Action: 'sts:AssumeRole' }],
    );
    expect(roleScopeProblems(template, 'etl-load-dev')).toEqual([
      'Role: iam:PassRole on arn:aws:iam::000000000000:role/copy without an iam:PassedToService condition',
      'Role: trusted by redshift.amazonaws.com with no aws:SourceAccount or aws:SourceArn condition',
    ]);
  });
});
