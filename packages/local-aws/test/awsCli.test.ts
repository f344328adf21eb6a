import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestStack } from '../src/testStack';
import type { TestStack } from '../src/testStack';
import { installedClients } from './installedClients';

jest.setTimeout(120_000);

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
  ({ path: AWS }) => {
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

    async function aws(service: 's3' | 's3api' | 'sqs' | 'redshift-data', ...args: string[]): Promise<string> {
      const endpoint = service.startsWith('s3')
        ? stack.endpoints.s3
        : service === 'sqs'
          ? stack.endpoints.sqs
          : stack.endpoints.redshiftData;
      try {
        const { stdout } = await promisify(execFile)(AWS, [service, ...args, '--endpoint-url', endpoint], {
          env,
          maxBuffer: 64 * 1024 * 1024,
        });
        return stdout;
      } catch (error) {
        const { stderr } = error as { stderr?: string };
        throw new Error(`aws ${service} ${args.join(' ')} failed: ${stderr}`);
      }
    }

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
  },
);
