import { queueArn } from '@etl/local-aws';
import type { Template } from './serverlessCli';
import { resourcesOfType } from './templateChecks';
import { resolve } from './templateIntrinsics';

/** A queue as the stack defines it, with its attributes in SQS's string form. */
export interface QueueSpec {
  name: string;
  attributes: Record<string, string>;
}

/** An event source mapping: which function a queue feeds, and how. */
export interface MappingSpec {
  queueName: string;
  functionName: string;
  batchSize: number;
  /** Seconds to wait gathering a batch (MaximumBatchingWindowInSeconds). */
  batchingWindow: number;
  maxConcurrency: number;
  reportBatchItemFailures: boolean;
  /** The function's timeout in seconds: an invocation taking longer has failed. */
  functionTimeout: number;
}

/** A function a bucket's events go to (Serverless's `s3` event with `existing: true`: its Custom::S3 resource). */
export interface BucketNotificationSpec {
  bucket: string;
  functionName: string;
  events: string[];
  prefix?: string;
  suffix?: string;
}

/** An IAM role as the template defines it, its documents resolved against the local account. */
export interface RoleSpec {
  name: string;
  path: string;
  trustPolicy: string;
  /** inline policies by name */
  policies: Record<string, string>;
  managedPolicyArns: string[];
}

export interface StackResources {
  buckets: string[];
  /** bucket policies (AWS::S3::BucketPolicy), by bucket */
  bucketPolicies: Record<string, string>;
  queues: QueueSpec[];
  mappings: MappingSpec[];
  notifications: BucketNotificationSpec[];
  roles: RoleSpec[];
  /** each function's execution role, by function name */
  functionRoles: Record<string, string>;
}

type Properties = Record<string, unknown>;

function literal(value: unknown, what: string): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  throw new Error(`${what} is not a literal in the template (${JSON.stringify(value)}): the local stack cannot resolve it`);
}

/** The logical id `{ Fn::GetAtt: [id, 'Arn'] }` or a `<arn>:alias` join points at. */
function target(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const getAtt = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  const ref = (value as { Ref?: string }).Ref;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  return getAtt?.[0] ?? ref ?? join?.[1].map(target).find(Boolean);
}

/**
 * Reads from a service's compiled CloudFormation template what the local stack must provide
 * and run: its buckets, its queues (with visibility timeout, retention and redrive policy as
 * Lift set them) and its event source mappings. The services' own configuration is the only
 * description of them; nothing is written twice.
 */
export function stackResources(template: Template, stackName: string): StackResources {
  const resources = template.Resources;
  const resolved = (value: unknown) => resolve(value, template, { stackName });
  const document = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(resolved(value)));
  const queueName = (logicalId: string) =>
    literal((resources[logicalId]?.Properties as Properties | undefined)?.QueueName, `${logicalId}.QueueName`);

  const buckets = resourcesOfType(template, 'AWS::S3::Bucket')
    .filter(([id]) => id !== 'ServerlessDeploymentBucket')
    .map(([id, bucket]) => literal((bucket.Properties as Properties).BucketName, `${id}.BucketName`));

  const queues = resourcesOfType(template, 'AWS::SQS::Queue').map(([id, queue]) => {
    const p = (queue.Properties ?? {}) as Properties;
    const attributes: Record<string, string> = {};
    for (const name of [
      'VisibilityTimeout',
      'MessageRetentionPeriod',
      'DelaySeconds',
      'MaximumMessageSize',
      'ReceiveMessageWaitTimeSeconds',
    ]) {
      if (p[name] !== undefined) attributes[name] = literal(p[name], `${id}.${name}`);
    }
    if (p.FifoQueue === true) attributes.FifoQueue = 'true';
    if (p.ContentBasedDeduplication === true) attributes.ContentBasedDeduplication = 'true';
    const redrive = p.RedrivePolicy as { maxReceiveCount?: number; deadLetterTargetArn?: unknown } | undefined;
    if (redrive) {
      const dlq = target(redrive.deadLetterTargetArn);
      if (!dlq) throw new Error(`${id}.RedrivePolicy: the dead-letter queue is not a queue of this template`);
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: queueArn(queueName(dlq)),
        maxReceiveCount: redrive.maxReceiveCount,
      });
    }
    return { name: queueName(id), attributes };
  });
  // dead-letter queues first, so a redrive policy never names a queue that does not exist yet
  queues.sort((a, b) => Number('RedrivePolicy' in a.attributes) - Number('RedrivePolicy' in b.attributes));

  const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').flatMap(([id, mapping]) => {
    const p = (mapping.Properties ?? {}) as Properties;
    const source = target(p.EventSourceArn);
    if (!source || resources[source]?.Type !== 'AWS::SQS::Queue') return [];
    const fn = target(p.FunctionName);
    const fnProperties = (fn ? resources[fn]?.Properties : undefined) as Properties | undefined;
    if (!fnProperties) throw new Error(`${id}: its function is not in this template`);
    return [
      {
        queueName: queueName(source),
        functionName: literal(fnProperties.FunctionName, `${fn}.FunctionName`),
        batchSize: Number(p.BatchSize ?? 10),
        batchingWindow: Number(p.MaximumBatchingWindowInSeconds ?? 0),
        maxConcurrency: Number((p.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency ?? 1000),
        reportBatchItemFailures: ((p.FunctionResponseTypes as string[] | undefined) ?? []).includes('ReportBatchItemFailures'),
        functionTimeout: Number(fnProperties.Timeout ?? 6),
      },
    ];
  });
  const notifications = resourcesOfType(template, 'Custom::S3').flatMap(([id, resource]) => {
    const p = (resource.Properties ?? {}) as Properties;
    const configs = (p.BucketConfigs ?? []) as { Event: string; Rules?: { Prefix?: string; Suffix?: string }[] }[];
    return configs.map((config) => {
      const rules = Object.assign({}, ...(config.Rules ?? [])) as { Prefix?: unknown; Suffix?: unknown };
      return {
        bucket: literal(p.BucketName, `${id}.BucketName`),
        functionName: literal(p.FunctionName, `${id}.FunctionName`),
        events: [config.Event],
        ...(rules.Prefix === undefined ? {} : { prefix: literal(rules.Prefix, `${id} prefix rule`) }),
        ...(rules.Suffix === undefined ? {} : { suffix: literal(rules.Suffix, `${id} suffix rule`) }),
      };
    });
  });
  const roles = resourcesOfType(template, 'AWS::IAM::Role').map(([id]) => {
    const p = (resources[id]!.Properties ?? {}) as Properties;
    const arn = String(resolved({ 'Fn::GetAtt': [id, 'Arn'] }));
    const policies = (p.Policies ?? []) as { PolicyName: unknown; PolicyDocument: unknown }[];
    return {
      name: arn.split('/').pop()!,
      path: String(p.Path ?? '/'),
      trustPolicy: document(p.AssumeRolePolicyDocument),
      policies: Object.fromEntries(policies.map((policy) => [String(resolved(policy.PolicyName)), document(policy.PolicyDocument)])),
      managedPolicyArns: ((resolved(p.ManagedPolicyArns) ?? []) as unknown[]).map(String),
    };
  });
  const functionRoles = Object.fromEntries(
    resourcesOfType(template, 'AWS::Lambda::Function').map(([id, fn]) => {
      const p = (fn.Properties ?? {}) as Properties;
      const roleArn = String(resolved(p.Role));
      return [literal(p.FunctionName, `${id}.FunctionName`), roleArn.split('/').pop()!];
    }),
  );
  const bucketPolicies = Object.fromEntries(
    resourcesOfType(template, 'AWS::S3::BucketPolicy')
      .map(([, policy]) => (policy.Properties ?? {}) as Properties)
      .map((p) => [String(resolved(p.Bucket)), document(p.PolicyDocument)] as const)
      .filter(([bucket]) => buckets.includes(bucket)),
  );
  return { buckets, bucketPolicies, queues, mappings, notifications, roles, functionRoles };
}
