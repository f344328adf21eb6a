import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../localAccount';
import type { IamStore } from './iamStore';
import { evaluate } from './policyEvaluation';
import type { CallerPrincipal, Evaluation, PolicyDocument } from './policyEvaluation';
import { readSigV4, SigV4FormatError, verifySigV4 } from './sigv4';
import type { ReceivedRequest, SigV4Authentication } from './sigv4';

/**
 * Who made a request. `enforced` is false for the account's administrator: any key the stack
 * never issued (and an unsigned request), so a user's own scripts with a dummy key work as
 * before. Keys the stack issued (role sessions, IAM users' access keys) are checked as AWS
 * checks them: signature, session token, expiry, then every action against their policies.
 */
export interface Caller {
  principal: CallerPrincipal;
  enforced: boolean;
  accessKeyId?: string;
  /** the request's SigV4 authentication, when it had one (S3 needs it for chunk signatures) */
  auth?: SigV4Authentication;
  /** the issued key's secret (S3 verifies chunk signatures with it) */
  secret?: string;
}

/** Why authentication failed, in words each service turns into its own error code. */
export type AuthenticationFailure =
  'malformed' | 'unknown-token' | 'missing-token' | 'expired-token' | 'inactive-key' | 'signature' | 'skew';

export class AuthenticationError extends Error {
  constructor(
    readonly failure: AuthenticationFailure,
    message: string,
    /** for `signature`: what the stack signed, as S3 returns it (StringToSign, CanonicalRequest) */
    readonly detail: {
      stringToSign?: string;
      canonicalRequest?: string;
      formatCode?: string;
      signature?: string;
      accessKeyId?: string;
      securityToken?: string;
    } = {},
  ) {
    super(message);
  }
}

export const ADMINISTRATOR: CallerPrincipal = {
  kind: 'root',
  arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:root`,
  accountId: LOCAL_ACCOUNT_ID,
  userId: LOCAL_ACCOUNT_ID,
};

/** The access key of a SigV2 signature (`Authorization: AWS <key>:<signature>`, or a presigned `AWSAccessKeyId`). */
function sigV2AccessKeyId(request: ReceivedRequest): string | undefined {
  const headerAt = request.rawHeaders.findIndex((name, i) => i % 2 === 0 && name.toLowerCase() === 'authorization');
  const header = headerAt >= 0 ? request.rawHeaders[headerAt + 1] : undefined;
  const fromHeader = header === undefined ? undefined : /^AWS\s+([^:\s]+):/.exec(header)?.[1];
  const query = request.url.indexOf('?');
  return fromHeader ?? (query < 0 ? undefined : (new URLSearchParams(request.url.slice(query + 1)).get('AWSAccessKeyId') ?? undefined));
}

/** The request as SigV4 reads it. */
export function receivedRequest(request: IncomingMessage): ReceivedRequest {
  return { method: request.method ?? 'GET', url: request.url ?? '/', rawHeaders: request.rawHeaders };
}

export function sha256Hex(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('hex');
}

/**
 * `aws:SecureTransport`: AWS's endpoints are HTTPS, the local ones plain HTTP on loopback. A
 * request that never left the machine counts as sent over TLS — so a deployed TLS-only bucket
 * policy neither locks the pipeline out nor goes unchecked — and one from another host does not.
 */
export function secureTransport(request: IncomingMessage): boolean {
  const socket = request.socket as IncomingMessage['socket'] & { encrypted?: boolean };
  if (socket.encrypted) return true;
  const address = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  return isIP(address) !== 0 && (address === '::1' || address.startsWith('127.'));
}

/** The request-context keys every service sets (the global condition keys this stack knows). */
export function globalContext(request: IncomingMessage): Record<string, string> {
  const now = new Date();
  return {
    'aws:SecureTransport': String(secureTransport(request)),
    'aws:SourceIp': (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    'aws:CurrentTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    'aws:RequestedRegion': LOCAL_REGION,
  };
}

/**
 * AWS's words for a denial: who, what, on which resource, and why (which kind of policy). Each
 * service writes the action and resource its own way (S3 quotes the ARN, SQS lower-cases the action).
 */
export function deniedMessage(caller: Caller, action: string, resource: string, evaluation: Evaluation): string {
  const why =
    evaluation.decision === 'ExplicitDeny'
      ? `with an explicit deny in ${evaluation.statement?.policy === 'resource' ? 'a resource-based policy' : 'an identity-based policy'}`
      : `because no identity-based policy allows the ${action} action`;
  return `User: ${caller.principal.arn} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
}

/** Authentication and authorisation of requests to the local stack, against its IAM. */
export class AccessControl {
  constructor(readonly iam: IamStore) {}

  /**
   * Who signed this request. `payloadHash`: the hex SHA-256 of the body for services that sign
   * it (all but S3, which signs `x-amz-content-sha256`); `form`: a query-protocol body, where a
   * SigV2 signature travels (`AWSAccessKeyId`, `SignatureVersion=2`). Throws {@link AuthenticationError}.
   */
  authenticate(request: ReceivedRequest, payloadHash?: string, form?: URLSearchParams): Caller {
    let auth: SigV4Authentication | undefined;
    try {
      auth = readSigV4(request);
    } catch (error) {
      if (error instanceof SigV4FormatError) throw new AuthenticationError('malformed', error.message, { formatCode: error.code });
      throw error;
    }
    const sigV2Key = auth ? undefined : (sigV2AccessKeyId(request) ?? form?.get('AWSAccessKeyId') ?? undefined);
    if (sigV2Key !== undefined && this.iam.identity(sigV2Key))
      // S3 refuses SigV2 on every bucket created since June 2020; a key the stack issued must sign with SigV4
      throw new AuthenticationError(
        'malformed',
        'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
        {
          formatCode: 'InvalidRequest',
          accessKeyId: sigV2Key,
        },
      );
    const identity = auth && this.iam.identity(auth.accessKeyId);
    if (!auth || !identity) return { principal: ADMINISTRATOR, enforced: false, accessKeyId: auth?.accessKeyId, auth };
    const who = { accessKeyId: auth.accessKeyId, securityToken: auth.securityToken };
    if (identity.sessionToken !== undefined) {
      if (auth.securityToken === undefined)
        throw new AuthenticationError('missing-token', 'The security token included in the request is invalid.', who);
      if (auth.securityToken !== identity.sessionToken)
        throw new AuthenticationError('unknown-token', 'The security token included in the request is invalid.', who);
      if (identity.expires !== undefined && identity.expires <= Date.now())
        throw new AuthenticationError('expired-token', 'The security token included in the request is expired', who);
    }
    if (!identity.active)
      throw new AuthenticationError(
        identity.sessionToken === undefined ? 'inactive-key' : 'unknown-token',
        identity.sessionToken === undefined
          ? 'The AWS Access Key Id you provided does not exist in our records.'
          : 'The security token included in the request is invalid.',
        who,
      );
    const check = verifySigV4(request, auth, identity.secret, { payloadHash });
    if (!check.ok)
      throw check.reason === 'skew'
        ? new AuthenticationError('skew', 'The difference between the request time and the current time is too large.', who)
        : new AuthenticationError(
            'signature',
            'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
            { ...who, stringToSign: check.stringToSign, canonicalRequest: check.canonicalRequest, signature: auth.signature },
          );
    return { principal: identity.principal, enforced: true, accessKeyId: auth.accessKeyId, auth, secret: identity.secret };
  }

  /**
   * Whether `caller` may do `action` on `resource`: the administrator always may; an issued
   * identity as its policies, the resource's own policy and any session policy say together.
   */
  authorize(
    caller: Caller,
    action: string,
    resource: string,
    context: Record<string, string | string[] | undefined> = {},
    resourcePolicy?: PolicyDocument,
  ): Evaluation {
    if (!caller.enforced) return { decision: 'Allow' };
    const policies = this.iam.policySet(caller.accessKeyId!);
    return evaluate(
      { ...policies, resource: resourcePolicy ? { name: 'resource', document: resourcePolicy } : undefined },
      { action, resource, principal: caller.principal, context },
    );
  }
}
