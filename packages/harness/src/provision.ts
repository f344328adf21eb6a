import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  PutBucketPolicyCommand,
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { LambdaFunctionConfiguration } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueUrlCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from '@etl/local-aws';
import type { LocalEndpoints } from '@etl/local-aws';
import type { BucketNotificationSpec, RoleSpec, StackResources } from './templateResources';

const credentials = LOCAL_CREDENTIALS;

/**
 * Creates a service's roles, buckets and queues on the local stack, as its template defines
 * them. Idempotent: existing buckets are kept (their policy is the template's), existing
 * queues get the template's attributes, existing roles the template's documents.
 *
 * @returns the queue URLs by name.
 */
export async function provision(endpoints: LocalEndpoints, resources: StackResources): Promise<Record<string, string>> {
  const s3 = new S3Client({ endpoint: endpoints.s3, forcePathStyle: true, region: LOCAL_REGION, credentials });
  const sqs = new SQSClient({ endpoint: endpoints.sqs, region: LOCAL_REGION, credentials });
  const iam = new IAMClient({ endpoint: endpoints.iam, region: LOCAL_REGION, credentials });
  try {
    for (const role of resources.roles) await provisionRole(iam, role);
    for (const bucket of resources.buckets) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: { name?: string }) => {
        if (error.name !== 'BucketAlreadyOwnedByYou') throw error;
      });
      const policy = resources.bucketPolicies[bucket];
      if (policy) await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy }));
    }
    const urls: Record<string, string> = {};
    // dead-letter queues first: SQS refuses a RedrivePolicy whose target does not exist yet
    const hasRedrive = (queue: (typeof resources.queues)[number]) => Number(queue.attributes.RedrivePolicy !== undefined);
    for (const queue of [...resources.queues].sort((a, b) => hasRedrive(a) - hasRedrive(b))) {
      try {
        urls[queue.name] = (await sqs.send(new CreateQueueCommand({ QueueName: queue.name, Attributes: queue.attributes }))).QueueUrl!;
      } catch (error) {
        if ((error as { name?: string }).name !== 'QueueNameExists') throw error;
        const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: queue.name }))).QueueUrl!;
        const { FifoQueue: _fixed, ...changeable } = queue.attributes;
        await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: changeable }));
        urls[queue.name] = url;
      }
    }
    return urls;
  } finally {
    s3.destroy();
    sqs.destroy();
    iam.destroy();
  }
}

/** A role as the template has it: trust policy, exactly its inline policies, its managed policies attached. */
async function provisionRole(iam: IAMClient, role: RoleSpec): Promise<void> {
  try {
    await iam.send(new CreateRoleCommand({ RoleName: role.name, Path: role.path, AssumeRolePolicyDocument: role.trustPolicy }));
  } catch (error) {
    if ((error as { name?: string }).name !== 'EntityAlreadyExistsException') throw error;
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: role.name, PolicyDocument: role.trustPolicy }));
  }
  const { PolicyNames = [] } = await iam.send(new ListRolePoliciesCommand({ RoleName: role.name }));
  for (const stale of PolicyNames.filter((name) => !(name in role.policies)))
    await iam.send(new DeleteRolePolicyCommand({ RoleName: role.name, PolicyName: stale }));
  for (const [PolicyName, PolicyDocument] of Object.entries(role.policies))
    await iam.send(new PutRolePolicyCommand({ RoleName: role.name, PolicyName, PolicyDocument }));
  const { AttachedPolicies = [] } = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role.name }));
  for (const arn of role.managedPolicyArns.filter((a) => !AttachedPolicies.some((p) => p.PolicyArn === a)))
    await iam.send(new AttachRolePolicyCommand({ RoleName: role.name, PolicyArn: arn }));
}

/**
 * Points the buckets' events at the templates' functions (after every service's buckets exist), as Serverless's custom resource for
 * `existing: true` buckets does: the bucket's other configurations are kept, this function's
 * are replaced (its Id is the function's name).
 */
export async function provisionNotifications(endpoints: LocalEndpoints, notifications: BucketNotificationSpec[]): Promise<void> {
  const s3 = new S3Client({ endpoint: endpoints.s3, forcePathStyle: true, region: LOCAL_REGION, credentials });
  try {
    await configureNotifications(s3, notifications);
  } finally {
    s3.destroy();
  }
}

async function configureNotifications(s3: S3Client, notifications: BucketNotificationSpec[]): Promise<void> {
  for (const bucket of new Set(notifications.map((n) => n.bucket))) {
    const mine = notifications.filter((n) => n.bucket === bucket);
    const current = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
    const ours = new Set(mine.map((n) => n.functionName));
    const LambdaFunctionConfigurations: LambdaFunctionConfiguration[] = [
      ...(current.LambdaFunctionConfigurations ?? []).filter((c) => !ours.has(c.Id ?? '')),
      ...mine.map((n) => ({
        Id: n.functionName,
        LambdaFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${n.functionName}`,
        Events: n.events as LambdaFunctionConfiguration['Events'],
        Filter: {
          Key: {
            FilterRules: [
              ...(n.prefix === undefined ? [] : [{ Name: 'prefix' as const, Value: n.prefix }]),
              ...(n.suffix === undefined ? [] : [{ Name: 'suffix' as const, Value: n.suffix }]),
            ],
          },
        },
      })),
    ];
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: { QueueConfigurations: current.QueueConfigurations, LambdaFunctionConfigurations },
      }),
    );
  }
}
