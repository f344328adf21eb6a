import type { IncomingMessage } from 'node:http';
import { header } from '../common/http';
import { AuthenticationError, deniedMessage, globalContext, receivedRequest } from '../iam/accessControl';
import type { AccessControl, AuthenticationFailure, Caller } from '../iam/accessControl';
import { ChunkSignatureChain } from '../iam/sigv4';
import { evaluate } from '../iam/policyEvaluation';
import { LOCAL_ACCOUNT_ID } from '../localAccount';
import { S3Error } from './s3Errors';
import type { S3Permission } from './s3Actions';
import { chunkSignatures } from './s3Request';
import type { S3Store } from './s3Store';

/** S3's own codes for a request whose authentication failed (S3 API reference, "Error responses"). */
const AUTHENTICATION_ERRORS: Record<AuthenticationFailure, { status: number; code: string; message?: string }> = {
  malformed: { status: 400, code: 'AuthorizationHeaderMalformed' },
  'missing-token': {
    status: 403,
    code: 'InvalidAccessKeyId',
    message: 'The AWS Access Key Id you provided does not exist in our records.',
  },
  'unknown-token': { status: 400, code: 'InvalidToken', message: 'The provided token is malformed or otherwise invalid.' },
  'expired-token': { status: 400, code: 'ExpiredToken', message: 'The provided token has expired.' },
  'inactive-key': { status: 403, code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.' },
  signature: {
    status: 403,
    code: 'SignatureDoesNotMatch',
    message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  },
  skew: { status: 403, code: 'RequestTimeTooSkewed' },
};

/** Who sent an S3 request; an issued key's chunk signatures are then verified as the body is read. */
export function s3Caller(access: AccessControl, request: IncomingMessage): Caller {
  let caller: Caller;
  try {
    caller = access.authenticate(receivedRequest(request));
  } catch (error) {
    if (!(error instanceof AuthenticationError)) throw error;
    const { status, code, message } = AUTHENTICATION_ERRORS[error.failure];
    const { accessKeyId, securityToken: token } = error.detail;
    const extra: Record<string, string> =
      error.failure === 'signature'
        ? {
            AWSAccessKeyId: accessKeyId ?? '',
            StringToSign: error.detail.stringToSign ?? '',
            SignatureProvided: error.detail.signature ?? '',
            CanonicalRequest: error.detail.canonicalRequest ?? '',
          }
        : error.failure === 'unknown-token' || error.failure === 'expired-token'
          ? { 'Token-0': token ?? '' }
          : error.failure === 'missing-token' || error.failure === 'inactive-key'
            ? { AWSAccessKeyId: accessKeyId ?? '' }
            : {};
    throw new S3Error(status, error.detail.formatCode ?? code, message ?? error.message, extra);
  }
  const streaming = header(request, 'x-amz-content-sha256') ?? '';
  if (caller.enforced && caller.auth && caller.secret && streaming.startsWith('STREAMING-AWS4-HMAC-SHA256-PAYLOAD'))
    chunkSignatures.set(request, new ChunkSignatureChain(caller.auth, caller.secret));
  return caller;
}

/** The request-context keys of an S3 request: the global ones and S3's own. */
function s3Context(request: IncomingMessage, caller: Caller, permission: S3Permission): Record<string, string> {
  return {
    ...globalContext(request),
    's3:authType': caller.auth?.form === 'query' ? 'REST-QUERY-STRING' : 'REST-HEADER',
    's3:signatureversion': 'AWS4-HMAC-SHA256',
    ...(header(request, 'x-amz-content-sha256') ? { 's3:x-amz-content-sha256': header(request, 'x-amz-content-sha256')! } : {}),
    ...permission.context,
  };
}

/** Whether the permission holds: the caller's policies and the bucket's own policy, together. */
export function s3Allows(access: AccessControl, store: S3Store, caller: Caller, permission: S3Permission, request: IncomingMessage) {
  const text = permission.bucket ? store.policyOf(permission.bucket) : undefined;
  const bucketPolicy = text === undefined ? undefined : access.iam.document(text, 'resource');
  return access.authorize(caller, permission.action, permission.resource, s3Context(request, caller, permission), bucketPolicy);
}

/** Throws S3's `403 AccessDenied`, naming the action and the reason, for the first permission that does not hold. */
export function authorizeS3(
  access: AccessControl,
  store: S3Store,
  caller: Caller,
  permissions: S3Permission[],
  request: IncomingMessage,
): void {
  if (!caller.enforced) return;
  for (const permission of permissions) {
    const evaluation = s3Allows(access, store, caller, permission, request);
    if (evaluation.decision !== 'Allow') throw accessDenied(caller, permission, evaluation);
  }
}

export function accessDenied(caller: Caller, permission: S3Permission, evaluation: ReturnType<AccessControl['authorize']>): S3Error {
  return new S3Error(403, 'AccessDenied', deniedMessage(caller, permission.action, `"${permission.resource}"`, evaluation));
}

/**
 * S3 answers a read of a key that does not exist with 404 NoSuchKey only to a caller who may
 * list the bucket; to anyone else with 403 AccessDenied, so that a key's existence is not
 * disclosed (GetObject, "Permissions"). Returns the error to send.
 */
export function missingKeyError(
  access: AccessControl,
  store: S3Store,
  caller: Caller,
  bucket: string,
  notFound: S3Error,
  request: IncomingMessage,
): S3Error {
  if (!caller.enforced) return notFound;
  const list: S3Permission = { action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}`, bucket, context: {} };
  const evaluation = s3Allows(access, store, caller, list, request);
  return evaluation.decision === 'Allow' ? notFound : accessDenied(caller, list, evaluation);
}

/** Whether a queue's policy lets S3 (the service, for this bucket of this account) send it a message. */
export function s3MaySendTo(access: AccessControl, policy: string | undefined, queueArn: string, bucket: string): boolean {
  if (policy === undefined) return false;
  const evaluation = evaluate(
    { identity: [], resource: { name: 'queue policy', document: access.iam.document(policy, 'resource') } },
    {
      action: 'sqs:SendMessage',
      resource: queueArn,
      principal: { kind: 'service', arn: 's3.amazonaws.com', accountId: LOCAL_ACCOUNT_ID },
      context: { 'aws:SourceArn': `arn:aws:s3:::${bucket}`, 'aws:SourceAccount': LOCAL_ACCOUNT_ID },
    },
  );
  return evaluation.decision === 'Allow';
}
