import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestStack } from '../src/testStack';
import type { TestStack } from '../src/testStack';
import { localWorkgroupId } from '../src/warehouse/dataApiAuthorization';
import { installedClients } from './installedClients';

jest.setTimeout(120_000);

type Service = 's3' | 's3api' | 'sqs' | 'redshift-data' | 'iam' | 'sts';
/** Temporary credentials as `aws sts assume-role` prints them. */
interface Credentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
}

const ACCOUNT = '000000000000';
const allow = (Action: string | string[], Resource: string) => ({ Effect: 'Allow', Action, Resource });
const policy = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const TRUST_ACCOUNT = policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' });

/** Debian's AWS CLI v2 (`apt-get install awscli`, done by .ci/run). */
const DEBIAN_AWS = '/usr/bin/aws';
if (!existsSync(DEBIAN_AWS) && process.env.CI) throw new Error(`${DEBIAN_AWS} is missing: .ci/run installs Debian's awscli`);

/**
 * Every major version of the AWS CLI this machine has: Debian's v2 and, where one is on PATH
 * (pip's `awscli`; Debian ships no v1), a v1.
 */
const clis = installedClients(DEBIAN_AWS, 'aws', ['--version'], (stdout, stderr) => {
  const version = /aws-cli\/(\d+)\.[\d.]+/.exec(`${stdout}${stderr}`); // read both: some v1 releases print it to stderr
  return version ? { version: version[0], key: version[1]! } : undefined;
});

/**
 * The AWS CLIs against the local stack. They validate input locally and read errors through
 * botocore, so this checks the stand-ins with independent clients, v1 and v2 alike.
 */
(clis.length > 0 ? describe.each(clis) : describe.skip.each([{ path: DEBIAN_AWS, version: 'aws-cli' }]))(
  '$version against the local stack',
  ({ path: AWS, version }) => {
    /** role names of this CLI version's own (`cli2.9.19-reader`), should two versions ever share a stack */
    const tag = version.replace('aws-cli/', 'cli');
    let stack: TestStack;
    let dir: string;
    let env: NodeJS.ProcessEnv;

    beforeAll(async () => {
      stack = await startTestStack('pglite');
      dir = await mkdtemp(path.join(tmpdir(), 'aws-cli-'));
      await writeFile(path.join(dir, 'config'), '[default]\nregion = us-east-1\noutput = json\ns3 =\n  addressing_style = path\n');
      env = {
        ...process.env,
        ...stack.env,
        AWS_CONFIG_FILE: path.join(dir, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none'),
        AWS_PAGER: '',
      };
    }, 120_000);
    afterAll(async () => {
      await stack?.cleanup();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    /** `aws <service> …` as the administrator, or with `credentials` in the environment: its exit code and output. */
    async function run(
      credentials: Credentials | undefined,
      service: Service,
      args: string[],
    ): Promise<{ exitCode: number; stdout: string; stderr: string }> {
      const endpoint = service.startsWith('s3')
        ? stack.endpoints.s3
        : service === 'sqs'
          ? stack.endpoints.sqs
          : service === 'redshift-data'
            ? stack.endpoints.redshiftData
            : stack.endpoints.iam; // IAM and STS share a port
      const signer = credentials && {
        AWS_ACCESS_KEY_ID: credentials.AccessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.SecretAccessKey,
        AWS_SESSION_TOKEN: credentials.SessionToken,
      };
      try {
        const { stdout, stderr } = await promisify(execFile)(AWS, [service, ...args, '--endpoint-url', endpoint], {
          env: { ...env, ...signer },
          maxBuffer: 64 * 1024 * 1024,
        });
        return { exitCode: 0, stdout, stderr };
      } catch (error) {
        const { code, stdout, stderr } = error as { code?: number | string; stdout?: string; stderr?: string };
        return { exitCode: typeof code === 'number' ? code : -1, stdout: stdout ?? '', stderr: stderr ?? String(error) };
      }
    }

    async function awsAs(credentials: Credentials | undefined, service: Service, ...args: string[]): Promise<string> {
      const { exitCode, stdout, stderr } = await run(credentials, service, args);
      if (exitCode !== 0) throw new Error(`aws ${service} ${args.join(' ')} failed: ${stderr}`);
      return stdout;
    }

    const aws = (service: Service, ...args: string[]) => awsAs(undefined, service, ...args);

    /** A role trusting the account with one inline policy, made with `aws iam` and assumed with `aws sts` (once). */
    const roles = new Map<string, Promise<Credentials>>();
    function assumed(role: string, document: string): Promise<Credentials> {
      if (!roles.has(role))
        roles.set(
          role,
          (async () => {
            await aws('iam', 'create-role', '--role-name', role, '--assume-role-policy-document', TRUST_ACCOUNT);
            await aws('iam', 'put-role-policy', '--role-name', role, '--policy-name', 'only', '--policy-document', document);
            const assumedRole = JSON.parse(
              await aws('sts', 'assume-role', '--role-arn', `arn:aws:iam::${ACCOUNT}:role/${role}`, '--role-session-name', 'cli'),
            ) as { Credentials: Credentials };
            return assumedRole.Credentials;
          })(),
        );
      return roles.get(role)!;
    }
    /** A role that may only s3:GetObject in cli-guarded. */
    const READER = `${tag}-reader`;
    const reader = () => assumed(READER, policy(allow('s3:GetObject', 'arn:aws:s3:::cli-guarded/*')));

    it('copies files up, down and bucket to bucket with aws s3 cp (multipart uploads and multipart copies included)', async () => {
      await aws('s3api', 'create-bucket', '--bucket', 'cli-bucket');
      for (const size of [1234, 20 * 1024 * 1024]) {
        const original = randomBytes(size);
        await writeFile(path.join(dir, 'up.bin'), original);
        await aws('s3', 'cp', path.join(dir, 'up.bin'), `s3://cli-bucket/raw/file-${size}.bin`);
        await aws('s3', 'cp', `s3://cli-bucket/raw/file-${size}.bin`, path.join(dir, 'down.bin'));
        expect((await readFile(path.join(dir, 'down.bin'))).equals(original)).toBe(true);
      }
      expect(await aws('s3', 'ls', 's3://cli-bucket/raw/')).toMatch(/file-1234\.bin[\s\S]*file-20971520\.bin/);

      // bucket to bucket over the CLI's 8 MB threshold: a multipart upload whose parts are UploadPartCopy
      const original = randomBytes(20 * 1024 * 1024);
      await writeFile(path.join(dir, 'up.bin'), original);
      await aws('s3', 'cp', path.join(dir, 'up.bin'), 's3://cli-bucket/raw/big.bin');
      await aws('s3api', 'create-bucket', '--bucket', 'cli-copies');
      await aws('s3', 'cp', 's3://cli-bucket/raw/big.bin', 's3://cli-copies/big copy.bin');
      await aws('s3', 'cp', 's3://cli-copies/big copy.bin', path.join(dir, 'down.bin'));
      expect((await readFile(path.join(dir, 'down.bin'))).equals(original)).toBe(true);
      const head = JSON.parse(await aws('s3api', 'head-object', '--bucket', 'cli-copies', '--key', 'big copy.bin')) as { ETag: string };
      expect(head.ETag).toMatch(/-\d+"$/); // made of parts, as S3 makes a multipart copy
    });

    it('gives S3 errors botocore can read: the code, not "An error occurred ()"', async () => {
      await aws('s3api', 'create-bucket', '--bucket', 'cli-errors');
      const missing = await aws('s3api', 'get-object', '--bucket', 'cli-errors', '--key', 'nope.txt', path.join(dir, 'out')).catch(
        (error: Error) => error.message,
      );
      expect(missing).toMatch(/An error occurred \(NoSuchKey\) when calling the GetObject operation/);
      const noBucket = await aws('s3api', 'list-objects-v2', '--bucket', 'cli-no-such-bucket').catch((error: Error) => error.message);
      expect(noBucket).toMatch(/An error occurred \(NoSuchBucket\) when calling the ListObjectsV2 operation/);
    });

    /** The stderr of a command that must fail. */
    async function failure(service: Service, ...args: string[]): Promise<string> {
      const { exitCode, stderr } = await run(undefined, service, args);
      expect(exitCode).not.toBe(0);
      return stderr;
    }

    it('gives S3’s answers to aws s3api: copy onto itself, response-* overrides, multipart listings, checksums, bucket names and regions, big headers', async () => {
      await aws('s3api', 'create-bucket', '--bucket', 'cli-rules');
      await aws('s3api', 'create-bucket', '--bucket', 'cli-rules'); // us-east-1: the owner may create it again
      expect(
        await failure('s3api', 'create-bucket', '--bucket', 'cli-east', '--create-bucket-configuration', 'LocationConstraint=us-east-1'),
      ).toMatch(/\(InvalidLocationConstraint\) when calling the CreateBucket operation: The specified location-constraint is not valid/);
      expect(await failure('s3api', 'create-bucket', '--bucket', '192.168.5.4')).toMatch(
        /\(InvalidBucketName\) when calling the CreateBucket operation: The specified bucket is not valid\./,
      );

      await writeFile(path.join(dir, 'self.csv'), 'a,b\n');
      await aws('s3api', 'put-object', '--bucket', 'cli-rules', '--key', 'self.csv', '--body', path.join(dir, 'self.csv'));
      expect(
        await failure('s3api', 'copy-object', '--bucket', 'cli-rules', '--key', 'self.csv', '--copy-source', 'cli-rules/self.csv'),
      ).toMatch(
        /\(InvalidRequest\) when calling the CopyObject operation: This copy request is illegal because it is trying to copy an object to itself/,
      );
      const got = JSON.parse(
        await aws(
          's3api',
          'get-object',
          '--bucket',
          'cli-rules',
          '--key',
          'self.csv',
          '--response-content-type',
          'text/plain',
          '--response-content-disposition',
          'attachment',
          path.join(dir, 'got.csv'),
        ),
      ) as { ContentType: string; ContentDisposition: string };
      expect([got.ContentType, got.ContentDisposition]).toEqual(['text/plain', 'attachment']);

      const { UploadId } = JSON.parse(await aws('s3api', 'create-multipart-upload', '--bucket', 'cli-rules', '--key', 'parts.bin')) as {
        UploadId: string;
      };
      for (const part of ['1', '2'])
        await aws(
          's3api',
          'upload-part',
          '--bucket',
          'cli-rules',
          '--key',
          'parts.bin',
          '--upload-id',
          UploadId,
          '--part-number',
          part,
          '--body',
          path.join(dir, 'self.csv'),
        );
      const parts = JSON.parse(
        await aws('s3api', 'list-parts', '--bucket', 'cli-rules', '--key', 'parts.bin', '--upload-id', UploadId, '--page-size', '1'),
      ) as {
        Parts: { PartNumber: number; Size: number }[];
      };
      expect(parts.Parts.map((p) => [p.PartNumber, p.Size])).toEqual([
        [1, 4],
        [2, 4],
      ]);
      const uploads = JSON.parse(await aws('s3api', 'list-multipart-uploads', '--bucket', 'cli-rules')) as {
        Uploads: { Key: string; UploadId: string }[];
      };
      expect(uploads.Uploads).toEqual([expect.objectContaining({ Key: 'parts.bin', UploadId })]);

      expect(
        await failure(
          's3api',
          'put-object',
          '--bucket',
          'cli-rules',
          '--key',
          'short.bin',
          '--body',
          path.join(dir, 'self.csv'),
          '--checksum-crc32',
          'abc',
        ),
      ).toMatch(/\(InvalidRequest\) when calling the PutObject operation: Value for x-amz-checksum-crc32 header is invalid\./);
      expect(
        await failure('s3api', 'put-object', '--bucket', 'cli-rules', '--key', 'big.bin', '--content-disposition', 'd'.repeat(9000)),
      ).toMatch(
        /\(RequestHeaderSectionTooLarge\) when calling the PutObject operation: Your request header section exceeds the maximum allowed size\./,
      );
    });

    it('gives SQS’s answers to aws sqs: one purge a minute, no queue of a name just deleted, attribute prefixes, receive attempts', async () => {
      const { QueueUrl } = JSON.parse(await aws('sqs', 'create-queue', '--queue-name', 'cli-rules')) as { QueueUrl: string };
      await aws('sqs', 'purge-queue', '--queue-url', QueueUrl);
      expect(await failure('sqs', 'purge-queue', '--queue-url', QueueUrl)).toMatch(
        /\((AWS\.SimpleQueueService\.)?PurgeQueueInProgress\) when calling the PurgeQueue operation: Only one PurgeQueue operation on cli-rules is allowed every 60 seconds\./,
      );
      const attribute = { DataType: 'String', StringValue: 'v' };
      await aws(
        'sqs',
        'send-message',
        '--queue-url',
        QueueUrl,
        '--message-body',
        'm',
        '--message-attributes',
        JSON.stringify({ custom: attribute, other: attribute }),
      );
      const received = JSON.parse(
        await aws('sqs', 'receive-message', '--queue-url', QueueUrl, '--message-attribute-names', 'cu.*', '--visibility-timeout', '0'),
      ) as { Messages: { MessageAttributes?: Record<string, unknown> }[] };
      expect(Object.keys(received.Messages[0]!.MessageAttributes ?? {})).toEqual(['custom']);
      await aws('sqs', 'delete-queue', '--queue-url', QueueUrl);
      expect(await failure('sqs', 'create-queue', '--queue-name', 'cli-rules')).toMatch(
        /\((AWS\.SimpleQueueService\.)?QueueDeletedRecently\) when calling the CreateQueue operation: You must wait 60 seconds after deleting a queue/,
      );

      const fifo = JSON.parse(
        await aws(
          'sqs',
          'create-queue',
          '--queue-name',
          'cli-attempts.fifo',
          '--attributes',
          'FifoQueue=true,ContentBasedDeduplication=true',
        ),
      ) as { QueueUrl: string };
      await aws('sqs', 'send-message', '--queue-url', fifo.QueueUrl, '--message-body', 'first', '--message-group-id', 'g');
      const attempt = async (id: string) =>
        (
          await aws(
            'sqs',
            'receive-message',
            '--queue-url',
            fifo.QueueUrl,
            '--receive-request-attempt-id',
            id,
            '--visibility-timeout',
            '30',
          )
        ).trim();
      const first = JSON.parse(await attempt('try-1')) as { Messages: { Body: string; ReceiptHandle: string }[] };
      expect(first.Messages.map((m) => m.Body)).toEqual(['first']);
      expect((JSON.parse(await attempt('try-1')) as typeof first).Messages).toEqual(first.Messages);
      expect(await attempt('try-2')).toBe('');
    });

    it('sends, receives and deletes messages with aws sqs (in the protocol its botocore speaks)', async () => {
      const { QueueUrl } = JSON.parse(await aws('sqs', 'create-queue', '--queue-name', 'cli-queue')) as { QueueUrl: string };
      const sent = JSON.parse(await aws('sqs', 'send-message', '--queue-url', QueueUrl, '--message-body', 'hello from the CLI')) as {
        MessageId: string;
      };
      const received = JSON.parse(await aws('sqs', 'receive-message', '--queue-url', QueueUrl, '--attribute-names', 'All')) as {
        Messages: { MessageId: string; Body: string; ReceiptHandle: string; Attributes: Record<string, string> }[];
      };
      expect(received.Messages[0]).toMatchObject({
        MessageId: sent.MessageId,
        Body: 'hello from the CLI',
        Attributes: { ApproximateReceiveCount: '1' },
      });
      await aws('sqs', 'delete-message', '--queue-url', QueueUrl, '--receipt-handle', received.Messages[0]!.ReceiptHandle);
      expect((await aws('sqs', 'receive-message', '--queue-url', QueueUrl)).trim()).toBe('');
    });

    it('configures bucket notifications with aws s3api, and a copy made by aws s3 cp sends its event to the queue', async () => {
      await aws('s3api', 'create-bucket', '--bucket', 'cli-events');
      const { QueueUrl } = JSON.parse(await aws('sqs', 'create-queue', '--queue-name', 'cli-events')) as { QueueUrl: string };
      const config = {
        QueueConfigurations: [
          {
            Id: 'drops',
            QueueArn: 'arn:aws:sqs:us-east-1:000000000000:cli-events',
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'Prefix', Value: 'in/' }] } },
          },
        ],
      };
      await aws(
        's3api',
        'put-bucket-notification-configuration',
        '--bucket',
        'cli-events',
        '--notification-configuration',
        JSON.stringify(config),
      );
      expect(JSON.parse(await aws('s3api', 'get-bucket-notification-configuration', '--bucket', 'cli-events'))).toEqual(config);
      await writeFile(path.join(dir, 'event.csv'), 'a,b\n1,2\n');
      await aws('s3', 'cp', path.join(dir, 'event.csv'), 's3://cli-events/in/event.csv');
      const bodies: string[] = [];
      for (let tries = 0; bodies.length < 2 && tries < 5; tries++) {
        const received = (
          await aws('sqs', 'receive-message', '--queue-url', QueueUrl, '--max-number-of-messages', '10', '--wait-time-seconds', '1')
        ).trim();
        if (received) bodies.push(...(JSON.parse(received) as { Messages: { Body: string }[] }).Messages.map((m) => m.Body));
      }
      expect(
        bodies.map((body) => JSON.parse(body) as { Event?: string; Records?: { eventName: string; s3: { object: { key: string } } }[] }),
      ).toEqual([
        expect.objectContaining({ Event: 's3:TestEvent' }),
        {
          Records: [
            expect.objectContaining({
              eventName: 'ObjectCreated:Put',
              s3: expect.objectContaining({ object: expect.objectContaining({ key: 'in/event.csv' }) }),
            }),
          ],
        },
      ]);
      const wrong = await aws(
        's3api',
        'put-bucket-notification-configuration',
        '--bucket',
        'cli-events',
        '--notification-configuration',
        JSON.stringify({
          QueueConfigurations: [{ ...config.QueueConfigurations[0], QueueArn: 'arn:aws:sqs:us-east-1:000000000000:nosuch' }],
        }),
      ).catch((error: Error) => error.message);
      expect(wrong).toMatch(
        /An error occurred \(InvalidArgument\) when calling the PutBucketNotificationConfiguration operation: Unable to validate/,
      );
    });

    it('runs a statement and reads its result with aws redshift-data', async () => {
      const { Id } = JSON.parse(
        await aws(
          'redshift-data',
          'execute-statement',
          '--workgroup-name',
          'etl-dev',
          '--database',
          'analytics',
          '--sql',
          "SELECT 42 AS answer, 'yes' AS ok",
        ),
      ) as { Id: string };
      for (;;) {
        const description = JSON.parse(await aws('redshift-data', 'describe-statement', '--id', Id)) as { Status: string; Error?: string };
        if (description.Status === 'FINISHED') break;
        if (description.Status === 'FAILED' || description.Status === 'ABORTED') throw new Error(description.Error);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const result = JSON.parse(await aws('redshift-data', 'get-statement-result', '--id', Id)) as {
        Records: unknown[][];
        ColumnMetadata: { name: string }[];
      };
      expect(result.Records).toEqual([[{ longValue: 42 }, { stringValue: 'yes' }]]);
      expect(result.ColumnMetadata.map((c) => c.name)).toEqual(['answer', 'ok']);
    });

    it('lists schemas and tables and describes a table with aws redshift-data, as Redshift answers', async () => {
      const target = ['--workgroup-name', 'etl-dev', '--database', 'analytics'];
      const { Id } = JSON.parse(
        await aws(
          'redshift-data',
          'execute-statement',
          ...target,
          '--sql',
          'CREATE TABLE IF NOT EXISTS public.cli_seen (id BIGINT NOT NULL, note VARCHAR(20))',
        ),
      ) as { Id: string };
      for (;;) {
        const { Status } = JSON.parse(await aws('redshift-data', 'describe-statement', '--id', Id)) as { Status: string };
        if (Status === 'FINISHED') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const schemas = JSON.parse(await aws('redshift-data', 'list-schemas', ...target)) as { Schemas: string[] };
      expect(schemas.Schemas).toEqual(expect.arrayContaining(['public', 'information_schema']));
      const tables = JSON.parse(
        await aws('redshift-data', 'list-tables', ...target, '--schema-pattern', 'public', '--table-pattern', 'cli\\_%'),
      ) as {
        Tables: { schema: string; name: string; type: string }[];
      };
      expect(tables.Tables).toEqual([{ schema: 'public', name: 'cli_seen', type: 'TABLE' }]);
      const described = JSON.parse(
        await aws('redshift-data', 'describe-table', ...target, '--schema', 'public', '--table', 'cli_seen'),
      ) as {
        TableName: string;
        ColumnList: { name: string; typeName: string; length: number; nullable: number }[];
      };
      expect(described.TableName).toBe('cli_seen');
      expect(described.ColumnList.map(({ name, typeName, length, nullable }) => [name, typeName, length, nullable])).toEqual([
        ['id', 'int8', 0, 0],
        ['note', 'varchar', 20, 1],
      ]);
    });

    it('creates a role with aws iam and assumes it with aws sts: get-caller-identity is the assumed role', async () => {
      const credentials = await reader();
      expect(credentials.AccessKeyId).toMatch(/^ASIA/);
      const { Role } = JSON.parse(await aws('iam', 'get-role', '--role-name', READER)) as {
        Role: { Arn: string; RoleId: string; AssumeRolePolicyDocument: unknown };
      };
      expect(Role.Arn).toBe(`arn:aws:iam::${ACCOUNT}:role/${READER}`);
      expect(Role.AssumeRolePolicyDocument).toEqual(JSON.parse(TRUST_ACCOUNT)); // botocore decodes IAM's URL-encoded documents
      const identity = JSON.parse(await awsAs(credentials, 'sts', 'get-caller-identity')) as Record<string, string>;
      expect(identity).toEqual({
        UserId: `${Role.RoleId}:cli`,
        Account: ACCOUNT,
        Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${READER}/cli`,
      });
    });

    it('as the assumed role: get-object of a missing key is AccessDenied until the role may list the bucket, then NoSuchKey', async () => {
      await aws('s3api', 'create-bucket', '--bucket', 'cli-guarded');
      await writeFile(path.join(dir, 'guarded.txt'), 'readable');
      await aws('s3', 'cp', path.join(dir, 'guarded.txt'), 's3://cli-guarded/readable.txt');
      const credentials = await reader();
      await awsAs(credentials, 's3api', 'get-object', '--bucket', 'cli-guarded', '--key', 'readable.txt', path.join(dir, 'read.txt'));
      expect(await readFile(path.join(dir, 'read.txt'), 'utf8')).toBe('readable');
      const getMissing = () =>
        run(credentials, 's3api', ['get-object', '--bucket', 'cli-guarded', '--key', 'missing.txt', path.join(dir, 'out')]);
      const denied = await getMissing();
      expect(denied.exitCode).not.toBe(0);
      expect(denied.stderr).toMatch(/An error occurred \(AccessDenied\) when calling the GetObject operation/);
      const put = await run(credentials, 's3', ['cp', path.join(dir, 'guarded.txt'), 's3://cli-guarded/new.txt']);
      expect(put.exitCode).not.toBe(0);
      expect(put.stderr).toMatch(/AccessDenied/);

      await aws(
        'iam',
        'put-role-policy',
        '--role-name',
        READER,
        '--policy-name',
        'list',
        '--policy-document',
        policy(allow('s3:ListBucket', 'arn:aws:s3:::cli-guarded')),
      );
      const missing = await getMissing();
      expect(missing.exitCode).not.toBe(0);
      expect(missing.stderr).toMatch(/An error occurred \(NoSuchKey\) when calling the GetObject operation/);
    });

    it('as the assumed role: aws sqs send-message to a queue its policy does not cover is AccessDenied', async () => {
      const { QueueUrl } = JSON.parse(await aws('sqs', 'create-queue', '--queue-name', 'cli-guarded')) as { QueueUrl: string };
      const denied = await run(await reader(), 'sqs', ['send-message', '--queue-url', QueueUrl, '--message-body', 'not allowed']);
      expect(denied.exitCode).not.toBe(0);
      expect(denied.stderr).toMatch(/An error occurred \(AccessDenied\) when calling the SendMessage operation/);
      expect((await aws('sqs', 'receive-message', '--queue-url', QueueUrl)).trim()).toBe('');
    });

    it('as assumed roles: aws redshift-data runs as IAMR:<role>, and a table another role created is denied until it grants SELECT', async () => {
      const workgroup = `arn:aws:redshift-serverless:us-east-1:${ACCOUNT}:workgroup/${localWorkgroupId('etl-dev')}`;
      const dataPolicy = policy(
        allow(['redshift-data:ExecuteStatement', 'redshift-serverless:GetCredentials'], workgroup),
        allow(['redshift-data:DescribeStatement', 'redshift-data:GetStatementResult'], '*'),
      );
      const ownerRole = `${tag}-owner`;
      const analystRole = `${tag}-analyst`;
      const owner = await assumed(ownerRole, dataPolicy);
      const analyst = await assumed(analystRole, dataPolicy);
      /** Runs one statement as `credentials` to its end: its status, error, and records (if it has a result). */
      const statement = async (credentials: Credentials, sql: string) => {
        const { Id } = JSON.parse(
          await awsAs(
            credentials,
            'redshift-data',
            'execute-statement',
            '--workgroup-name',
            'etl-dev',
            '--database',
            'analytics',
            '--sql',
            sql,
          ),
        ) as { Id: string };
        for (;;) {
          const described = JSON.parse(await awsAs(credentials, 'redshift-data', 'describe-statement', '--id', Id)) as {
            Status: string;
            Error?: string;
            HasResultSet?: boolean;
          };
          if (!['FINISHED', 'FAILED', 'ABORTED'].includes(described.Status)) {
            await new Promise((resolve) => setTimeout(resolve, 100));
            continue;
          }
          const records = described.HasResultSet
            ? (JSON.parse(await awsAs(credentials, 'redshift-data', 'get-statement-result', '--id', Id)) as { Records: unknown[][] })
                .Records
            : undefined;
          return { status: described.Status, error: described.Error, records };
        }
      };
      expect(await statement(owner, 'SELECT current_user')).toMatchObject({
        status: 'FINISHED',
        records: [[{ stringValue: `IAMR:${ownerRole}` }]],
      });
      expect(await statement(analyst, 'SELECT current_user')).toMatchObject({ records: [[{ stringValue: `IAMR:${analystRole}` }]] });
      expect(await statement(owner, 'CREATE TABLE cli_owned (id int)')).toMatchObject({ status: 'FINISHED' });
      expect(await statement(owner, 'INSERT INTO cli_owned VALUES (7)')).toMatchObject({ status: 'FINISHED' });
      const denied = await statement(analyst, 'SELECT id FROM cli_owned');
      expect(denied.status).toBe('FAILED');
      expect(denied.error).toContain('permission denied for relation');
      expect(await statement(owner, `GRANT SELECT ON cli_owned TO "IAMR:${analystRole}"`)).toMatchObject({ status: 'FINISHED' });
      expect(await statement(analyst, 'SELECT id FROM cli_owned')).toMatchObject({ status: 'FINISHED', records: [[{ longValue: 7 }]] });
    });

    it('with the assumed key id and token but a wrong secret: SignatureDoesNotMatch from S3 and from STS', async () => {
      const credentials = await reader();
      const wrong = {
        ...credentials,
        SecretAccessKey: `${credentials.SecretAccessKey.slice(0, -1)}${credentials.SecretAccessKey.endsWith('A') ? 'B' : 'A'}`,
      };
      const s3 = await run(wrong, 's3api', ['get-object', '--bucket', 'cli-guarded', '--key', 'readable.txt', path.join(dir, 'out')]);
      expect(s3.exitCode).not.toBe(0);
      expect(s3.stderr).toMatch(/An error occurred \(SignatureDoesNotMatch\) when calling the GetObject operation/);
      const sts = await run(wrong, 'sts', ['get-caller-identity']);
      expect(sts.exitCode).not.toBe(0);
      expect(sts.stderr).toMatch(/An error occurred \(SignatureDoesNotMatch\) when calling the GetCallerIdentity operation/);
    });
  },
);
