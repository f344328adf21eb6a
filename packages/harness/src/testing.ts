import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSBatchResponse } from 'aws-lambda';
import { sqsRecord } from '@etl/middleware/testing';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS } from '@etl/local-aws';
import type { LocalEndpoints } from '@etl/local-aws';
import { startTestStack } from '@etl/local-aws/testing';
import type { TestStack } from '@etl/local-aws/testing';
import { MAX_RECEIVE_COUNT } from './deployCheck';
import { stackName } from './localAccount';
import { functionCredentials } from './functionRoles';
import { provision } from './provision';
import { stackResources } from './templateResources';
import { packageService, serviceConfig, startOffline, stageParams } from './serverlessCli';
import type { OfflineService, ServiceName, Template } from './serverlessCli';
import {
  dataBucketProblems,
  esbuildTargetProblems,
  provisionedConcurrency,
  roleScopeProblems,
  runtimeProblems,
  sharedRoleProblems,
  wildcardResourceProblems,
  workerQueueProblems,
} from './templateChecks';

export interface ServiceTemplateSpec {
  service: ServiceName;
  /**
   * Every Lambda function of the service: whether a Lift queue feeds it, the params of its size
   * (default `memorySize`, `timeout`), and whether it has provisioned concurrency in prod (default yes).
   */
  functions: { logicalId: string; queueWorker: boolean; memoryParam?: string; timeoutParam?: string; provisioned?: boolean }[];
  /** Logical id of the data bucket, for the service that owns it. */
  dataBucket?: string;
  /** Outputs other services read through compose. */
  outputs: string[];
}

/**
 * The jest suite every service runs on its packaged template, for `dev` and `prod`:
 * queues and DLQs, sizing from stage params, IAM least privilege, the data bucket, and
 * provisioned concurrency in prod only. Packages with osls offline, no AWS credentials.
 */
export function describeServiceTemplate(spec: ServiceTemplateSpec): void {
  const { service } = spec;
  describe(`${service} service template`, () => {
    const templates: Record<string, Template> = {};
    beforeAll(async () => {
      templates.dev = await packageService(service, 'dev');
      templates.prod = await packageService(service, 'prod');
    }, 180_000);

    describe.each(['dev', 'prod'])('%s', (stage) => {
      const params = stageParams(service, stage);
      const template = () => templates[stage]!;

      for (const { logicalId } of spec.functions.filter((f) => f.queueWorker)) {
        it(`${logicalId} is fed by a Lift queue with a DLQ after ${MAX_RECEIVE_COUNT} receives and partial batch failures`, () => {
          expect(
            workerQueueProblems(template(), {
              workerFunction: logicalId,
              maxReceiveCount: MAX_RECEIVE_COUNT,
              batchSize: Number(params.batchSize),
              maxBatchingWindow: Number(params.maxBatchingWindow),
              maxConcurrency: Number(params.maxConcurrency),
            }),
          ).toEqual([]);
        });
      }

      it.each(spec.functions)(
        '$logicalId is sized from the stage params',
        ({ logicalId, memoryParam = 'memorySize', timeoutParam = 'timeout' }) => {
          expect(template().Resources[logicalId]?.Properties).toMatchObject({
            MemorySize: params[memoryParam],
            Timeout: params[timeoutParam],
          });
        },
      );

      it('runs every function on a Node runtime Lambda accepts for 60 more days, bundled for that Node', () => {
        expect(runtimeProblems(template())).toEqual([]);
        expect(esbuildTargetProblems(service, serviceConfig(service))).toEqual([]);
      });

      it('gives each function its own role, with no wildcard resource on S3, SQS or Redshift Data', () => {
        expect(sharedRoleProblems(template())).toEqual([]);
        expect(wildcardResourceProblems(template())).toEqual([]);
      });

      it('grants nothing wider than its purpose: no function:*, no unconditioned PassRole, service roles guarded', () => {
        expect(roleScopeProblems(template(), stackName(service, stage))).toEqual([]);
      });

      it(`has provisioned concurrency ${stage === 'prod' ? 'on every function that wants it' : 'nowhere'}`, () => {
        const warm = spec.functions.filter((f) => f.provisioned !== false);
        const expected = stage === 'prod' ? Object.fromEntries(warm.map((f) => [f.logicalId, params.provisionedConcurrency])) : {};
        expect(provisionedConcurrency(template())).toEqual(expected);
      });
    });

    if (spec.dataBucket) {
      it('owns the data bucket: encrypted, private, TLS only, lifecycle per prefix', () => {
        expect(dataBucketProblems(templates.dev!, spec.dataBucket!)).toEqual([]);
      });
    }

    it('publishes the outputs compose passes on', () => {
      expect(Object.keys(templates.dev!.Outputs ?? {})).toEqual(expect.arrayContaining(spec.outputs));
    });
  });
}

export interface OfflineWorkerSpec {
  service: ServiceName;
  /** Function name in serverless.yml, e.g. `transformWorker`. */
  worker: string;
  /** Makes what the good messages point at (files, queues) on the local stack, and returns their bodies. */
  goodBodies: (stack: TestStack) => Promise<string[]>;
  /** Message bodies it must reject, each for its own reason. */
  malformedBodies: string[];
  /** Checks what the good messages led to (files written, messages sent). */
  verify?: (stack: TestStack) => Promise<void>;
}

/**
 * Starts the local stack and `serverless offline` for the service (its handlers pointed at the
 * stack), and invokes its queue worker through the offline Lambda endpoint with the real AWS
 * SDK Lambda client and an SQS event mixing good and malformed messages: only the malformed
 * ones may come back in `batchItemFailures`.
 */
export function describeOfflineWorker(spec: OfflineWorkerSpec): void {
  describe(`${spec.service} worker under serverless offline`, () => {
    let stack: TestStack;
    let offline: OfflineService;
    let lambda: LambdaClient;
    let goodBodies: string[];
    beforeAll(async () => {
      stack = await startTestStack('pglite');
      // each function runs as its own role, from the packaged template, as in Lambda
      const resources = stackResources(
        await packageService(spec.service, 'dev', { outDir: '.serverless-offline-test' }),
        stackName(spec.service, 'dev'),
      );
      goodBodies = await spec.goodBodies(stack);
      await provision(stack.endpoints, resources);
      offline = await startOffline(spec.service, {
        freePorts: true,
        endpoints: stack.endpoints,
        extraEnv: stack.env,
        functionCredentials: await functionCredentials(stack.endpoints, resources),
      });
      lambda = new LambdaClient({
        endpoint: offline.lambdaEndpoint,
        region: 'us-east-1',
        credentials: LOCAL_CREDENTIALS,
      });
    }, 150_000);
    afterAll(async () => {
      lambda?.destroy();
      await offline?.stop();
      await stack?.cleanup();
    });

    it('reports only the malformed messages as batch item failures', async () => {
      const bodies = interleave(
        goodBodies.map((body, i) => ({ id: `good-${i}`, body })),
        spec.malformedBodies.map((body, i) => ({ id: `malformed-${i}`, body })),
      );
      const event = { Records: bodies.map(({ id, body }) => sqsRecord(body, { messageId: id })) };
      const result = await lambda.send(
        new InvokeCommand({ FunctionName: offline.functionName(spec.worker), Payload: JSON.stringify(event) }),
      );
      expect([
        result.FunctionError,
        Buffer.from(result.Payload ?? new Uint8Array())
          .toString('utf8')
          .slice(0, 300),
      ]).toEqual([undefined, expect.anything()]);
      const response = JSON.parse(Buffer.from(result.Payload ?? new Uint8Array()).toString('utf8')) as SQSBatchResponse;
      expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
        spec.malformedBodies.map((_, i) => `malformed-${i}`).sort(),
      );
      // each rejected message was logged with its reason
      for (let i = 0; i < spec.malformedBodies.length; i++) {
        await offline.waitForOutput(new RegExp(`"messageId":"malformed-${i}".*"reason":"message does not match contract`));
      }
      await spec.verify?.(stack);
      // the handlers run on the Node they deploy to: the SDK has nothing to warn about
      expect(offline.output()).not.toMatch(/NodeVersionSupportWarning|no longer support Node/);
    }, 60_000);

    it('is reachable only under its full offline name <service>-<stage>-<function>', async () => {
      const result = await lambda.send(new InvokeCommand({ FunctionName: spec.worker, Payload: '{}' })).catch((error: unknown) => error);
      expect(result).toMatchObject({ $metadata: { httpStatusCode: 404 } });
    });
  });
}

function interleave<T>(a: T[], b: T[]): T[] {
  return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => [a[i], b[i]])
    .flat()
    .filter((x): x is T => x !== undefined);
}

/**
 * A jest fixture: a local stack (PGlite) for the enclosing `describe`, an S3 client on it and a
 * bucket, torn down after. Read `stack` and `s3` inside tests (they exist once beforeAll ran).
 */
export function useStackWithBucket(bucket: string): { readonly stack: TestStack; readonly s3: S3Client } {
  const fixture = {} as { stack: TestStack; s3: S3Client };
  beforeAll(async () => {
    fixture.stack = await startTestStack('pglite');
    fixture.s3 = new S3Client({
      endpoint: fixture.stack.endpoints.s3,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
    await fixture.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }, 60_000);
  afterAll(async () => {
    fixture.s3?.destroy();
    await fixture.stack?.cleanup();
  });
  return fixture;
}

/**
 * Credentials of a new role on the local stack with one inline policy (trusting the account),
 * assumed by the administrator: a test's stand-in for a function's role, held to that policy.
 */
export async function roleCredentials(
  endpoints: LocalEndpoints,
  roleName: string,
  policy: { Version?: string; Statement: unknown[] },
): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken: string }> {
  const admin = { endpoint: endpoints.iam, region: 'us-east-1', credentials: LOCAL_CREDENTIALS };
  const iam = new IAMClient(admin);
  const sts = new STSClient(admin);
  try {
    const trust = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:root` }, Action: 'sts:AssumeRole' }],
    };
    await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(trust) }));
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: roleName,
        PolicyName: 'test',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', ...policy }),
      }),
    );
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${roleName}`, RoleSessionName: 'test' }),
    );
    return {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken!,
    };
  } finally {
    iam.destroy();
    sts.destroy();
  }
}
export { scratchRepository } from './scratchRepository';
export type { ScratchRepository } from './scratchRepository';
