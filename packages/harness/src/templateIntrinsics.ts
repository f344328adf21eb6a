import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '@etl/local-aws';
import type { Template } from './serverlessCli';

/** Where a template is deployed locally: the stack's name (CloudFormation's `AWS::StackName`). */
export interface StackContext {
  stackName: string;
  region?: string;
  accountId?: string;
}

/**
 * The physical name CloudFormation gives a role without `RoleName`: `<stack>-<logical id>-<random>`.
 * Locally the random part is left out, so the name is known before the role exists (the COPY
 * role's ARN is a param of the load service).
 */
export function generatedRoleName(stackName: string, logicalId: string): string {
  return `${stackName}-${logicalId}`.slice(0, 64);
}

type Resource = Template['Resources'][string];
type Properties = Record<string, unknown>;

/** A resource's name, as `Ref` gives it for the types a role's policy points at. */
function physicalName(template: Template, logicalId: string, context: Required<StackContext>): string {
  const resource = template.Resources[logicalId];
  if (!resource) throw new Error(`Ref ${logicalId}: no such resource in the template`);
  const p = (resource.Properties ?? {}) as Properties;
  const named = (key: string) => (typeof p[key] === 'string' ? (p[key] as string) : undefined);
  switch (resource.Type) {
    case 'AWS::IAM::Role':
      return p.RoleName === undefined ? generatedRoleName(context.stackName, logicalId) : String(resolve(p.RoleName, template, context));
    case 'AWS::S3::Bucket':
      return named('BucketName') ?? `${context.stackName}-${logicalId}`.toLowerCase();
    case 'AWS::SQS::Queue':
      return named('QueueName') ?? `${context.stackName}-${logicalId}`;
    case 'AWS::Lambda::Function':
      return named('FunctionName') ?? `${context.stackName}-${logicalId}`;
    default:
      throw new Error(`Ref ${logicalId}: the local stack does not resolve a ${resource.Type}`);
  }
}

function attribute(template: Template, logicalId: string, name: string, context: Required<StackContext>): string {
  const resource: Resource | undefined = template.Resources[logicalId];
  if (!resource) throw new Error(`Fn::GetAtt ${logicalId}.${name}: no such resource in the template`);
  const physical = physicalName(template, logicalId, context);
  const { region, accountId } = context;
  const arn: Record<string, string> = {
    'AWS::IAM::Role': `arn:aws:iam::${accountId}:role${((resource.Properties ?? {}) as Properties).Path ?? '/'}${physical}`,
    'AWS::S3::Bucket': `arn:aws:s3:::${physical}`,
    'AWS::SQS::Queue': `arn:aws:sqs:${region}:${accountId}:${physical}`,
    'AWS::Lambda::Function': `arn:aws:lambda:${region}:${accountId}:function:${physical}`,
  };
  if (name === 'Arn' && arn[resource.Type]) return arn[resource.Type]!;
  if (name === 'QueueName' && resource.Type === 'AWS::SQS::Queue') return physical;
  if (name === 'RoleId' && resource.Type === 'AWS::IAM::Role') return physical;
  throw new Error(`Fn::GetAtt ${logicalId}.${name}: the local stack does not resolve this attribute of a ${resource.Type}`);
}

const PSEUDO = (context: Required<StackContext>): Record<string, string> => ({
  'AWS::Region': context.region,
  'AWS::AccountId': context.accountId,
  'AWS::Partition': 'aws',
  'AWS::StackName': context.stackName,
  'AWS::URLSuffix': 'amazonaws.com',
});

function ref(template: Template, name: string, context: Required<StackContext>): string {
  return PSEUDO(context)[name] ?? physicalName(template, name, context);
}

/** `Fn::Sub`: `${Name}`, `${Logical.Attr}` and `${!Literal}` (a literal `${Literal}`). */
function substitute(text: string, variables: Record<string, unknown>, template: Template, context: Required<StackContext>): string {
  return text.replace(/\$\{([^}]*)\}/g, (_match, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    if (name in variables) return String(resolve(variables[name], template, context));
    const dot = name.indexOf('.');
    return dot > 0 ? attribute(template, name.slice(0, dot), name.slice(dot + 1), context) : ref(template, name, context);
  });
}

/**
 * A template value with CloudFormation's intrinsic functions (`Ref`, `Fn::GetAtt`, `Fn::Sub`,
 * `Fn::Join`) resolved against the local account, as CloudFormation resolves them on deploy.
 * Anything else it cannot resolve is an error that names it.
 */
export function resolve(value: unknown, template: Template, stack: StackContext): unknown {
  const context: Required<StackContext> = { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID, ...stack };
  if (Array.isArray(value)) return value.map((item) => resolve(item, template, context));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [name, argument] = entries[0]!;
    if (name === 'Ref') return ref(template, String(argument), context);
    if (name === 'Fn::GetAtt') {
      const [logicalId, attr] = Array.isArray(argument) ? argument : String(argument).split('.');
      return attribute(template, String(logicalId), String(attr), context);
    }
    if (name === 'Fn::Sub') {
      const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
      return substitute(String(text), (variables ?? {}) as Record<string, unknown>, template, context);
    }
    if (name === 'Fn::Join') {
      const [separator, parts] = argument as [string, unknown[]];
      return (resolve(parts, template, context) as unknown[]).map(String).join(separator);
    }
    if (name.startsWith('Fn::')) throw new Error(`${name}: the local stack does not resolve this intrinsic function`);
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, resolve(item, template, context)]));
}
