import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AuthenticationError, deniedMessage, globalContext, receivedRequest, sha256Hex } from '../iam/accessControl';
import type { AccessControl, AuthenticationFailure, Caller } from '../iam/accessControl';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../localAccount';

/** A Data API error in the AWS JSON 1.1 shape (`__type`, message, HTTP status). */
export class DataApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** How the Data API (AWS JSON 1.1) answers a request whose authentication failed. */
const AUTHENTICATION_ERRORS: Record<AuthenticationFailure, { type: string; status: number }> = {
  malformed: { type: 'IncompleteSignatureException', status: 400 },
  'missing-token': { type: 'UnrecognizedClientException', status: 400 },
  'unknown-token': { type: 'UnrecognizedClientException', status: 400 },
  'inactive-key': { type: 'UnrecognizedClientException', status: 400 },
  'expired-token': { type: 'ExpiredTokenException', status: 400 },
  signature: { type: 'InvalidSignatureException', status: 400 },
  skew: { type: 'InvalidSignatureException', status: 400 },
};

export function dataApiCaller(access: AccessControl, request: IncomingMessage, body: string): Caller {
  try {
    return access.authenticate(receivedRequest(request), sha256Hex(body));
  } catch (error) {
    if (!(error instanceof AuthenticationError)) throw error;
    const { type, status } = AUTHENTICATION_ERRORS[error.failure];
    throw new DataApiError(type, error.message, status);
  }
}

/**
 * The id of a workgroup in the local account. Redshift Serverless names a workgroup in IAM by
 * its id (a UUID), not its name; locally the id is derived from the name, so a template's
 * `workgroup/<id>` resource and the stack agree (`localWorkgroupId('etl-dev')`).
 */
export function localWorkgroupId(name: string): string {
  const hex = createHash('sha1').update(`workgroup:${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function workgroupArn(name: string): string {
  return `arn:aws:redshift-serverless:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:workgroup/${localWorkgroupId(name)}`;
}

/** Operations that connect to a database (and so need the caller's database credentials). */
const CONNECTING = new Set(['ExecuteStatement', 'BatchExecuteStatement', 'ListDatabases', 'ListSchemas', 'ListTables', 'DescribeTable']);

/** Who owns a statement: only that identity may follow it (the `statement-owner-iam-userid` key). */
export interface StatementOwner {
  userId: string;
  arn: string;
}

/**
 * Throws `AccessDeniedException` unless the caller may run the operation: `redshift-data:<Op>`
 * on the workgroup (or cluster) for the operations that connect, together with the credentials
 * the Data API fetches as the caller (`redshift-serverless:GetCredentials` on the workgroup,
 * `redshift:GetClusterCredentials` on the cluster's db user); on `*` with the statement owner's
 * user id as `redshift-data:statement-owner-iam-userid` for those that follow a statement.
 */
export function authorizeDataApi(
  access: AccessControl,
  caller: Caller,
  operation: string,
  input: Record<string, unknown>,
  request: IncomingMessage,
  owner?: StatementOwner,
): void {
  if (!caller.enforced) return;
  const context: Record<string, string | undefined> = { ...globalContext(request) };
  const checks: { action: string; resource: string }[] = [];
  if (CONNECTING.has(operation)) {
    const workgroup = typeof input.WorkgroupName === 'string' ? input.WorkgroupName : undefined;
    const cluster = typeof input.ClusterIdentifier === 'string' ? input.ClusterIdentifier : undefined;
    if (input.SecretArn !== undefined)
      throw new DataApiError(
        'ValidationException',
        'SecretArn: the local stack has no Secrets Manager; call with IAM credentials (WorkgroupName, or ClusterIdentifier with DbUser)',
      );
    if (workgroup) {
      checks.push({ action: `redshift-data:${operation}`, resource: workgroupArn(workgroup) });
      checks.push({ action: 'redshift-serverless:GetCredentials', resource: workgroupArn(workgroup) });
    } else if (cluster) {
      const clusterArn = `arn:aws:redshift:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:cluster:${cluster}`;
      checks.push({ action: `redshift-data:${operation}`, resource: clusterArn });
      const dbUser = typeof input.DbUser === 'string' ? input.DbUser : undefined;
      checks.push(
        dbUser
          ? {
              action: 'redshift:GetClusterCredentials',
              resource: `arn:aws:redshift:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:dbuser:${cluster}/${dbUser}`,
            }
          : {
              action: 'redshift:GetClusterCredentialsWithIAM',
              resource: `arn:aws:redshift:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:dbname:${cluster}/${String(input.Database ?? '')}`,
            },
      );
    }
  } else {
    context['redshift-data:statement-owner-iam-userid'] = owner?.userId;
    checks.push({ action: `redshift-data:${operation}`, resource: '*' });
  }
  for (const { action, resource } of checks) {
    const evaluation = access.authorize(caller, action, resource, context);
    if (evaluation.decision !== 'Allow')
      throw new DataApiError('AccessDeniedException', deniedMessage(caller, action, resource, evaluation), 400);
  }
}
