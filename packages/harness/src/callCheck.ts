import { AWS_CALLS } from '@etl/contracts';
import type { AwsCall, CallTarget } from '@etl/contracts';
import { evaluate, LOCAL_ACCOUNT_ID, LOCAL_REGION, parsePolicy } from '@etl/local-aws';
import type { PolicyDocument } from '@etl/local-aws';
import { stackName } from './localAccount';
import type { ServiceName, Template } from './serverlessCli';
import { stackResources } from './templateResources';

/** A call a function makes that its packaged role would not be allowed. */
export interface DeniedCall {
  service: ServiceName;
  fn: string;
  call: AwsCall;
  reason: string;
}

/**
 * Evaluates every call of the inventory (`AWS_CALLS` in @etl/contracts) against the role its
 * function has in the packaged template, with the evaluator the local stack enforces: identity
 * policies, and for S3 the data bucket's policy. A call AWS would refuse is returned with why.
 */
export function deniedCalls(
  service: ServiceName,
  stage: string,
  template: Template,
  target: CallTarget,
  bucketPolicy?: string,
): DeniedCall[] {
  const resources = stackResources(template, stackName(service, stage));
  const bucketDocument: PolicyDocument | undefined = bucketPolicy ? parsePolicy(bucketPolicy, 'resource') : undefined;
  const denied: DeniedCall[] = [];
  for (const [fn, calls] of Object.entries(AWS_CALLS[service] ?? {})) {
    const functionName = `etl-${service}-${stage}-${fn}`;
    const roleName = resources.functionRoles[functionName];
    const role = resources.roles.find((r) => r.name === roleName);
    if (!role) {
      denied.push({
        service,
        fn,
        call: { action: '*', resource: '*', why: 'runs' },
        reason: `no function ${functionName} with a role in the template`,
      });
      continue;
    }
    const userId = `AROAEXAMPLEROLEID:${functionName}`;
    const identity = Object.entries(role.policies).map(([name, text]) => ({ name, document: parsePolicy(text, 'identity') }));
    for (const call of calls(target)) {
      const context = Object.fromEntries(
        Object.entries({ 'aws:SecureTransport': 'true', ...call.context }).map(([key, value]) => [
          key,
          value.replace('${aws:userid}', userId),
        ]),
      );
      const onBucket = call.action.startsWith('s3:') && call.resource.startsWith(`arn:aws:s3:::${target.bucket}`);
      const evaluation = evaluate(
        { identity, resource: onBucket && bucketDocument ? { name: 'bucket policy', document: bucketDocument } : undefined },
        {
          action: call.action,
          resource: call.resource,
          principal: {
            kind: 'assumed-role',
            arn: `arn:aws:sts::${target.accountId}:assumed-role/${role.name}/${functionName}`,
            roleArn: `arn:aws:iam::${target.accountId}:role${role.path}${role.name}`,
            accountId: target.accountId,
            userId,
          },
          context,
        },
      );
      if (evaluation.decision === 'Allow') continue;
      denied.push({
        service,
        fn,
        call,
        reason:
          evaluation.decision === 'ExplicitDeny'
            ? `denied explicitly by ${evaluation.statement?.policy ?? 'a policy'}${evaluation.statement?.sid ? ` (${evaluation.statement.sid})` : ''}`
            : `no statement of role ${role.name} allows it`,
      });
    }
  }
  return denied;
}

/** The names a stage's calls go to, as the check resolves the templates (the local account's id and region). */
export function callTarget(stage: string, params: { bucket: string; workgroupId: string; secret: string }): CallTarget {
  return {
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT_ID,
    stage,
    bucket: params.bucket,
    workgroupId: params.workgroupId,
    queueArn: (name) => `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${name}`,
    secretArn: `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:secret:${params.secret}-AbCdEf`,
  };
}

/** A denied call as a line: function, action, resource (and context), what in the code makes it, why it is refused. */
export function deniedCallLine({ fn, call, reason }: DeniedCall): string {
  const context = call.context
    ? ` (${Object.entries(call.context)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')})`
    : '';
  return `${fn}: ${call.action} on ${call.resource}${context} — ${call.why} — would be refused: ${reason}`;
}
