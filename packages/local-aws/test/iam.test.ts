import { createHash, createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, SendMessageCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from './nodeSha256';
/** Credentials as the SDK clients take them. */
type AwsCredentialIdentity = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
import { DescribeStatementCommand, ExecuteStatementCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, startLocalStack } from '../src';
import type { LocalStack } from '../src';
import { assumeRoleAsService } from '../src/iam/serviceCredentials';
import { workgroupArn } from '../src/warehouse/dataApiAuthorization';

const region = 'us-east-1';
const accountTrust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:root` }, Action: 'sts:AssumeRole' }],
});
const allow = (Action: string | string[], Resource: string | string[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource, ...extra }] });

/** Sets a queue's policy to one statement. */
const setQueuePolicy = (sqs: SQSClient, QueueUrl: string | undefined, statement: Record<string, unknown>) =>
  sqs.send(
    new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }) } }),
  );

/** Runs a statement on the local workgroup and waits for it: its id, and its error unless it finished. */
async function runStatement(client: RedshiftDataClient, Sql: string): Promise<{ id: string; error?: string }> {
  const { Id } = await client.send(new ExecuteStatementCommand({ WorkgroupName: 'etl-dev', Database: 'analytics', Sql }));
  for (;;) {
    const described = await client.send(new DescribeStatementCommand({ Id }));
    if (described.Status === 'FINISHED') return { id: Id! };
    if (described.Status === 'FAILED' || described.Status === 'ABORTED') return { id: Id!, error: described.Error ?? described.Status };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A failed call's error name and HTTP status, for assertions. */
async function failure(call: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await call;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail');
}

/**
 * The local IAM and STS with real SDK v3 clients, and what they make the other services do:
 * keys the stack issues are checked on every request as AWS checks them.
 */
describe('local IAM and STS: credentials the stack issues are enforced', () => {
  let dir: string;
  let stack: LocalStack;
  const admin = { credentials: LOCAL_CREDENTIALS, region };
  let iam: IAMClient;
  let sts: STSClient;
  let s3Admin: S3Client;
  const clients: { destroy: () => void }[] = [];
  const s3As = (credentials: AwsCredentialIdentity) => {
    const client = new S3Client({ endpoint: stack.endpoints.s3, forcePathStyle: true, region, credentials });
    clients.push(client);
    return client;
  };
  const sqsAs = (credentials: AwsCredentialIdentity) => {
    const client = new SQSClient({ endpoint: stack.endpoints.sqs, region, credentials });
    clients.push(client);
    return client;
  };

  /** A role trusting the account, with one inline policy, assumed by the administrator. */
  async function roleWith(name: string, policy: string): Promise<AwsCredentialIdentity> {
    await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: accountTrust }));
    await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'only', PolicyDocument: policy }));
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${name}`, RoleSessionName: 'test' }),
    );
    return {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken!,
    };
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'local-iam-'));
    stack = await startLocalStack({ dir, ports: { s3: 0, sqs: 0, redshiftData: 0, iam: 0 } });
    iam = new IAMClient({ ...admin, endpoint: stack.endpoints.iam });
    sts = new STSClient({ ...admin, endpoint: stack.endpoints.iam });
    s3Admin = new S3Client({ ...admin, endpoint: stack.endpoints.s3, forcePathStyle: true });
    clients.push(iam, sts, s3Admin);
    await s3Admin.send(new CreateBucketCommand({ Bucket: 'data' }));
    await s3Admin.send(new PutObjectCommand({ Bucket: 'data', Key: 'state/here.json', Body: '{}' }));
  }, 60_000);
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps roles and their policies as IAM does, trust policy URL-encoded in replies', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'kept', Path: '/etl/', AssumeRolePolicyDocument: accountTrust }));
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'kept' }));
    expect(Role).toMatchObject({
      RoleName: 'kept',
      Path: '/etl/',
      Arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/etl/kept`,
      MaxSessionDuration: 3600,
    });
    expect(Role!.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!))).toEqual(JSON.parse(accountTrust));
    expect(await failure(iam.send(new CreateRoleCommand({ RoleName: 'KEPT', AssumeRolePolicyDocument: accountTrust })))).toMatchObject({
      name: 'EntityAlreadyExistsException',
      status: 409,
    });
    expect(await failure(iam.send(new GetRoleCommand({ RoleName: 'nobody' })))).toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The role with name nobody cannot be found.',
    });
    expect(
      await failure(
        iam.send(new PutRolePolicyCommand({ RoleName: 'kept', PolicyName: 'p', PolicyDocument: '{"Statement":[{"Effect":"Allow"}]}' })),
      ),
    ).toMatchObject({ name: 'MalformedPolicyDocumentException', status: 400 });
    const { Policy } = await iam.send(
      new CreatePolicyCommand({ PolicyName: 'read', PolicyDocument: allow('s3:GetObject', 'arn:aws:s3:::data/*') }),
    );
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'kept', PolicyArn: Policy!.Arn }));
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'kept' }));
    expect(attached.AttachedPolicies).toEqual([{ PolicyName: 'read', PolicyArn: Policy!.Arn }]);
    expect(await failure(iam.send(new DeleteRoleCommand({ RoleName: 'kept' })))).toMatchObject({
      name: 'DeleteConflictException',
      status: 409,
    });
  });

  it('assumes a role the trust policy allows; the session is the role', async () => {
    const credentials = await roleWith('reader', allow('s3:GetObject', 'arn:aws:s3:::data/*'));
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
    const client = new STSClient({ region, endpoint: stack.endpoints.iam, credentials });
    clients.push(client);
    const identity = await client.send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe(`arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/reader/test`);
    expect(identity.UserId).toMatch(/^AROA[A-Z2-7]{17}:test$/);
    const policy = await iam.send(new GetRolePolicyCommand({ RoleName: 'reader', PolicyName: 'only' }));
    expect(JSON.parse(decodeURIComponent(policy.PolicyDocument!)).Statement[0].Action).toBe('s3:GetObject');
  });

  it('refuses AssumeRole where the trust policy does not name the caller, and lets a service principal in', async () => {
    const lambdaTrust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    await iam.send(new CreateRoleCommand({ RoleName: 'fn', AssumeRolePolicyDocument: lambdaTrust }));
    const roleArn = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/fn`;
    expect(await failure(sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'x1' })))).toMatchObject({
      name: 'AccessDenied',
      status: 403,
      message: `User: arn:aws:iam::${LOCAL_ACCOUNT_ID}:root is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    });
    // a role that does not exist gets the same answer: AWS does not say which
    expect(await failure(sts.send(new AssumeRoleCommand({ RoleArn: `${roleArn}-missing`, RoleSessionName: 'x1' })))).toMatchObject({
      name: 'AccessDenied',
    });
    const credentials = await assumeRoleAsService({
      endpoint: stack.endpoints.iam,
      roleArn,
      service: 'lambda.amazonaws.com',
      sessionName: 'fn',
    });
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
  });

  it('S3: a missing key is 403 AccessDenied without s3:ListBucket, 404 NoSuchKey with it', async () => {
    const reader = s3As(await roleWith('planner', allow('s3:GetObject', 'arn:aws:s3:::data/state/*')));
    const missing = await failure(reader.send(new GetObjectCommand({ Bucket: 'data', Key: 'state/none.json' })));
    expect(missing).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(missing.message).toBe(
      `User: arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/planner/test is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::data" because no identity-based policy allows the s3:ListBucket action`,
    );
    expect(await failure(reader.send(new HeadObjectCommand({ Bucket: 'data', Key: 'state/none.json' })))).toMatchObject({ status: 403 });
    expect((await reader.send(new GetObjectCommand({ Bucket: 'data', Key: 'state/here.json' }))).ContentLength).toBe(2);
    expect(await failure(reader.send(new GetObjectCommand({ Bucket: 'data', Key: 'other/here.json' })))).toMatchObject({
      name: 'AccessDenied',
    });
    expect(await failure(reader.send(new PutObjectCommand({ Bucket: 'data', Key: 'state/new.json', Body: '{}' })))).toMatchObject({
      name: 'AccessDenied',
      status: 403,
    });

    await iam.send(
      new PutRolePolicyCommand({ RoleName: 'planner', PolicyName: 'list', PolicyDocument: allow('s3:ListBucket', 'arn:aws:s3:::data') }),
    );
    expect(await failure(reader.send(new GetObjectCommand({ Bucket: 'data', Key: 'state/none.json' })))).toMatchObject({
      name: 'NoSuchKey',
      status: 404,
    });
  });

  it('S3: a ListBucket allowed only for a prefix does not make GetObject of a missing key a 404 (s3:prefix is absent there)', async () => {
    const reader = s3As(
      await roleWith(
        'slices',
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*' },
            {
              Effect: 'Allow',
              Action: 's3:ListBucket',
              Resource: 'arn:aws:s3:::data',
              Condition: { StringLike: { 's3:prefix': 'state/*' } },
            },
          ],
        }),
      ),
    );
    expect(await failure(reader.send(new GetObjectCommand({ Bucket: 'data', Key: 'state/slices.json' })))).toMatchObject({ status: 403 });
  });

  it('S3: DeleteObjects answers AccessDenied per key the caller may not delete', async () => {
    await s3Admin.send(new PutObjectCommand({ Bucket: 'data', Key: 'tmp/a', Body: 'a' }));
    await s3Admin.send(new PutObjectCommand({ Bucket: 'data', Key: 'keep/b', Body: 'b' }));
    const cleaner = s3As(await roleWith('cleaner', allow('s3:DeleteObject', 'arn:aws:s3:::data/tmp/*')));
    const result = await cleaner.send(
      new DeleteObjectsCommand({ Bucket: 'data', Delete: { Objects: [{ Key: 'tmp/a' }, { Key: 'keep/b' }] } }),
    );
    expect(result.Deleted).toEqual([{ Key: 'tmp/a' }]);
    expect(result.Errors).toEqual([{ Key: 'keep/b', Code: 'AccessDenied', Message: 'Access Denied' }]);
  });

  it('S3: a bucket policy denies by itself, and a TLS-only policy lets loopback requests through', async () => {
    const writer = s3As(await roleWith('writer', allow(['s3:PutObject', 's3:GetObject'], 'arn:aws:s3:::data/*')));
    await s3Admin.send(
      new PutBucketPolicyCommand({
        Bucket: 'data',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'TlsOnly',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: ['arn:aws:s3:::data', 'arn:aws:s3:::data/*'],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
            { Sid: 'NoLanding', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::data/landing/*' },
          ],
        }),
      }),
    );
    await writer.send(new PutObjectCommand({ Bucket: 'data', Key: 'out/x.json', Body: '{}' }));
    const denied = await failure(writer.send(new PutObjectCommand({ Bucket: 'data', Key: 'landing/x.json', Body: '{}' })));
    expect(denied.name).toBe('AccessDenied');
    expect(denied.message).toContain('with an explicit deny in a resource-based policy');
  });

  it('SQS: SendMessage without sqs:SendMessage is AccessDenied; a queue policy can grant it', async () => {
    const sqsAdmin = sqsAs(LOCAL_CREDENTIALS);
    const { QueueUrl } = await sqsAdmin.send(new CreateQueueCommand({ QueueName: 'work' }));
    const role = await roleWith('sender', allow('sqs:ReceiveMessage', `arn:aws:sqs:${region}:${LOCAL_ACCOUNT_ID}:work`));
    const sender = sqsAs(role);
    const denied = await failure(sender.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' })));
    expect(denied).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(denied.message).toBe(
      `User: arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/sender/test is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:${region}:${LOCAL_ACCOUNT_ID}:work because no identity-based policy allows the sqs:sendmessage action`,
    );
    await setQueuePolicy(sqsAdmin, QueueUrl, {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/sender` },
      Action: 'sqs:SendMessage',
      Resource: '*',
    });
    expect((await sender.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' }))).MessageId).toBeDefined();
  });

  it('a wrong secret is SignatureDoesNotMatch, a wrong token InvalidToken / InvalidClientTokenId', async () => {
    const credentials = await roleWith('signer', allow('*', '*'));
    const wrongSecret = { ...credentials, secretAccessKey: `${credentials.secretAccessKey}x` };
    expect(await failure(s3As(wrongSecret).send(new GetObjectCommand({ Bucket: 'data', Key: 'state/here.json' })))).toMatchObject({
      name: 'SignatureDoesNotMatch',
      status: 403,
    });
    expect(await failure(sqsAs(wrongSecret).send(new CreateQueueCommand({ QueueName: 'q' })))).toMatchObject({
      name: 'SignatureDoesNotMatch',
      status: 403,
    });
    const wrongToken = { ...credentials, sessionToken: 'not-the-token' };
    expect(await failure(s3As(wrongToken).send(new GetObjectCommand({ Bucket: 'data', Key: 'state/here.json' })))).toMatchObject({
      name: 'InvalidToken',
      status: 400,
    });
    const sts2 = new STSClient({ region, endpoint: stack.endpoints.iam, credentials: wrongToken });
    clients.push(sts2);
    expect(await failure(sts2.send(new GetCallerIdentityCommand({})))).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
    // any key the stack never issued is the administrator, as before
    expect(
      (
        await s3As({ accessKeyId: 'AKIAANYTHING', secretAccessKey: 'x' }).send(
          new GetObjectCommand({ Bucket: 'data', Key: 'state/here.json' }),
        )
      ).ContentLength,
    ).toBe(2);
  });

  it('S3 refuses SigV2 from a key the stack issued, as on every bucket created since 2020', async () => {
    const { accessKeyId, sessionToken } = await roleWith('old-signer', allow('s3:GetObject', 'arn:aws:s3:::data/*'));
    const response = await fetch(`${stack.endpoints.s3}/data/state/here.json`, {
      headers: { authorization: `AWS ${accessKeyId}:c2lnbmF0dXJl`, 'x-amz-security-token': sessionToken!, date: new Date().toUTCString() },
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(
      '<Code>InvalidRequest</Code><Message>The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.</Message>',
    );
    const presigned = await fetch(
      `${stack.endpoints.s3}/data/state/here.json?AWSAccessKeyId=${accessKeyId}&Expires=${Math.floor(Date.now() / 1000) + 60}&Signature=x`,
    );
    expect(presigned.status).toBe(400);
  });

  it('an IAM user signs with its access key and is held to its policies', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    await iam.send(
      new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'p', PolicyDocument: allow('s3:GetObject', 'arn:aws:s3:::data/state/*') }),
    );
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
    expect(AccessKey!.AccessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    const alice = s3As({ accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! });
    expect((await alice.send(new GetObjectCommand({ Bucket: 'data', Key: 'state/here.json' }))).ContentLength).toBe(2);
    expect(await failure(alice.send(new PutObjectCommand({ Bucket: 'data', Key: 'state/x', Body: 'x' })))).toMatchObject({
      name: 'AccessDenied',
    });
  });

  it('Data API: ExecuteStatement needs redshift-data:ExecuteStatement and GetCredentials on the workgroup; only the owner follows a statement', async () => {
    const workgroup = workgroupArn('etl-dev');
    const runner = await roleWith('runner', allow(['redshift-data:ExecuteStatement', 'redshift-serverless:GetCredentials'], workgroup));
    const client = (credentials: AwsCredentialIdentity) => {
      const c = new RedshiftDataClient({ region, endpoint: stack.endpoints.redshiftData, credentials });
      clients.push(c);
      return c;
    };
    const { Id } = await client(runner).send(
      new ExecuteStatementCommand({ WorkgroupName: 'etl-dev', Database: 'analytics', Sql: 'SELECT 1' }),
    );
    expect(Id).toBeDefined();
    const describe = await failure(client(runner).send(new DescribeStatementCommand({ Id })));
    expect(describe).toMatchObject({ name: 'AccessDeniedException', status: 400 });
    expect(describe.message).toContain('redshift-data:DescribeStatement on resource: *');
    expect(
      await failure(client(runner).send(new ExecuteStatementCommand({ WorkgroupName: 'other', Database: 'analytics', Sql: 'SELECT 1' }))),
    ).toMatchObject({
      name: 'AccessDeniedException',
    });

    const follower = await roleWith(
      'follower',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['redshift-data:ExecuteStatement', 'redshift-serverless:GetCredentials'], Resource: workgroup },
          {
            Effect: 'Allow',
            Action: 'redshift-data:DescribeStatement',
            Resource: '*',
            Condition: { StringEquals: { 'redshift-data:statement-owner-iam-userid': '${aws:userid}' } },
          },
        ],
      }),
    );
    const own = await client(follower).send(
      new ExecuteStatementCommand({ WorkgroupName: 'etl-dev', Database: 'analytics', Sql: 'SELECT 1' }),
    );
    expect((await client(follower).send(new DescribeStatementCommand({ Id: own.Id }))).Id).toBe(own.Id);
    expect(await failure(client(follower).send(new DescribeStatementCommand({ Id })))).toMatchObject({ name: 'AccessDeniedException' });
  });

  it('Data API: a role runs as IAMR:<role>, a plain user who cannot read what another role created until granted', async () => {
    const workgroup = workgroupArn('etl-dev');
    const dataPolicy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['redshift-data:*Statement', 'redshift-serverless:GetCredentials'], Resource: workgroup },
        { Effect: 'Allow', Action: ['redshift-data:DescribeStatement', 'redshift-data:GetStatementResult'], Resource: '*' },
      ],
    });
    const client = async (role: string) => {
      const c = new RedshiftDataClient({ region, endpoint: stack.endpoints.redshiftData, credentials: await roleWith(role, dataPolicy) });
      clients.push(c);
      return c;
    };
    const owner = await client('table-owner');
    const reader = await client('table-reader');
    const run = runStatement;
    const result = async (c: RedshiftDataClient, Sql: string) => {
      const { id, error } = await run(c, Sql);
      if (error) throw new Error(error);
      const { GetStatementResultCommand } = await import('@aws-sdk/client-redshift-data');
      return (await c.send(new GetStatementResultCommand({ Id: id }))).Records!.map((r) => r.map((f) => Object.values(f)[0]));
    };
    expect(await result(owner, 'SELECT current_user')).toEqual([['IAMR:table-owner']]);
    expect(await result(owner, "SELECT rolsuper::text, rolcreaterole::text FROM pg_roles WHERE rolname = 'IAMR:table-owner'")).toEqual([
      ['false', 'false'],
    ]);
    expect((await run(owner, 'CREATE TABLE owned_here (id int)')).error).toBeUndefined();
    expect((await run(owner, 'INSERT INTO owned_here VALUES (1)')).error).toBeUndefined();
    expect((await run(reader, 'SELECT * FROM owned_here')).error).toMatch(/^ERROR: permission denied for relation owned_here/);
    expect((await run(reader, 'VACUUM owned_here')).error).toBeUndefined(); // Redshift: "completes successfully but has no effect"
    expect((await run(owner, 'GRANT SELECT ON owned_here TO "IAMR:table-reader"')).error).toBeUndefined();
    expect(await result(reader, 'SELECT id FROM owned_here')).toEqual([[1]]);
    expect((await run(reader, 'INSERT INTO owned_here VALUES (2)')).error).toMatch(/permission denied/);
    // a database user cannot make itself someone else
    for (const sql of ['RESET ROLE', 'SET SESSION AUTHORIZATION DEFAULT', "SELECT set_config('role', 'postgres', false)"])
      expect((await run(reader, sql)).error).toMatch(/permission denied to set session authorization/);
  });

  it('Data API: COPY reads S3 as the IAM_ROLE it names, which must trust Redshift; a database user cannot COPY without one', async () => {
    const workgroup = workgroupArn('etl-dev');
    const loader = new RedshiftDataClient({
      region,
      endpoint: stack.endpoints.redshiftData,
      credentials: await roleWith(
        'loader',
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['redshift-data:ExecuteStatement', 'redshift-serverless:GetCredentials'], Resource: workgroup },
            { Effect: 'Allow', Action: 'redshift-data:DescribeStatement', Resource: '*' },
          ],
        }),
      ),
    });
    clients.push(loader);
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'copy-reader',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'redshift.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'aws:SourceAccount': LOCAL_ACCOUNT_ID } },
            },
          ],
        }),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'copy-reader',
        PolicyName: 'staged',
        PolicyDocument: allow(['s3:GetObject', 's3:ListBucket'], ['arn:aws:s3:::data/staged/*', 'arn:aws:s3:::data']),
      }),
    );
    await s3Admin.send(new PutObjectCommand({ Bucket: 'data', Key: 'staged/rows.csv', Body: '1\n2\n' }));
    await s3Admin.send(new PutObjectCommand({ Bucket: 'data', Key: 'private/rows.csv', Body: '3\n' }));
    const run = async (Sql: string) => (await runStatement(loader, Sql)).error;
    const role = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/copy-reader`;
    expect(await run('CREATE TABLE copied (n int)')).toBeUndefined();
    expect(await run(`COPY copied FROM 's3://data/staged/rows.csv' IAM_ROLE '${role}' CSV`)).toBeUndefined();
    expect(await run(`COPY copied FROM 's3://data/private/rows.csv' IAM_ROLE '${role}' CSV`)).toMatch(
      /AccessDenied|not authorized to perform: s3:GetObject/,
    );
    expect(await run(`COPY copied FROM 's3://data/staged/rows.csv' IAM_ROLE 'arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/nobody' CSV`)).toMatch(
      /not authorized to assume IAM Role .*role\/nobody/,
    );
    expect(await run("COPY copied FROM 's3://data/staged/rows.csv' CSV")).toMatch(/need IAM_ROLE/);
  });

  it("S3: a notification to a queue needs the queue's policy to let S3 send from this bucket", async () => {
    const sqsAdmin = sqsAs(LOCAL_CREDENTIALS);
    const { QueueUrl } = await sqsAdmin.send(new CreateQueueCommand({ QueueName: 'events' }));
    const queueArn = `arn:aws:sqs:${region}:${LOCAL_ACCOUNT_ID}:events`;
    const configurer = s3As(
      await roleWith('configurer', allow(['s3:PutBucketNotification', 's3:GetBucketNotification'], 'arn:aws:s3:::data')),
    );
    const configure = () =>
      configurer.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: 'data',
          NotificationConfiguration: { QueueConfigurations: [{ QueueArn: queueArn, Events: ['s3:ObjectCreated:*'] }] },
        }),
      );
    const refused = await failure(configure());
    expect(refused).toMatchObject({ name: 'InvalidArgument', status: 400 });
    await setQueuePolicy(sqsAdmin, QueueUrl, {
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: 'SQS:SendMessage',
      Resource: queueArn,
      Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:*:*:data' }, StringEquals: { 'aws:SourceAccount': LOCAL_ACCOUNT_ID } },
    });
    await configure();
  });

  it("S3: a streamed upload's chunk signatures are verified for an issued key; a tampered chunk is SignatureDoesNotMatch and stores nothing", async () => {
    const credentials = await roleWith('streamer', allow(['s3:PutObject', 's3:GetObject'], 'arn:aws:s3:::data/*'));
    const endpoint = new URL(stack.endpoints.s3);
    const signer = new SignatureV4({ service: 's3', region, credentials, sha256: NodeSha256, uriEscapePath: false, applyChecksum: false });
    const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text).digest();
    const hash = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
    const put = async (key: string, pieces: Buffer[], tamper: boolean) => {
      const length = pieces.reduce((n, p) => n + p.length, 0);
      const request = await signer.sign({
        method: 'PUT',
        protocol: 'http:',
        hostname: endpoint.hostname,
        port: Number(endpoint.port),
        path: `/data/${key}`,
        headers: {
          host: endpoint.host,
          'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
          'content-encoding': 'aws-chunked',
          'x-amz-decoded-content-length': String(length),
        },
      });
      const authorization = String(request.headers.authorization);
      const date = String(request.headers['x-amz-date']);
      const scope = /Credential=[^/]+\/([^,]+)/.exec(authorization)![1]!;
      const day = scope.split('/')[0]!;
      const signingKey = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), 's3'), 'aws4_request');
      let previous = /Signature=([0-9a-f]+)/.exec(authorization)![1]!;
      const body: Buffer[] = [];
      for (const piece of [...pieces, Buffer.alloc(0)]) {
        previous = hmac(signingKey, ['AWS4-HMAC-SHA256-PAYLOAD', date, scope, previous, hash(''), hash(piece)].join('\n')).toString('hex');
        const sent = tamper && piece.length > 0 ? Buffer.from(piece.toString().replace(/^./, 'X')) : piece;
        body.push(Buffer.from(`${piece.length.toString(16)};chunk-signature=${previous}\r\n`), sent, Buffer.from('\r\n'));
      }
      const response = await fetch(`${stack.endpoints.s3}/data/${key}`, {
        method: 'PUT',
        headers: Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== 'host')) as Record<string, string>,
        body: Buffer.concat(body),
      });
      return { status: response.status, text: await response.text() };
    };
    const pieces = [Buffer.from('a'.repeat(8192)), Buffer.from('b'.repeat(100))];
    expect((await put('streamed/ok', pieces, false)).status).toBe(200);
    const stored = await s3Admin.send(new GetObjectCommand({ Bucket: 'data', Key: 'streamed/ok' }));
    expect(await stored.Body!.transformToString()).toBe('a'.repeat(8192) + 'b'.repeat(100));
    const tampered = await put('streamed/tampered', pieces, true);
    expect(tampered.status).toBe(403);
    expect(tampered.text).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(await failure(s3Admin.send(new GetObjectCommand({ Bucket: 'data', Key: 'streamed/tampered' })))).toMatchObject({
      name: 'NoSuchKey',
    });
  });
});
