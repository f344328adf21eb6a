import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { header, readBody } from '../common/http';
import { queryTree } from '../common/queryParams';
import type { QueryTree } from '../common/queryParams';
import { toXml } from '../common/xml';
import type { XmlNode } from '../common/xml';
import { AuthenticationError, deniedMessage, globalContext, receivedRequest, sha256Hex } from './accessControl';
import type { AccessControl, AuthenticationFailure } from './accessControl';
import { IAM_OPERATIONS } from './iamApi';
import { iamErrors, IamError } from './iamErrors';
import { assumeRole, callerIdentity, trustCaller } from './stsApi';
import { SERVICE_PRINCIPAL_HEADER } from './serviceCredentials';

const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';
const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const STS_ACTIONS = ['AssumeRole', 'GetCallerIdentity'];

/** How IAM and STS answer a request whose authentication failed. */
const AUTHENTICATION_ERRORS: Record<AuthenticationFailure, { code: string; status: number }> = {
  malformed: { code: 'IncompleteSignature', status: 400 },
  'missing-token': { code: 'InvalidClientTokenId', status: 403 },
  'unknown-token': { code: 'InvalidClientTokenId', status: 403 },
  'inactive-key': { code: 'InvalidClientTokenId', status: 403 },
  'expired-token': { code: 'ExpiredToken', status: 403 },
  signature: { code: 'SignatureDoesNotMatch', status: 403 },
  skew: { code: 'SignatureDoesNotMatch', status: 403 },
};

/**
 * IAM and STS on the AWS query protocol (form-encoded `Action=…`, XML replies), on one port:
 * point both `AWS_ENDPOINT_URL_IAM` and `AWS_ENDPOINT_URL_STS` here. Their action names do not
 * overlap, so the action says which service is asked.
 */
export function createIamServer(access: AccessControl): Server {
  return createServer((request, response) => {
    void handle(access, request, response);
  });
}

async function handle(access: AccessControl, request: IncomingMessage, response: ServerResponse): Promise<void> {
  let namespace = IAM_NAMESPACE;
  try {
    const body = await readBody(request, 1024 * 1024);
    const params = new URLSearchParams(new URL(request.url ?? '/', 'http://local').search);
    for (const [name, value] of new URLSearchParams(body.toString('utf8'))) params.append(name, value);
    const input = queryTree(params);
    const action = typeof input.Action === 'string' ? input.Action : '';
    if (STS_ACTIONS.includes(action)) namespace = STS_NAMESPACE;
    const caller = authenticate(access, request, body);
    const result = STS_ACTIONS.includes(action)
      ? await stsAction(access, action, caller, input, request)
      : await iamAction(access, action, caller, input, request);
    const xml = toXml(
      `${action}Response`,
      { ...(result === undefined ? {} : { [`${action}Result`]: result }), ResponseMetadata: { RequestId: randomUUID() } },
      namespace,
    );
    response.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml) }).end(xml);
  } catch (caught) {
    const error =
      caught instanceof IamError ? caught : new IamError('ServiceFailure', `local IAM: ${(caught as Error).message}`, 500, false);
    const xml = toXml(
      'ErrorResponse',
      { Error: { Type: error.senderFault ? 'Sender' : 'Receiver', Code: error.code, Message: error.message }, RequestId: randomUUID() },
      namespace,
    );
    response.writeHead(error.status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml) }).end(xml);
  }
}

function authenticate(access: AccessControl, request: IncomingMessage, body: Buffer) {
  try {
    return access.authenticate(receivedRequest(request), sha256Hex(body), new URLSearchParams(body.toString('utf8')));
  } catch (error) {
    if (!(error instanceof AuthenticationError)) throw error;
    const { code, status } = AUTHENTICATION_ERRORS[error.failure];
    throw new IamError(error.detail.formatCode ?? code, error.message, status);
  }
}

async function iamAction(
  access: AccessControl,
  action: string,
  caller: ReturnType<typeof authenticate>,
  input: QueryTree,
  request: IncomingMessage,
): Promise<XmlNode | undefined> {
  const operation = IAM_OPERATIONS[action];
  if (!operation) throw iamErrors.invalidAction(action, [...Object.keys(IAM_OPERATIONS), ...STS_ACTIONS]);
  const resource = operation.resource(input, access.iam);
  const evaluation = access.authorize(caller, `iam:${action}`, resource, globalContext(request));
  if (evaluation.decision !== 'Allow') throw iamErrors.accessDenied(deniedMessage(caller, `iam:${action}`, resource, evaluation));
  return operation.run(input, access.iam);
}

function stsAction(
  access: AccessControl,
  action: string,
  caller: ReturnType<typeof authenticate>,
  input: QueryTree,
  request: IncomingMessage,
): Promise<XmlNode> | XmlNode {
  if (action === 'GetCallerIdentity') return callerIdentity(caller);
  const principal = trustCaller(caller, header(request, SERVICE_PRINCIPAL_HEADER));
  return assumeRole(access, caller, principal, input, globalContext(request));
}
