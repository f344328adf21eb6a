import { esbuildTarget, isNodeRuntime, runtimeProblem } from './lambdaRuntimes';
import type { ServiceConfig, Template } from './serverlessCli';
import { resolve } from './templateIntrinsics';

/**
 * Checks on a packaged service's CloudFormation template. Each returns the list of problems
 * found, worded for a person ("queue X: ..."), so a test can `expect(problems).toEqual([])`
 * and a failure says what to change in serverless.yml.
 */

type Resource = Template['Resources'][string];
type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: { Service?: string | string[] } | string;
  Condition?: Record<string, Record<string, unknown>>;
};

export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

function props(resource: Resource | undefined): Record<string, unknown> {
  return (resource?.Properties ?? {}) as Record<string, unknown>;
}

/**
 * The logical id a `{ Ref }` or `{ Fn::GetAtt: [id, attr] }` points at — also inside a
 * `Fn::Join`, as in `<function arn>:provisioned` (an alias, when provisioned concurrency is on).
 */
function referencedId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const ref = (value as { Ref?: string }).Ref;
  const getAtt = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  return ref ?? getAtt?.[0] ?? join?.[1].map(referencedId).find((id) => id !== undefined);
}

export interface WorkerQueueExpectation {
  /** Lambda function logical id, e.g. `TransformWorkerLambdaFunction`. */
  workerFunction: string;
  maxReceiveCount: number;
  /** The event source mapping's sizing, when the caller knows what the stage params say. */
  batchSize?: number;
  maxBatchingWindow?: number;
  maxConcurrency?: number;
}

/** The Lift queue feeding `workerFunction`: DLQ, retention, visibility, event source mapping, alarm. */
export function workerQueueProblems(template: Template, expected: WorkerQueueExpectation): string[] {
  const problems: string[] = [];
  const worker = template.Resources[expected.workerFunction];
  if (!worker) return [`no function ${expected.workerFunction}`];
  const timeout = Number(props(worker).Timeout);

  const mapping = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').find(
    ([, resource]) => referencedId(props(resource).FunctionName) === expected.workerFunction,
  );
  if (!mapping) return [`${expected.workerFunction} has no event source mapping`];
  const esm = props(mapping[1]);
  const queueId = referencedId(esm.EventSourceArn);
  const queue = queueId ? template.Resources[queueId] : undefined;
  if (!queueId || queue?.Type !== 'AWS::SQS::Queue')
    return [`${expected.workerFunction}'s event source is not an SQS queue of this template`];

  const visibility = Number(props(queue).VisibilityTimeout);
  if (!(visibility >= 6 * timeout))
    problems.push(`queue ${queueId}: VisibilityTimeout ${visibility} s < 6 × worker timeout (${timeout} s)`);
  const redrive = props(queue).RedrivePolicy as { maxReceiveCount?: number; deadLetterTargetArn?: unknown } | undefined;
  if (redrive?.maxReceiveCount !== expected.maxReceiveCount)
    problems.push(`queue ${queueId}: maxReceiveCount ${redrive?.maxReceiveCount}, expected ${expected.maxReceiveCount}`);
  const dlqId = referencedId(redrive?.deadLetterTargetArn);
  const dlq = dlqId ? template.Resources[dlqId] : undefined;
  if (dlq?.Type !== 'AWS::SQS::Queue') problems.push(`queue ${queueId}: no dead letter queue in this template`);
  else if (props(dlq).MessageRetentionPeriod !== 14 * 24 * 3600)
    problems.push(`DLQ ${dlqId}: retention ${props(dlq).MessageRetentionPeriod} s, expected 14 days`);

  if (!(esm.FunctionResponseTypes as string[] | undefined)?.includes('ReportBatchItemFailures'))
    problems.push(`${mapping[0]}: ReportBatchItemFailures is off`);
  if (expected.batchSize !== undefined && esm.BatchSize !== expected.batchSize)
    problems.push(`${mapping[0]}: BatchSize ${esm.BatchSize}, expected ${expected.batchSize}`);
  if (expected.maxBatchingWindow !== undefined && esm.MaximumBatchingWindowInSeconds !== expected.maxBatchingWindow)
    problems.push(`${mapping[0]}: batching window ${esm.MaximumBatchingWindowInSeconds}, expected ${expected.maxBatchingWindow}`);
  const scaling = esm.ScalingConfig as { MaximumConcurrency?: number } | undefined;
  if (expected.maxConcurrency !== undefined && scaling?.MaximumConcurrency !== expected.maxConcurrency)
    problems.push(`${mapping[0]}: maximum concurrency ${scaling?.MaximumConcurrency}, expected ${expected.maxConcurrency}`);

  const alarm = resourcesOfType(template, 'AWS::CloudWatch::Alarm').find(([, resource]) =>
    JSON.stringify(props(resource).Dimensions ?? []).includes(JSON.stringify({ 'Fn::GetAtt': [dlqId, 'QueueName'] })),
  );
  if (!alarm) problems.push(`DLQ ${dlqId}: no CloudWatch alarm on it`);
  return problems;
}

/** Every IAM policy statement in the template, with the role it belongs to. */
export function iamStatements(template: Template): { role: string; statement: Statement }[] {
  return resourcesOfType(template, 'AWS::IAM::Role').flatMap(([role, resource]) =>
    ((props(resource).Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((policy) =>
      policy.PolicyDocument.Statement.map((statement) => ({ role, statement })),
    ),
  );
}

const DATA_SERVICES = /^(s3|sqs|redshift-data):/;
/** The one accepted wildcard: Redshift Data actions without resource types, limited to the caller's own statements. */
const OWN_STATEMENTS_CONDITION = 'redshift-data:statement-owner-iam-userid';

/** Allow statements on S3, SQS or Redshift Data actions whose resource is `*` (or a bare service wildcard). */
export function wildcardResourceProblems(template: Template): string[] {
  return iamStatements(template).flatMap(({ role, statement }) => {
    if (statement.Effect !== 'Allow') return [];
    const actions = ([] as string[]).concat(statement.Action);
    if (!actions.some((action) => DATA_SERVICES.test(action) || action === '*')) return [];
    const resources = ([] as unknown[]).concat(statement.Resource);
    const wildcard = resources.find(
      (resource) => resource === '*' || (typeof resource === 'string' && /^arn:aws:(s3|sqs):::?\*$/.test(resource)),
    );
    if (wildcard === undefined) return [];
    const limitedToOwnStatements =
      actions.every((action) => action.startsWith('redshift-data:')) &&
      statement.Condition?.StringEquals?.[OWN_STATEMENTS_CONDITION] !== undefined;
    return limitedToOwnStatements
      ? []
      : [`${role}: ${statement.Sid ?? actions.join(',')} allows ${actions.join(', ')} on "${String(wildcard)}"`];
  });
}

/**
 * Grants wider than the one thing they are for: a Lambda permission on every function
 * (`function:*`), `iam:PassRole` without `iam:PassedToService`, and a role a service other than
 * Lambda assumes (Redshift for COPY) whose trust policy has no `aws:SourceAccount` or
 * `aws:SourceArn` guard (the confused deputy). `stackName` resolves the template's references.
 */
export function roleScopeProblems(template: Template, stackName: string): string[] {
  const problems = iamStatements(template).flatMap(({ role, statement }) => {
    if (statement.Effect !== 'Allow') return [];
    const actions = ([] as string[]).concat(statement.Action);
    const resources = ([] as unknown[]).concat(statement.Resource).map((r) => String(resolve(r, template, { stackName })));
    const found: string[] = [];
    if (actions.some((a) => a.startsWith('lambda:')) && resources.some((r) => /:function:\*$/.test(r)))
      found.push(`${role}: ${actions.join(', ')} on every function of the account (${resources.join(', ')})`);
    const conditions = Object.values(statement.Condition ?? {}).flatMap((block) => Object.keys(block));
    if (actions.includes('iam:PassRole') && !conditions.includes('iam:PassedToService'))
      found.push(`${role}: iam:PassRole on ${resources.join(', ')} without an iam:PassedToService condition`);
    return found;
  });
  for (const [role, resource] of resourcesOfType(template, 'AWS::IAM::Role')) {
    const trust = props(resource).AssumeRolePolicyDocument as { Statement: Statement[] } | undefined;
    for (const statement of trust?.Statement ?? []) {
      const principal = typeof statement.Principal === 'object' ? statement.Principal : {};
      const services = ([] as string[]).concat(principal.Service ?? []);
      if (services.length === 0 || services.every((service) => service === 'lambda.amazonaws.com')) continue;
      const keys = Object.values(statement.Condition ?? {}).flatMap((block) => Object.keys(block));
      if (!keys.some((key) => key === 'aws:SourceAccount' || key === 'aws:SourceArn'))
        problems.push(`${role}: trusted by ${services.join(', ')} with no aws:SourceAccount or aws:SourceArn condition`);
    }
  }
  return problems;
}

/** Each function runs under a role of its own, not the shared default role. */
export function sharedRoleProblems(template: Template): string[] {
  const functions = resourcesOfType(template, 'AWS::Lambda::Function');
  const roles = functions.map(([id, resource]) => [id, referencedId(props(resource).Role)] as const);
  return roles.flatMap(([id, role]) => {
    if (!role) return [`${id}: no role`];
    if (role === 'IamRoleLambdaExecution') return [`${id}: uses the service-wide default role`];
    const sharers = roles.filter(([, other]) => other === role).map(([other]) => other);
    return sharers.length > 1 ? [`${id}: shares role ${role} with ${sharers.filter((s) => s !== id).join(', ')}`] : [];
  });
}

/** Data bucket: encryption, public access block, TLS-only policy, lifecycle per prefix. */
export function dataBucketProblems(template: Template, bucketId: string): string[] {
  const bucket = template.Resources[bucketId];
  if (bucket?.Type !== 'AWS::S3::Bucket') return [`no bucket ${bucketId}`];
  const p = props(bucket);
  const problems: string[] = [];
  const encryption = (
    p.BucketEncryption as
      { ServerSideEncryptionConfiguration?: { ServerSideEncryptionByDefault?: { SSEAlgorithm?: string } }[] } | undefined
  )?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault?.SSEAlgorithm;
  if (!encryption) problems.push(`${bucketId}: no default encryption`);
  const block = (p.PublicAccessBlockConfiguration ?? {}) as Record<string, boolean>;
  for (const setting of ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets']) {
    if (block[setting] !== true) problems.push(`${bucketId}: ${setting} is not true`);
  }

  const policy = resourcesOfType(template, 'AWS::S3::BucketPolicy').find(
    ([, resource]) => referencedId(props(resource).Bucket) === bucketId,
  );
  const statements = (props(policy?.[1]).PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? [];
  const tlsOnly = statements.some(
    (s) =>
      s.Effect === 'Deny' &&
      ([] as string[]).concat(s.Action).includes('s3:*') &&
      String((s.Condition?.Bool as Record<string, unknown> | undefined)?.['aws:SecureTransport']) === 'false',
  );
  if (!tlsOnly) problems.push(`${bucketId}: no bucket policy denying requests without TLS (aws:SecureTransport false)`);

  type Rule = {
    Prefix?: string;
    Status: string;
    ExpirationInDays?: number;
    Transitions?: { StorageClass: string; TransitionInDays: number }[];
  };
  const rules = ((p.LifecycleConfiguration as { Rules?: Rule[] } | undefined)?.Rules ?? []).filter((rule) => rule.Status === 'Enabled');
  const rule = (prefix: string) => rules.find((r) => r.Prefix === prefix);
  for (const prefix of ['staged/', 'manifests/']) {
    if (!rule(prefix)?.ExpirationInDays) problems.push(`${bucketId}: ${prefix} does not expire`);
  }
  const rawClasses = (rule('raw/')?.Transitions ?? []).map((t) => t.StorageClass);
  if (!rawClasses.some((c) => c === 'STANDARD_IA' || c === 'INTELLIGENT_TIERING'))
    problems.push(`${bucketId}: raw/ never moves to a cheaper class`);
  if (!rawClasses.some((c) => c.startsWith('GLACIER') || c === 'DEEP_ARCHIVE')) problems.push(`${bucketId}: raw/ never moves to Glacier`);
  const quarantineDays = rule('quarantine/')?.ExpirationInDays ?? Infinity;
  const stagedDays = rule('staged/')?.ExpirationInDays ?? 0;
  if (!(quarantineDays > stagedDays))
    problems.push(`${bucketId}: quarantine/ (${quarantineDays} d) is not kept longer than staged/ (${stagedDays} d)`);
  return problems;
}

/** Functions with provisioned concurrency, by logical id of the function. */
export function provisionedConcurrency(template: Template): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [, resource] of [...resourcesOfType(template, 'AWS::Lambda::Alias'), ...resourcesOfType(template, 'AWS::Lambda::Version')]) {
    const config = props(resource).ProvisionedConcurrencyConfig as { ProvisionedConcurrentExecutions?: number } | undefined;
    const fn = referencedId(props(resource).FunctionName);
    if (config?.ProvisionedConcurrentExecutions && fn) result[fn] = config.ProvisionedConcurrentExecutions;
  }
  return result;
}

/** Logical ids of the functions an SQS event source mapping feeds. */
export function queueWorkers(template: Template): string[] {
  return resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')
    .filter(([, resource]) =>
      resourcesOfType(template, 'AWS::SQS::Queue').some(([id]) => id === referencedId(props(resource).EventSourceArn)),
    )
    .map(([, resource]) => referencedId(props(resource).FunctionName))
    .filter((id): id is string => id !== undefined);
}

/** Every function's runtime against Lambda's runtime dates on `today` (`lambdaRuntimes.ts`). */
export function runtimeProblems(template: Template, today: Date = new Date()): string[] {
  return resourcesOfType(template, 'AWS::Lambda::Function').flatMap(([id, resource]) => {
    const problem = runtimeProblem(String(props(resource).Runtime), today);
    return problem ? [`${id}: ${problem}`] : [];
  });
}

/** serverless-esbuild's target must be the Node of the runtime, or the bundle may use what Lambda's Node lacks. */
export function esbuildTargetProblems(service: string, config: ServiceConfig): string[] {
  const runtime = config.provider.runtime;
  const target = config.custom?.esbuild?.target;
  if (!runtime) return [`services/${service}/serverless.yml: no provider.runtime`];
  if (!isNodeRuntime(runtime)) return []; // runtimeProblems names it
  const wanted = esbuildTarget(runtime);
  return target === wanted
    ? []
    : [`services/${service}/serverless.yml: custom.esbuild.target is ${String(target)}, the runtime ${runtime} wants ${wanted}`];
}

/** Every alarm notifies an SNS topic of the template that has a subscription: an alarm nobody hears is no alarm. */
export function alarmActionProblems(template: Template): string[] {
  const subscribed = new Set(
    resourcesOfType(template, 'AWS::SNS::Subscription').map(([, resource]) => referencedId(props(resource).TopicArn)),
  );
  return resourcesOfType(template, 'AWS::CloudWatch::Alarm').flatMap(([id, resource]) => {
    const topics = ((props(resource).AlarmActions ?? []) as unknown[]).map(referencedId);
    if (topics.length === 0) return [`alarm ${id}: no alarm action`];
    return topics.some((topic) => topic !== undefined && subscribed.has(topic)) ? [] : [`alarm ${id}: its topic has no subscription`];
  });
}
