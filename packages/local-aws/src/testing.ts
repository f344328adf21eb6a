import { packageService, stageParams } from './serverlessCli';
import type { ServiceName, Template } from './serverlessCli';
import { dataBucketProblems, provisionedConcurrency, sharedRoleProblems, wildcardResourceProblems, workerQueueProblems } from './templateChecks';

export interface ServiceTemplateSpec {
  service: ServiceName;
  /** Logical id of every Lambda function of the service, and whether it is fed by a Lift queue. */
  functions: { logicalId: string; queueWorker: boolean }[];
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
        it(`${logicalId} is fed by a Lift queue with a DLQ, 3 receives and partial batch failures`, () => {
        expect(
          workerQueueProblems(template(), {
            workerFunction: logicalId,
            maxReceiveCount: 3,
            batchSize: Number(params.batchSize),
            maxBatchingWindow: Number(params.maxBatchingWindow),
            maxConcurrency: Number(params.maxConcurrency),
          }),
        ).toEqual([]);
        });
      }

      it.each(spec.functions)('$logicalId is sized from the stage params', ({ logicalId }) => {
        expect(template().Resources[logicalId]?.Properties).toMatchObject({ MemorySize: params.memorySize, Timeout: params.timeout });
      });

      it('gives each function its own role, with no wildcard resource on S3, SQS or Redshift Data', () => {
        expect(sharedRoleProblems(template())).toEqual([]);
        expect(wildcardResourceProblems(template())).toEqual([]);
      });

      it(`has provisioned concurrency ${stage === 'prod' ? 'on every function' : 'nowhere'}`, () => {
        const expected = stage === 'prod' ? Object.fromEntries(spec.functions.map((f) => [f.logicalId, params.provisionedConcurrency])) : {};
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
