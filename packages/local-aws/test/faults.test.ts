import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import {
  FAULT_LOG,
  FAULTS_ENV,
  FREE_PORTS,
  faultPlanFromEnv,
  injectedFaults,
  launchStack,
  LOCAL_CREDENTIALS,
  scaledVisibilityMs,
  startLocalStack,
  stopProcess,
} from '../src';
import type { FaultPlan, LocalStack } from '../src';

jest.setTimeout(60_000);

const clients = { region: 'us-east-1', credentials: LOCAL_CREDENTIALS };

async function withStack(faults: FaultPlan, test: (stack: LocalStack, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'etl-faults-'));
  const stack = await startLocalStack({ dir, ports: { s3: 0, sqs: 0, redshiftData: 0, iam: 0 }, faults });
  try {
    await test(stack, dir);
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('fault injection in the local stack (LOCAL_AWS_FAULTS)', () => {
  it('answers a share of S3 object requests 503 SlowDown, which the SDK retries; bucket requests are spared', async () => {
    await withStack({ seed: 7, s3SlowDownShare: 0.3 }, async (stack, dir) => {
      const once = new S3Client({ ...clients, endpoint: stack.endpoints.s3, forcePathStyle: true, maxAttempts: 1 });
      const retrying = new S3Client({ ...clients, endpoint: stack.endpoints.s3, forcePathStyle: true, maxAttempts: 10 });
      await once.send(new CreateBucketCommand({ Bucket: 'faulty' }));
      const codes: string[] = [];
      for (let i = 0; i < 40; i++) {
        await once.send(new PutObjectCommand({ Bucket: 'faulty', Key: `k${i}`, Body: 'x' })).then(
          () => codes.push('ok'),
          (error: S3ServiceException) => codes.push(`${error.$metadata.httpStatusCode} ${error.name}`),
        );
      }
      const slowDowns = codes.filter((c) => c === '503 SlowDown').length;
      expect(slowDowns).toBeGreaterThan(4);
      expect(slowDowns + codes.filter((c) => c === 'ok').length).toBe(40);
      for (let i = 0; i < 20; i++) await retrying.send(new PutObjectCommand({ Bucket: 'faulty', Key: `r${i}`, Body: 'y' }));
      const read = await retrying.send(new GetObjectCommand({ Bucket: 'faulty', Key: 'r19' }));
      expect(await read.Body!.transformToString()).toBe('y');
      expect(injectedFaults(path.join(dir, FAULT_LOG))['s3-slow-down']).toBeGreaterThanOrEqual(slowDowns);
      once.destroy();
      retrying.destroy();
    });
  });

  it('fails the nth statement containing a text, rolling back its transaction', async () => {
    await withStack({ failStatement: { contains: 'INSERT INTO t', nth: 2 } }, async (stack, dir) => {
      const data = new RedshiftDataClient({ ...clients, endpoint: stack.endpoints.redshiftData });
      const run = async (Sql: string) => {
        const { Id } = await data.send(new ExecuteStatementCommand({ WorkgroupName: 'w', Database: 'analytics', Sql }));
        for (;;) {
          const described = await data.send(new DescribeStatementCommand({ Id }));
          if (described.Status === 'FINISHED' || described.Status === 'FAILED') return { ...described, Id };
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      await run('CREATE TABLE t (v INT)');
      expect((await run('INSERT INTO t VALUES (1)')).Status).toBe('FINISHED');
      const failed = await run('INSERT INTO t VALUES (2)');
      expect([failed.Status, failed.Error]).toEqual(['FAILED', expect.stringContaining('injected fault')]);
      expect((await run('INSERT INTO t VALUES (3)')).Status).toBe('FINISHED');
      const { Id } = await run('SELECT v FROM t ORDER BY v');
      const { Records } = await data.send(new GetStatementResultCommand({ Id }));
      expect(Records!.map(([field]) => field!.longValue)).toEqual([1, 3]);
      expect(injectedFaults(path.join(dir, FAULT_LOG))['failed-statement']).toBe(1);
      data.destroy();
    });
  });

  it('shortens SQS visibility timeouts by sqsTimeScale down to a floor: a 100 s timeout lasts 1 s', async () => {
    expect(scaledVisibilityMs(1800, { sqsTimeScale: 0.03 })).toBe(54_000);
    expect(scaledVisibilityMs(360, { sqsTimeScale: 0.03 })).toBe(30_000);
    expect(scaledVisibilityMs(10, { sqsTimeScale: 0.03 })).toBe(10_000);
    expect(scaledVisibilityMs(360, undefined)).toBe(360_000);
    await withStack({ sqsTimeScale: 0.01, sqsTimeFloorSeconds: 0 }, async (stack) => {
      const sqs = new SQSClient({ ...clients, endpoint: stack.endpoints.sqs });
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'q', Attributes: { VisibilityTimeout: '100' } }));
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'm' }));
      const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }));
      expect(first.Messages).toHaveLength(1);
      expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }))).Messages ?? []).toHaveLength(0);
      const started = Date.now();
      const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5, MessageSystemAttributeNames: ['All'] }));
      expect(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
      expect(Date.now() - started).toBeLessThan(3_000);
      sqs.destroy();
    });
  });

  it('refuses a plan it cannot follow, naming the field', () => {
    expect(() => faultPlanFromEnv({ LOCAL_AWS_FAULTS: '{"s3SlowDownShare": 2}' })).toThrow(/s3SlowDownShare must be between 0 and 1/);
    expect(() => faultPlanFromEnv({ LOCAL_AWS_FAULTS: '{"failStatement": {"contains": "x"}}' })).toThrow(/failStatement needs/);
    expect(() => faultPlanFromEnv({ LOCAL_AWS_FAULTS: 'nope' })).toThrow(/not JSON/);
    expect(faultPlanFromEnv({})).toBeUndefined();
  });
});

describe('launchStack and the V8 abort some starts meet', () => {
  it('starts the stack again when V8 aborted its process as it started, and says so', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'etl-v8-abort-'));
    const said: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => (said.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      const { child, ready } = await launchStack(['--dir', dir, ...FREE_PORTS], {
        ...process.env,
        [FAULTS_ENV]: JSON.stringify({ v8AbortOnFirstStart: true } satisfies FaultPlan),
      }).finally(() => (process.stderr.write = write));
      try {
        expect(said.join('')).toContain('V8 aborted the stack');
        // the second process serves: its warehouse answers
        const data = new RedshiftDataClient({ ...clients, endpoint: ready.endpoints.redshiftData });
        const { Id } = await data.send(new ExecuteStatementCommand({ WorkgroupName: 'etl-dev', Database: 'analytics', Sql: 'SELECT 1' }));
        expect(Id).toBeDefined();
        data.destroy();
      } finally {
        await stopProcess(child);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
