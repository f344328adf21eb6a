import type { QueryTree } from '../common/queryParams';
import type { XmlNode } from '../common/xml';
import { LOCAL_ACCOUNT_ID } from '../localAccount';
import type { AccessControl, Caller } from './accessControl';
import { deniedMessage } from './accessControl';
import { iamErrors, IamError } from './iamErrors';
import { isoSeconds } from './iamApi';
import { trustAllows } from './policyEvaluation';
import type { CallerPrincipal } from './policyEvaluation';

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/**
 * The caller a trust policy is checked against. A service principal (`lambda.amazonaws.com`)
 * stands behind the administrator's request when it names one in `x-local-aws-service-principal`:
 * that is how the harness gets a function's credentials, as Lambda gets them from its role.
 */
export function trustCaller(caller: Caller, servicePrincipal: string | undefined): CallerPrincipal {
  if (servicePrincipal === undefined) return caller.principal;
  if (caller.enforced)
    throw iamErrors.accessDenied(`${caller.principal.arn} may not act as the service ${servicePrincipal}: only the administrator may`);
  return { kind: 'service', arn: servicePrincipal, accountId: LOCAL_ACCOUNT_ID };
}

/**
 * `sts:AssumeRole`: the role's trust policy must allow the caller and — where the trust policy
 * names only the account — the caller's own policies must allow `sts:AssumeRole` on the role
 * (IAM's "role trust policy" rules). Issues temporary credentials that carry the role's identity.
 */
export async function assumeRole(
  access: AccessControl,
  caller: Caller,
  principal: CallerPrincipal,
  input: QueryTree,
  context: Record<string, string>,
): Promise<XmlNode> {
  const roleArn = typeof input.RoleArn === 'string' ? input.RoleArn : '';
  const sessionName = typeof input.RoleSessionName === 'string' ? input.RoleSessionName : '';
  if (roleArn === '') throw iamErrors.missingParameter('RoleArn');
  if (sessionName === '') throw iamErrors.missingParameter('RoleSessionName');
  if (!SESSION_NAME.test(sessionName))
    throw iamErrors.validation(
      `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64`,
    );
  for (const unsupported of ['PolicyArns', 'Tags', 'TransitiveTagKeys', 'SerialNumber', 'SourceIdentity', 'ProvidedContexts'])
    if (input[unsupported] !== undefined)
      throw new IamError('InvalidAction', `AssumeRole with ${unsupported} is not supported by the local STS`, 400);

  const role = [...access.iam.roles.values()].find((r) => r.arn === roleArn);
  const requestContext = {
    ...context,
    ...(typeof input.ExternalId === 'string' ? { 'sts:ExternalId': input.ExternalId } : {}),
    'sts:RoleSessionName': sessionName,
  };
  const denied = () =>
    iamErrors.accessDenied(`User: ${principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
  // a role that does not exist is refused as one that does not trust the caller: AWS tells no more
  if (!role) throw denied();
  const trust = trustAllows(access.iam.document(role.trustPolicy, 'trust'), {
    action: 'sts:AssumeRole',
    resource: role.arn,
    principal,
    context: requestContext,
  });
  if (trust === 'deny') throw denied();
  if (trust === 'account') {
    const own = access.authorize(caller, 'sts:AssumeRole', role.arn, requestContext);
    if (own.decision !== 'Allow') throw iamErrors.accessDenied(deniedMessage(caller, 'sts:AssumeRole', role.arn, own));
  }

  // role chaining (a role session assuming a role) is limited to one hour
  const maximum = principal.kind === 'assumed-role' ? 3600 : principal.kind === 'service' ? 43_200 : role.maxSessionDuration;
  const duration = typeof input.DurationSeconds === 'string' ? Number(input.DurationSeconds) : Math.min(3600, maximum);
  if (!Number.isInteger(duration) || duration < 900)
    throw iamErrors.validation(
      `1 validation error detected: Value '${String(input.DurationSeconds)}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`,
    );
  if (duration > maximum)
    throw iamErrors.validation(
      principal.kind === 'assumed-role'
        ? 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'
        : 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  const sessionPolicy = typeof input.Policy === 'string' ? input.Policy : undefined;
  const session = await access.iam.createSession(role, sessionName, duration, sessionPolicy);
  return {
    Credentials: {
      AccessKeyId: session.id,
      SecretAccessKey: session.secret,
      SessionToken: session.token,
      Expiration: isoSeconds(session.expires),
    },
    AssumedRoleUser: {
      AssumedRoleId: `${role.id}:${sessionName}`,
      Arn: `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/${role.name}/${sessionName}`,
    },
    PackedPolicySize: sessionPolicy === undefined ? undefined : Math.min(100, Math.ceil((sessionPolicy.length * 100) / 2048)),
  };
}

/** `sts:GetCallerIdentity`: needs no permission, as in AWS. */
export function callerIdentity(caller: Caller): XmlNode {
  return { UserId: caller.principal.userId ?? LOCAL_ACCOUNT_ID, Account: LOCAL_ACCOUNT_ID, Arn: caller.principal.arn };
}
