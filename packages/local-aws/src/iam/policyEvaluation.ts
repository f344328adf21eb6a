/**
 * IAM's policy language for the local stack, same account only: parses policies as IAM does when
 * they are put, and authorises a request as AWS's enforcement code does within one account
 * ("Policy evaluation logic"). Doc page names in comments are from the IAM User Guide.
 * Not modelled: permissions boundaries, SCPs/RCPs, cross-account requests, federated users.
 */
import { arnMatches, conditionsHold, conditionValues, globMatches, parseOperator, tokenize } from './policyConditions';
import type { ConditionBlock, ConditionValue, RequestContext, Token, VariableScope } from './policyConditions';

export type { ConditionBlock, ConditionValue, RequestContext } from './policyConditions';

export type PolicyStatementEffect = 'Allow' | 'Deny';
export type PolicyPrincipal =
  '*' | { AWS?: string | string[]; Service?: string | string[]; Federated?: string | string[]; CanonicalUser?: string | string[] };
export interface PolicyStatement {
  Sid?: string;
  Effect: PolicyStatementEffect;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: PolicyPrincipal;
  NotPrincipal?: PolicyPrincipal;
  Condition?: ConditionBlock;
}
/** Normalised: Statement always an array. */
export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement[];
}
export type PolicyKind = 'identity' | 'resource' | 'trust';

export class MalformedPolicyError extends Error {
  readonly code = 'MalformedPolicyDocument';
  override readonly name = 'MalformedPolicyError';
  /** `message` is IAM's (often terse); `detail` says what exactly is wrong. */
  constructor(
    message: string,
    readonly detail: string = message,
  ) {
    super(message);
  }
}

// ---- Parsing: IAM's MalformedPolicyDocument messages ----

const SYNTAX = 'Syntax errors in policy.';
const LEGACY = 'The policy failed legacy parsing';
const VENDOR = 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.';
const DOCUMENT_KEYS = ['Version', 'Id', 'Statement'];
const STATEMENT_KEYS = ['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition'];
const PRINCIPAL_KEYS = ['AWS', 'Service', 'Federated', 'CanonicalUser'] as const;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[], where: string) {
  const unknown = Object.keys(value).find((key) => !allowed.includes(key));
  if (unknown !== undefined) throw new MalformedPolicyError(SYNTAX, `unknown ${where} element ${unknown}`);
}

function stringList(value: unknown, field: string): string | string[] {
  if (typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'))) return value;
  throw new MalformedPolicyError(SYNTAX, `${field} must be a string or a list of strings`);
}

/** The one of two mutually exclusive elements the statement has ("IAM JSON policy element reference"). */
function exclusive<K extends string>(statement: Record<string, unknown>, positive: K, negative: K): [K, unknown] | undefined {
  if (statement[positive] !== undefined && statement[negative] !== undefined) {
    throw new MalformedPolicyError(SYNTAX, `a statement has both ${positive} and ${negative}`);
  }
  if (statement[positive] !== undefined) return [positive, statement[positive]];
  return statement[negative] === undefined ? undefined : [negative, statement[negative]];
}

/** Parses a policy document as IAM validates it on CreatePolicy, PutRolePolicy, a bucket or queue policy, a trust policy. */
export function parsePolicy(text: string, kind: PolicyKind): PolicyDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new MalformedPolicyError(SYNTAX, 'the document is not JSON');
  }
  if (!isRecord(raw)) throw new MalformedPolicyError(SYNTAX, 'the document is not a JSON object');
  onlyKeys(raw, DOCUMENT_KEYS, 'top-level');
  const { Version, Id, Statement } = raw;
  if (Version !== undefined && Version !== '2012-10-17' && Version !== '2008-10-17') {
    throw new MalformedPolicyError(LEGACY, `unknown Version ${JSON.stringify(Version)}`);
  }
  if (Id !== undefined && typeof Id !== 'string') throw new MalformedPolicyError(SYNTAX, 'Id must be a string');
  if (Statement === undefined) throw new MalformedPolicyError(SYNTAX, 'the document has no Statement');
  const statements = (Array.isArray(Statement) ? Statement : [Statement]).map((statement) => parseStatement(statement, kind));
  const sids = statements.flatMap((statement) => (statement.Sid === undefined ? [] : [statement.Sid]));
  if (new Set(sids).size !== sids.length) throw new MalformedPolicyError('Statement IDs (SID) in a single policy must be unique.');
  return { ...(Version === undefined ? {} : { Version }), ...(Id === undefined ? {} : { Id }), Statement: statements };
}

function parseStatement(raw: unknown, kind: PolicyKind): PolicyStatement {
  if (!isRecord(raw)) throw new MalformedPolicyError(SYNTAX, 'a statement is not a JSON object');
  onlyKeys(raw, STATEMENT_KEYS, 'statement');
  if (raw.Effect === undefined) throw new MalformedPolicyError(SYNTAX, 'a statement has no Effect');
  // Effect is case-sensitive: "allow" is refused with this message.
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny')
    throw new MalformedPolicyError(LEGACY, `invalid Effect ${JSON.stringify(raw.Effect)}`);
  const statement: PolicyStatement = { Effect: raw.Effect };
  if (raw.Sid !== undefined) statement.Sid = parseSid(raw.Sid, kind);

  const action = exclusive(raw, 'Action', 'NotAction');
  const actions = action && stringList(action[1], action[0]);
  if (!action || !actions || list(actions).length === 0) throw new MalformedPolicyError('Policy statement must contain actions.');
  list(actions).forEach(checkAction);
  statement[action[0]] = actions;

  const resource = exclusive(raw, 'Resource', 'NotResource');
  if (kind === 'trust' && resource) throw new MalformedPolicyError(`Has prohibited field ${resource[0]}.`);
  if (kind !== 'trust') {
    const resources = resource && stringList(resource[1], resource[0]);
    if (!resource || !resources || list(resources).length === 0) throw new MalformedPolicyError('Policy statement must contain resources.');
    list(resources).forEach(checkResource);
    statement[resource[0]] = resources;
  }

  const principal = exclusive(raw, 'Principal', 'NotPrincipal');
  if (kind === 'identity' && principal) throw new MalformedPolicyError('Policy document should not specify a principal.');
  if (kind !== 'identity' && !principal) throw new MalformedPolicyError('Missing required field Principal.');
  if (principal) statement[principal[0]] = parsePrincipal(principal[1]);

  if (raw.Condition !== undefined) statement.Condition = parseCondition(raw.Condition);
  return statement;
}

function parseSid(sid: unknown, kind: PolicyKind): string {
  if (typeof sid !== 'string') throw new MalformedPolicyError(SYNTAX, 'Sid must be a string');
  // IAM's own policies take alphanumeric Sids only; S3 and SQS take any string.
  if (kind !== 'resource' && !/^[0-9A-Za-z]*$/.test(sid)) {
    throw new MalformedPolicyError(
      'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
    );
  }
  return sid;
}

function checkAction(action: string) {
  if (action === '*') return;
  const colons = action.split(':').length - 1;
  if (colons === 0 || action.startsWith(':')) throw new MalformedPolicyError(VENDOR, `action ${action} has no service prefix`);
  if (colons > 1) throw new MalformedPolicyError('Actions/Condition can contain only one colon.', `action ${action}`);
}

function checkResource(resource: string) {
  if (resource !== '*' && !resource.startsWith('arn:'))
    throw new MalformedPolicyError(`Resource ${resource} must be in ARN format or "*".`);
}

/** Principal values name whole principals: no partial wildcards ("AWS JSON policy elements: Principal"). */
const PRINCIPAL_FORMS: Record<(typeof PRINCIPAL_KEYS)[number], RegExp> = {
  AWS: /^(\*|\d{12}|arn:aws:(iam|sts)::\d{12}:[^*?]+)$/,
  Service: /^[\w.-]+$/,
  Federated: /^[^*?]+$/,
  CanonicalUser: /^[0-9a-f]{64}$/i,
};

function parsePrincipal(value: unknown): PolicyPrincipal {
  if (value === '*') return '*';
  if (!isRecord(value) || Object.keys(value).length === 0) throw new MalformedPolicyError(SYNTAX, 'Principal must be "*" or an object');
  onlyKeys(value, PRINCIPAL_KEYS, 'Principal');
  const principal: Exclude<PolicyPrincipal, '*'> = {};
  for (const key of PRINCIPAL_KEYS) {
    if (value[key] === undefined) continue;
    const names = stringList(value[key], `Principal.${key}`);
    const invalid = list(names).find((name) => !PRINCIPAL_FORMS[key].test(name));
    if (invalid !== undefined) throw new MalformedPolicyError(`Invalid principal in policy: "${key}":"${invalid}"`);
    principal[key] = names;
  }
  return principal;
}

const isScalar = (value: unknown): value is string | number | boolean =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
const isConditionValue = (value: unknown): value is ConditionValue => isScalar(value) || (Array.isArray(value) && value.every(isScalar));

function parseCondition(value: unknown): ConditionBlock {
  if (!isRecord(value)) throw new MalformedPolicyError(SYNTAX, 'Condition must be an object');
  const block: ConditionBlock = {};
  for (const [operator, keys] of Object.entries(value)) {
    if (!parseOperator(operator)) throw new MalformedPolicyError(SYNTAX, `unknown condition operator ${operator}`);
    if (!isRecord(keys)) throw new MalformedPolicyError(SYNTAX, `${operator} must map condition keys to values`);
    const checked: Record<string, ConditionValue> = {};
    for (const [key, values] of Object.entries(keys)) {
      if (!/^[^:]+:./.test(key)) throw new MalformedPolicyError(VENDOR, `condition key ${key} has no prefix`);
      if (!isConditionValue(values))
        throw new MalformedPolicyError(SYNTAX, `${operator} ${key}: values must be strings, numbers or booleans`);
      checked[key] = values;
    }
    block[operator] = checked;
  }
  return block;
}

// ---- Evaluation ----

/** The caller, as AWS's request context knows it. */
export interface CallerPrincipal {
  kind: 'assumed-role' | 'user' | 'root' | 'service';
  /** e.g. arn:aws:sts::000000000000:assumed-role/etl-load-dev-loadWorker/session-1, arn:aws:iam::000000000000:user/alice, arn:aws:iam::000000000000:root; for a service: its name, e.g. s3.amazonaws.com */
  arn: string;
  /** for an assumed role: the role's ARN arn:aws:iam::000000000000:role/<path><name> (derived from `arn`, without a path, when absent) */
  roleArn?: string;
  accountId: string;
  /** aws:userid: for an assumed role "AROA…:<session name>", for a user "AIDA…" */
  userId?: string;
  /** aws:username for an IAM user (the last part of `arn` when absent) */
  userName?: string;
}

export interface AuthorizationRequest {
  /** 'service:Action', e.g. 's3:GetObject' */
  action: string;
  /** ARN, or '*' for actions without a resource type */
  resource: string;
  principal: CallerPrincipal;
  /** Request context keys (case-insensitive names); absent or undefined = not present. Keys derived from the principal are added unless given here. */
  context?: Record<string, string | string[] | undefined>;
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';
export interface Evaluation {
  decision: Decision;
  /** which statement decided: a denying statement for ExplicitDeny, an allowing one for Allow */
  statement?: { policy: string; sid?: string };
}

export interface PolicySet {
  /** identity-based policies attached to the principal (inline and managed), each with a name for reporting */
  identity: { name: string; document: PolicyDocument }[];
  /** the resource's own policy (bucket policy, queue policy, a role's trust policy), if any */
  resource?: { name: string; document: PolicyDocument };
  /** optional session policy (AssumeRole Policy parameter): when present, it also has to allow what identity policies allow */
  session?: PolicyDocument;
}

/** The name `Evaluation.statement.policy` gives the session policy. */
export const SESSION_POLICY_NAME = 'SessionPolicy';

interface Named {
  name: string;
  document: PolicyDocument;
}
interface Hit {
  policy: string;
  statement: PolicyStatement;
}

/**
 * Within one account ("Policy evaluation logic"): an explicit Deny in any policy wins; then an
 * Allow in an identity policy (which a session policy, when present, must also allow) or in the
 * resource policy allows. How much a resource policy's Allow grants depends on whom it names:
 * the session, the user, "*" or the service: granted outright; the role: still limited by the
 * session policy; only the account: nothing by itself — it delegates to the account's identity
 * policies ("AWS JSON policy elements: Principal", AWS account principals). The root user is
 * allowed unless explicitly denied.
 */
export function evaluate(policies: PolicySet, request: AuthorizationRequest): Evaluation {
  const { principal } = request;
  const context = requestContext(request);
  // A service principal has no identity or session policies: only a resource policy can let it in.
  const service = principal.kind === 'service';
  const identity = service ? [] : policies.identity;
  const session = service || !policies.session ? [] : [{ name: SESSION_POLICY_NAME, document: policies.session }];
  const resource = policies.resource ? [policies.resource] : [];
  const applying = (sources: Named[], effect: PolicyStatementEffect, resourceBased: boolean): Hit[] =>
    sources.flatMap(({ name, document }) =>
      document.Statement.filter(
        (statement) => statement.Effect === effect && statementApplies(statement, document, request, context, resourceBased),
      ).map((statement) => ({ policy: name, statement })),
    );

  const deny = applying(identity, 'Deny', false)[0] ?? applying(session, 'Deny', false)[0] ?? applying(resource, 'Deny', true)[0];
  if (deny) return decided('ExplicitDeny', deny);
  if (principal.kind === 'root') return { decision: 'Allow' };

  const sessionAllows = session.length === 0 || applying(session, 'Allow', false).length > 0;
  const grants = applying(resource, 'Allow', true).map((hit) => ({ ...hit, grant: grantOf(hit.statement, principal) }));
  const allow =
    (sessionAllows ? applying(identity, 'Allow', false)[0] : undefined) ??
    grants.find((hit) => hit.grant === 'direct') ??
    (sessionAllows ? grants.find((hit) => hit.grant === 'role') : undefined);
  return allow ? decided('Allow', allow) : { decision: 'ImplicitDeny' };
}

/**
 * A role's trust policy on sts:AssumeRole. Trust policies must name the caller: nothing allows
 * without them ("Policy evaluation logic"). 'allow': it names the caller (its session, user, role
 * or service, or "*"); 'account': it names only the caller's account, so the caller's identity
 * policies must allow sts:AssumeRole too; 'deny': explicitly denied or not trusted at all.
 */
export function trustAllows(trust: PolicyDocument, request: AuthorizationRequest): 'allow' | 'account' | 'deny' {
  const context = requestContext(request);
  const applying = (effect: PolicyStatementEffect) =>
    trust.Statement.filter((statement) => statement.Effect === effect && statementApplies(statement, trust, request, context, true));
  if (applying('Deny').length > 0) return 'deny';
  const grants = applying('Allow').map((statement) => grantOf(statement, request.principal));
  if (grants.some((grant) => grant !== 'account')) return 'allow';
  return grants.length > 0 ? 'account' : 'deny';
}

function decided(decision: Decision, { policy, statement }: Hit): Evaluation {
  return { decision, statement: { policy, ...(statement.Sid === undefined ? {} : { sid: statement.Sid }) } };
}

function statementApplies(
  statement: PolicyStatement,
  document: PolicyDocument,
  request: AuthorizationRequest,
  context: RequestContext,
  resourceBased: boolean,
): boolean {
  // Variables are substituted under Version 2012-10-17 only ("IAM policy elements: Variables and tags").
  const scope: VariableScope = { context, variables: document.Version === '2012-10-17' };
  return (
    actionApplies(statement, request.action) &&
    resourceApplies(statement, request.resource, scope) &&
    (!resourceBased || principalApplies(statement, request.principal)) &&
    conditionsHold(statement.Condition, scope)
  );
}

const LITERAL: VariableScope = { context: new Map(), variables: false };
const wildcardTokens = (pattern: string, scope: VariableScope): Token[] | undefined => tokenize(pattern, scope, true);

/** Service prefix and action name are case-insensitive ("IAM JSON policy elements: Action"). */
function actionApplies(statement: PolicyStatement, action: string): boolean {
  const matches = (pattern: string) => globMatches(wildcardTokens(pattern, LITERAL) ?? [], action, true);
  return statement.NotAction !== undefined ? !list(statement.NotAction).some(matches) : list(statement.Action).some(matches);
}

/** A Resource/NotResource entry whose variable has no value matches no resource ("Policy variables with no value"). */
function resourceApplies(statement: PolicyStatement, resource: string, scope: VariableScope): boolean {
  const matches = (pattern: string) => {
    const tokens = wildcardTokens(pattern, scope);
    return tokens !== undefined && arnMatches(tokens, resource);
  };
  if (statement.NotResource !== undefined) return !list(statement.NotResource).some(matches);
  if (statement.Resource !== undefined) return list(statement.Resource).some(matches);
  return true; // a trust policy: the role itself
}

function principalApplies(statement: PolicyStatement, principal: CallerPrincipal): boolean {
  if (statement.NotPrincipal !== undefined) return !notPrincipalExcludes(statement.NotPrincipal, principal);
  return statement.Principal !== undefined && principalMatches(statement.Principal, principal);
}

function roleArnOf(principal: CallerPrincipal): string | undefined {
  if (principal.roleArn) return principal.roleArn;
  const session = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(principal.arn);
  return session ? `arn:aws:iam::${session[1]}:role/${session[2]}` : undefined;
}

/** Whom a principal is, outermost first: its account (root ARN or bare id), then role, then session or user. */
function identityChain(principal: CallerPrincipal): string[][] {
  const account = [`arn:aws:iam::${principal.accountId}:root`, principal.accountId];
  if (principal.kind === 'assumed-role') return [account, list(roleArnOf(principal)), [principal.arn]];
  return principal.kind === 'user' ? [account, [principal.arn]] : [account];
}

function wildcardOrService(element: PolicyPrincipal, principal: CallerPrincipal): boolean | undefined {
  if (element === '*' || list(element.AWS).includes('*')) return true; // "*" and {"AWS": "*"} are equivalent
  return principal.kind === 'service' ? list(element.Service).includes(principal.arn) : undefined;
}

/** Whether a Principal element names the caller: "*", its account, its role (any session of it), its session or user ARN, or its service. Also for role trust policies. */
export function principalMatches(element: PolicyPrincipal, principal: CallerPrincipal): boolean {
  const aws = element === '*' ? [] : list(element.AWS);
  return wildcardOrService(element, principal) ?? identityChain(principal).some((names) => names.some((name) => aws.includes(name)));
}

/**
 * Whether a NotPrincipal element exempts the caller. AWS may check the account, then the role,
 * then the session, so only a caller named at every level is exempt: a Deny with NotPrincipal
 * naming just a role still denies its sessions ("AWS JSON policy elements: NotPrincipal").
 */
export function notPrincipalExcludes(element: PolicyPrincipal, principal: CallerPrincipal): boolean {
  const aws = element === '*' ? [] : list(element.AWS);
  return wildcardOrService(element, principal) ?? identityChain(principal).every((names) => names.some((name) => aws.includes(name)));
}

type Grant = 'direct' | 'role' | 'account';

/** How an applying resource-policy Allow grants ("Policy evaluation logic": resource-based policies and implicit denies). */
function grantOf(statement: PolicyStatement, principal: CallerPrincipal): Grant {
  const element = statement.Principal;
  if (element === undefined || element === '*') return 'direct'; // NotPrincipal or everyone
  const aws = list(element.AWS);
  if (aws.includes('*') || aws.includes(principal.arn) || principal.kind === 'service') return 'direct';
  const role = roleArnOf(principal);
  return principal.kind === 'assumed-role' && role !== undefined && aws.includes(role) ? 'role' : 'account';
}

const PRINCIPAL_TYPES = { 'assumed-role': 'AssumedRole', user: 'User', root: 'Account', service: undefined };

/** Keys AWS derives from the principal ("IAM policy elements: Variables and tags", principal key values; "AWS global condition context keys"). */
function principalKeys(principal: CallerPrincipal): Record<string, string | undefined> {
  if (principal.kind === 'service') return { 'aws:PrincipalServiceName': principal.arn, 'aws:PrincipalIsAWSService': 'true' };
  return {
    'aws:PrincipalArn': principal.kind === 'assumed-role' ? roleArnOf(principal) : principal.arn, // a session's is its role's
    'aws:PrincipalAccount': principal.accountId,
    'aws:PrincipalType': PRINCIPAL_TYPES[principal.kind],
    'aws:userid': principal.userId ?? (principal.kind === 'root' ? principal.accountId : undefined),
    'aws:username': principal.kind === 'user' ? (principal.userName ?? principal.arn.split('/').pop()) : undefined,
    'aws:PrincipalIsAWSService': 'false',
  };
}

/** The request context: keys derived from the principal, overridden by the request's own; names lower-cased. */
export function requestContext(request: AuthorizationRequest): Map<string, string[]> {
  const context = new Map<string, string[]>();
  for (const [key, value] of Object.entries(principalKeys(request.principal)))
    if (value !== undefined) context.set(key.toLowerCase(), [value]);
  for (const [key, value] of Object.entries(request.context ?? {})) {
    if (value === undefined) context.delete(key.toLowerCase());
    else context.set(key.toLowerCase(), conditionValues(value));
  }
  return context;
}
