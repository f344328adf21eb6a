import { evaluate, MalformedPolicyError, notPrincipalExcludes, parsePolicy, principalMatches, trustAllows } from './policyEvaluation';
import type { AuthorizationRequest, CallerPrincipal, Decision, PolicyDocument, PolicyKind, PolicySet } from './policyEvaluation';

const ACCOUNT = '000000000000';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/etl-load-dev-loadWorker`;
const SESSION_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/etl-load-dev-loadWorker/session-1`;
const ROOT_ARN = `arn:aws:iam::${ACCOUNT}:root`;
const session: CallerPrincipal = {
  kind: 'assumed-role',
  arn: SESSION_ARN,
  roleArn: ROLE_ARN,
  accountId: ACCOUNT,
  userId: 'AROAEXAMPLEROLEID:session-1',
};
const alice: CallerPrincipal = { kind: 'user', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, userId: 'AIDAEXAMPLEUSERID' };
const root: CallerPrincipal = { kind: 'root', arn: ROOT_ARN, accountId: ACCOUNT };
const s3Service: CallerPrincipal = { kind: 'service', arn: 's3.amazonaws.com', accountId: ACCOUNT };

type Statement = Record<string, unknown>;
const policy = (statements: Statement | Statement[], kind: PolicyKind = 'identity', Version = '2012-10-17'): PolicyDocument =>
  parsePolicy(JSON.stringify({ Version, Statement: statements }), kind);
const allow = (Action: string | string[], Resource: string | string[] = '*', extra: Statement = {}) =>
  policy({ Effect: 'Allow', Action, Resource, ...extra });

interface Setup {
  identity?: PolicyDocument[];
  resource?: PolicyDocument;
  session?: PolicyDocument;
}
const request = (overrides: Partial<AuthorizationRequest> = {}): AuthorizationRequest => ({
  action: 's3:GetObject',
  resource: 'arn:aws:s3:::bucket/key',
  principal: session,
  ...overrides,
});
const policySet = ({ identity = [], resource, session: sessionPolicy }: Setup): PolicySet => ({
  identity: identity.map((document, index) => ({ name: `policy${index}`, document })),
  ...(resource ? { resource: { name: 'BucketPolicy', document: resource } } : {}),
  ...(sessionPolicy ? { session: sessionPolicy } : {}),
});
const decide = (setup: Setup, overrides: Partial<AuthorizationRequest> = {}): Decision =>
  evaluate(policySet(setup), request(overrides)).decision;

/** Whether a statement with this Condition applies to a request with this context. */
const holds = (Condition: Statement, context: AuthorizationRequest['context'] = {}, principal: CallerPrincipal = alice) =>
  decide({ identity: [allow('s3:GetObject', '*', { Condition })] }, { context, principal }) === 'Allow';

const malformed = (text: string, kind: PolicyKind = 'identity') => {
  try {
    parsePolicy(text, kind);
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedPolicyError);
    expect((error as MalformedPolicyError).code).toBe('MalformedPolicyDocument');
    return (error as MalformedPolicyError).message;
  }
  throw new Error(`accepted: ${text}`);
};
const malformedStatement = (statement: Statement, kind: PolicyKind = 'identity') =>
  malformed(JSON.stringify({ Version: '2012-10-17', Statement: [statement] }), kind);

describe('parsePolicy', () => {
  it('normalises a single statement to a list and keeps Version and Id', () => {
    const document = parsePolicy(
      '{"Version":"2012-10-17","Id":"x","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}',
      'identity',
    );
    expect(document).toEqual({ Version: '2012-10-17', Id: 'x', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] });
  });

  it('refuses what is not a JSON policy object, or has unknown elements, as syntax errors', () => {
    expect(malformed('{"Version": "2012-10-17",')).toBe('Syntax errors in policy.');
    expect(malformed('null')).toBe('Syntax errors in policy.');
    expect(malformed('[]')).toBe('Syntax errors in policy.');
    expect(malformed('{"Version":"2012-10-17"}')).toBe('Syntax errors in policy.');
    expect(malformed('{"Version":"2012-10-17","Statements":[]}')).toBe('Syntax errors in policy.');
    expect(malformedStatement({ Effect: 'Allow', Actions: 's3:*', Resource: '*' })).toBe('Syntax errors in policy.');
    expect(malformedStatement({ Effect: 'Allow', Action: 7, Resource: '*' })).toBe('Syntax errors in policy.');
  });

  it('refuses a statement without Effect, and an Effect IAM does not know (it is case-sensitive)', () => {
    expect(malformedStatement({ Action: 's3:*', Resource: '*' })).toBe('Syntax errors in policy.');
    expect(malformedStatement({ Effect: 'allow', Action: 's3:*', Resource: '*' })).toBe('The policy failed legacy parsing');
    expect(malformed('{"Version":"2012-10-18","Statement":[]}')).toBe('The policy failed legacy parsing');
  });

  it('refuses both halves of Action/NotAction, Resource/NotResource, Principal/NotPrincipal', () => {
    expect(malformedStatement({ Effect: 'Allow', Action: 's3:*', NotAction: 'iam:*', Resource: '*' })).toBe('Syntax errors in policy.');
    expect(malformedStatement({ Effect: 'Allow', Action: 's3:*', Resource: '*', NotResource: '*' })).toBe('Syntax errors in policy.');
    expect(malformedStatement({ Effect: 'Allow', Principal: '*', NotPrincipal: '*', Action: 's3:*', Resource: '*' }, 'resource')).toBe(
      'Syntax errors in policy.',
    );
  });

  it('needs actions, and resources except in a trust policy, which must not have them', () => {
    expect(malformedStatement({ Effect: 'Allow', Resource: '*' })).toBe('Policy statement must contain actions.');
    expect(malformedStatement({ Effect: 'Allow', Action: [], Resource: '*' })).toBe('Policy statement must contain actions.');
    expect(malformedStatement({ Effect: 'Allow', Action: 's3:*' })).toBe('Policy statement must contain resources.');
    expect(malformedStatement({ Effect: 'Allow', Principal: '*', Action: 's3:*' }, 'resource')).toBe(
      'Policy statement must contain resources.',
    );
    expect(malformedStatement({ Effect: 'Allow', Principal: { AWS: ROLE_ARN }, Action: 'sts:AssumeRole', Resource: '*' }, 'trust')).toBe(
      'Has prohibited field Resource.',
    );
    expect(
      policy({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }, 'trust').Statement,
    ).toHaveLength(1);
  });

  it('allows Principal only in resource and trust policies, where it is required', () => {
    expect(malformedStatement({ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' })).toBe(
      'Policy document should not specify a principal.',
    );
    expect(malformedStatement({ Effect: 'Deny', NotPrincipal: { AWS: ROLE_ARN }, Action: 's3:*', Resource: '*' })).toBe(
      'Policy document should not specify a principal.',
    );
    expect(malformedStatement({ Effect: 'Allow', Action: 's3:*', Resource: '*' }, 'resource')).toBe('Missing required field Principal.');
    expect(malformedStatement({ Effect: 'Allow', Action: 'sts:AssumeRole' }, 'trust')).toBe('Missing required field Principal.');
  });

  it('checks action, resource and principal forms', () => {
    expect(malformedStatement({ Effect: 'Allow', Action: 'GetObject', Resource: '*' })).toBe(
      'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
    );
    expect(malformedStatement({ Effect: 'Allow', Action: 's3:Get:Object', Resource: '*' })).toBe(
      'Actions/Condition can contain only one colon.',
    );
    expect(malformedStatement({ Effect: 'Allow', Action: 's3:*', Resource: 'bucket' })).toBe(
      'Resource bucket must be in ARN format or "*".',
    );
    const invalid = `arn:aws:iam::${ACCOUNT}:role/*`;
    expect(malformedStatement({ Effect: 'Allow', Principal: { AWS: invalid }, Action: 's3:*', Resource: '*' }, 'resource')).toBe(
      `Invalid principal in policy: "AWS":"${invalid}"`,
    );
    expect(malformedStatement({ Effect: 'Allow', Principal: { AWS: 'alice' }, Action: 's3:*', Resource: '*' }, 'resource')).toBe(
      'Invalid principal in policy: "AWS":"alice"',
    );
    expect(malformedStatement({ Effect: 'Allow', Principal: { Users: 'x' }, Action: 's3:*', Resource: '*' }, 'resource')).toBe(
      'Syntax errors in policy.',
    );
  });

  it('wants unique Sids, alphanumeric in IAM policies but free-form in bucket and queue policies', () => {
    const twice = { Version: '2012-10-17', Statement: [1, 2].map(() => ({ Sid: 'A', Effect: 'Allow', Action: 's3:*', Resource: '*' })) };
    expect(malformed(JSON.stringify(twice))).toBe('Statement IDs (SID) in a single policy must be unique.');
    expect(malformedStatement({ Sid: 'Allow reads', Effect: 'Allow', Action: 's3:*', Resource: '*' })).toMatch(/must be alpha-numeric/);
    expect(
      policy({ Sid: 'Allow reads', Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }, 'resource').Statement[0]?.Sid,
    ).toBe('Allow reads');
  });

  it('checks condition operators, key prefixes and value types', () => {
    const withCondition = (Condition: unknown) => malformedStatement({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition });
    expect(withCondition({ StringEqual: { 'aws:username': 'a' } })).toBe('Syntax errors in policy.');
    expect(withCondition({ NullIfExists: { 'aws:username': 'true' } })).toBe('Syntax errors in policy.');
    expect(withCondition({ StringEquals: { username: 'a' } })).toBe(
      'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
    );
    expect(withCondition({ StringEquals: { 'aws:username': { a: 1 } } })).toBe('Syntax errors in policy.');
    expect(withCondition(['StringEquals'])).toBe('Syntax errors in policy.');
  });
});

describe('Action and NotAction', () => {
  it('matches service prefix and action name case-insensitively', () => {
    expect(decide({ identity: [allow('S3:getobject')] })).toBe('Allow');
    expect(decide({ identity: [allow('IAM:listaccesskeys')] }, { action: 'iam:ListAccessKeys', resource: '*' })).toBe('Allow');
  });

  it('takes * and ? wildcards', () => {
    expect(decide({ identity: [allow('s3:Get*')] })).toBe('Allow');
    expect(decide({ identity: [allow('s3:Get*')] }, { action: 's3:PutObject' })).toBe('ImplicitDeny');
    expect(decide({ identity: [allow('s3:GetObjec?')] })).toBe('Allow');
    expect(decide({ identity: [allow('s3:GetObj?')] })).toBe('ImplicitDeny');
    expect(decide({ identity: [allow('iam:*AccessKey*')] }, { action: 'iam:CreateAccessKey', resource: '*' })).toBe('Allow');
    expect(decide({ identity: [allow('*')] }, { action: 'sqs:SendMessage' })).toBe('Allow');
  });

  it('NotAction applies to every action but those listed', () => {
    const document = policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' });
    expect(decide({ identity: [document] })).toBe('Allow');
    expect(decide({ identity: [document] }, { action: 'iam:CreateUser', resource: '*' })).toBe('ImplicitDeny');
  });

  it('a Deny with NotAction denies everything else, whatever else allows', () => {
    const everything = allow('*');
    const onlyReads = policy({ Sid: 'OnlyReads', Effect: 'Deny', NotAction: ['s3:GetObject', 's3:ListBucket'], Resource: '*' });
    expect(decide({ identity: [everything, onlyReads] })).toBe('Allow');
    expect(evaluate(policySet({ identity: [everything, onlyReads] }), request({ action: 's3:PutObject' }))).toEqual({
      decision: 'ExplicitDeny',
      statement: { policy: 'policy1', sid: 'OnlyReads' },
    });
  });
});

describe('Resource and NotResource', () => {
  it('matches ARNs case-sensitively with * and ?', () => {
    expect(decide({ identity: [allow('s3:*', 'arn:aws:s3:::bucket/*')] })).toBe('Allow');
    expect(decide({ identity: [allow('s3:*', 'arn:aws:s3:::Bucket/*')] })).toBe('ImplicitDeny');
    expect(decide({ identity: [allow('s3:*', 'arn:aws:s3:::bucket/ke?')] })).toBe('Allow');
    expect(decide({ identity: [allow('s3:*', 'arn:aws:s3:::bucket/k?')] })).toBe('ImplicitDeny');
  });

  it('`*` alone matches everything, an action without a resource type too; an ARN pattern does not match `*`', () => {
    expect(decide({ identity: [allow('s3:ListAllMyBuckets', '*')] }, { action: 's3:ListAllMyBuckets', resource: '*' })).toBe('Allow');
    expect(decide({ identity: [allow('s3:ListAllMyBuckets', 'arn:aws:s3:::*')] }, { action: 's3:ListAllMyBuckets', resource: '*' })).toBe(
      'ImplicitDeny',
    );
  });

  it('matches ARN parts separately; the resource part keeps its colons; a shorter pattern covers the rest', () => {
    const queue = `arn:aws:sqs:us-east-1:${ACCOUNT}:etl-queue-a`;
    const sqs = (Resource: string, resource = queue) =>
      decide({ identity: [allow('sqs:*', Resource)] }, { action: 'sqs:SendMessage', resource });
    expect(sqs(`arn:aws:sqs:*:${ACCOUNT}:etl-queue-*`)).toBe('Allow');
    expect(sqs('arn:aws:sqs:*:111122223333:*')).toBe('ImplicitDeny');
    expect(sqs('arn:aws:sqs:*')).toBe('Allow');
    expect(sqs('arn:aws:sns:*')).toBe('ImplicitDeny');
    const stream = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/load:log-stream:2024/01/01`;
    expect(sqs(`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/*`, stream)).toBe('Allow');
  });

  it('NotResource: the documented Deny of all S3 but the Payroll folder', () => {
    const deny = policy({
      Effect: 'Deny',
      Action: 's3:*',
      NotResource: ['arn:aws:s3:::HRBucket/Payroll', 'arn:aws:s3:::HRBucket/Payroll/*'],
    });
    const everything = allow('s3:*');
    expect(decide({ identity: [everything, deny] }, { resource: 'arn:aws:s3:::HRBucket/Payroll/2024.csv' })).toBe('Allow');
    expect(decide({ identity: [everything, deny] }, { resource: 'arn:aws:s3:::HRBucket/Other/x' })).toBe('ExplicitDeny');
  });
});

describe('policy variables', () => {
  const home = allow('s3:GetObject', 'arn:aws:s3:::bucket/home/${aws:username}/*');

  it('substitutes ${aws:username} in Resource', () => {
    expect(decide({ identity: [home] }, { principal: alice, resource: 'arn:aws:s3:::bucket/home/alice/notes' })).toBe('Allow');
    expect(decide({ identity: [home] }, { principal: alice, resource: 'arn:aws:s3:::bucket/home/bob/notes' })).toBe('ImplicitDeny');
  });

  it('a variable without a value makes its resource match nothing, unless it has a default', () => {
    // a role session has no aws:username
    expect(decide({ identity: [home] }, { resource: 'arn:aws:s3:::bucket/home/${aws:username}/x' })).toBe('ImplicitDeny');
    expect(decide({ identity: [home] }, { resource: 'arn:aws:s3:::bucket/home//x' })).toBe('ImplicitDeny');
    const shared = allow('s3:GetObject', "arn:aws:s3:::bucket/home/${aws:username, 'shared'}/*");
    expect(decide({ identity: [shared] }, { resource: 'arn:aws:s3:::bucket/home/shared/x' })).toBe('Allow');
    expect(decide({ identity: [shared] }, { principal: alice, resource: 'arn:aws:s3:::bucket/home/alice/x' })).toBe('Allow');
    const deny = policy({ Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::bucket/home/${aws:username}/*' });
    expect(decide({ identity: [allow('s3:*'), deny] }, { resource: 'arn:aws:s3:::bucket/home/x' })).toBe('ExplicitDeny');
  });

  it('knows ${aws:userid}, ${aws:PrincipalAccount} and request keys such as ${s3:prefix}; names are case-insensitive', () => {
    const byId = allow('s3:GetObject', 'arn:aws:s3:::bucket/${aws:userid}/*');
    expect(decide({ identity: [byId] }, { resource: 'arn:aws:s3:::bucket/AROAEXAMPLEROLEID:session-1/x' })).toBe('Allow');
    const ownAccount = allow('sqs:*', 'arn:aws:sqs:us-east-1:${AWS:PrincipalAccount}:*');
    expect(decide({ identity: [ownAccount] }, { action: 'sqs:SendMessage', resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:q` })).toBe('Allow');
    expect(decide({ identity: [ownAccount] }, { action: 'sqs:SendMessage', resource: 'arn:aws:sqs:us-east-1:111122223333:q' })).toBe(
      'ImplicitDeny',
    );
    const prefixed = allow('s3:GetObject', 'arn:aws:s3:::bucket/${s3:prefix}*');
    expect(decide({ identity: [prefixed] }, { context: { 'S3:Prefix': 'in/' }, resource: 'arn:aws:s3:::bucket/in/a' })).toBe('Allow');
    expect(decide({ identity: [prefixed] }, { context: { 's3:prefix': ['in/', 'out/'] }, resource: 'arn:aws:s3:::bucket/in/a' })).toBe(
      'ImplicitDeny', // a multivalued key is no variable
    );
  });

  it('${*}, ${?} and ${$} stand for the literal characters', () => {
    const literal = allow('s3:GetObject', 'arn:aws:s3:::bucket/${*}${?}${$}');
    expect(decide({ identity: [literal] }, { resource: 'arn:aws:s3:::bucket/*?$' })).toBe('Allow');
    expect(decide({ identity: [literal] }, { resource: 'arn:aws:s3:::bucket/ab$' })).toBe('ImplicitDeny');
    expect(holds({ StringLike: { 's3:prefix': 'a${*}' } }, { 's3:prefix': 'a*' })).toBe(true);
    expect(holds({ StringLike: { 's3:prefix': 'a${*}' } }, { 's3:prefix': 'ab' })).toBe(false);
  });

  it('are literal text in a policy without Version 2012-10-17', () => {
    const old = policy(
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/${aws:username}' },
      'identity',
      '2008-10-17',
    );
    expect(decide({ identity: [old] }, { principal: alice, resource: 'arn:aws:s3:::bucket/alice' })).toBe('ImplicitDeny');
    expect(decide({ identity: [old] }, { principal: alice, resource: 'arn:aws:s3:::bucket/${aws:username}' })).toBe('Allow');
  });

  it('in conditions: positive operators do not match a variable without value, negated ones do', () => {
    // the documented Deny: access only when the object's Team tag is the principal's
    const deny = policy({
      Effect: 'Deny',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::bucket/*',
      Condition: { StringNotEquals: { 's3:ExistingObjectTag/Team': '${aws:PrincipalTag/Team}' } },
    });
    const both = { identity: [allow('s3:*'), deny] };
    expect(decide(both, { context: { 's3:ExistingObjectTag/Team': 'etl', 'aws:PrincipalTag/Team': 'etl' } })).toBe('Allow');
    expect(decide(both, { context: { 's3:ExistingObjectTag/Team': 'etl', 'aws:PrincipalTag/Team': 'web' } })).toBe('ExplicitDeny');
    expect(decide(both, { context: { 's3:ExistingObjectTag/Team': 'etl' } })).toBe('ExplicitDeny');
    expect(holds({ StringEquals: { 's3:prefix': '${aws:PrincipalTag/Team}' } }, { 's3:prefix': '' })).toBe(false);
  });
});

describe('condition operators', () => {
  it('StringEquals is exact and case-sensitive; IgnoreCase is not; * is no wildcard there', () => {
    expect(holds({ StringEquals: { 'aws:username': 'alice' } })).toBe(true);
    expect(holds({ StringEquals: { 'aws:username': 'Alice' } })).toBe(false);
    expect(holds({ StringEqualsIgnoreCase: { 'aws:username': 'ALICE' } })).toBe(true);
    expect(holds({ StringEquals: { 'aws:username': 'ali*' } })).toBe(false);
    expect(holds({ StringNotEquals: { 'aws:username': 'bob' } })).toBe(true);
    expect(holds({ StringNotEqualsIgnoreCase: { 'aws:username': 'ALICE' } })).toBe(false);
  });

  it('StringLike takes * and ? anywhere, case-sensitively; StringNotLike negates', () => {
    expect(holds({ StringLike: { 's3:prefix': 'home/*/docs/?' } }, { 's3:prefix': 'home/alice/docs/1' })).toBe(true);
    expect(holds({ StringLike: { 's3:prefix': 'home/*' } }, { 's3:prefix': 'Home/alice' })).toBe(false);
    expect(holds({ StringNotLike: { 's3:prefix': 'tmp/*' } }, { 's3:prefix': 'home/a' })).toBe(true);
    expect(holds({ StringNotLike: { 's3:prefix': 'tmp/*' } }, { 's3:prefix': 'tmp/a' })).toBe(false);
  });

  it('values of one key are OR-ed, NOR-ed for a negated operator; keys and operators are AND-ed', () => {
    expect(holds({ StringEquals: { 's3:x': ['a', 'b'] } }, { 's3:x': 'b' })).toBe(true);
    expect(holds({ StringNotEquals: { 's3:x': ['a', 'b'] } }, { 's3:x': 'b' })).toBe(false);
    expect(holds({ StringNotEquals: { 's3:x': ['a', 'b'] } }, { 's3:x': 'c' })).toBe(true);
    const two = { StringEquals: { 's3:x': 'a', 's3:y': 'b' } };
    expect(holds(two, { 's3:x': 'a', 's3:y': 'b' })).toBe(true);
    expect(holds(two, { 's3:x': 'a', 's3:y': 'c' })).toBe(false);
    const operators = { StringEquals: { 's3:x': 'a' }, NumericLessThan: { 's3:max-keys': '10' } };
    expect(holds(operators, { 's3:x': 'a', 's3:max-keys': '5' })).toBe(true);
    expect(holds(operators, { 's3:x': 'a', 's3:max-keys': '50' })).toBe(false);
  });

  it('key names are case-insensitive', () => {
    expect(holds({ IpAddress: { 'AWS:SourceIP': '203.0.113.0/24' } }, { 'aws:sourceip': '203.0.113.9' })).toBe(true);
    expect(holds({ StringEquals: { 'AWS:USERNAME': 'alice' } })).toBe(true);
  });

  it('an absent key: no match, a match for negated operators', () => {
    expect(holds({ StringEquals: { 'aws:PrincipalTag/team': 'etl' } })).toBe(false);
    expect(holds({ StringNotEquals: { 'aws:PrincipalTag/team': 'etl' } })).toBe(true);
    expect(holds({ StringNotLike: { 'aws:PrincipalTag/team': 'e*' } })).toBe(true);
    expect(holds({ ArnNotLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } })).toBe(true);
    expect(holds({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } })).toBe(true);
    expect(holds({ NumericLessThan: { 's3:max-keys': '10' } })).toBe(false);
    expect(holds({ Bool: { 'aws:MultiFactorAuthPresent': 'false' } })).toBe(false);
  });

  it('…IfExists holds on an absent key and checks a present one', () => {
    const types = { StringLikeIfExists: { 'ec2:InstanceType': ['t1.*', 't2.*', 'm3.*'] } };
    expect(holds(types)).toBe(true);
    expect(holds(types, { 'ec2:InstanceType': 't2.micro' })).toBe(true);
    expect(holds(types, { 'ec2:InstanceType': 'p4d.24xlarge' })).toBe(false);
    // a Deny with a negated …IfExists still denies when the key is missing
    const deny = policy({
      Effect: 'Deny',
      Action: 's3:*',
      Resource: '*',
      Condition: { StringNotEqualsIfExists: { 'aws:PrincipalTag/team': 'etl' } },
    });
    expect(decide({ identity: [allow('s3:*'), deny] })).toBe('ExplicitDeny');
    expect(decide({ identity: [allow('s3:*'), deny] }, { context: { 'aws:PrincipalTag/team': 'etl' } })).toBe('Allow');
  });

  it('Null tests whether a key is absent', () => {
    expect(holds({ Null: { 'aws:TokenIssueTime': 'true' } })).toBe(true);
    expect(holds({ Null: { 'aws:TokenIssueTime': true } }, { 'aws:TokenIssueTime': '2024-01-01T00:00:00Z' })).toBe(false);
    expect(holds({ Null: { 'aws:TokenIssueTime': 'false' } }, { 'aws:TokenIssueTime': '2024-01-01T00:00:00Z' })).toBe(true);
    expect(holds({ Null: { 'aws:username': 'false' } })).toBe(true); // derived from the IAM user
  });

  it('Numeric operators compare integers and decimals', () => {
    expect(holds({ NumericLessThanEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': '10' })).toBe(true);
    expect(holds({ NumericLessThanEquals: { 's3:max-keys': 10 } }, { 's3:max-keys': '11' })).toBe(false);
    expect(holds({ NumericGreaterThan: { 's3:x': '1.5' } }, { 's3:x': '1.75' })).toBe(true);
    expect(holds({ NumericEquals: { 's3:x': '2' } }, { 's3:x': '2.0' })).toBe(true);
    expect(holds({ NumericNotEquals: { 's3:x': '2' } }, { 's3:x': '3' })).toBe(true);
    expect(holds({ NumericGreaterThanEquals: { 's3:x': '2' } }, { 's3:x': 'two' })).toBe(false);
    expect(holds({ NumericLessThan: { 's3:x': '2' } }, { 's3:x': '' })).toBe(false);
  });

  it('Date operators take ISO 8601 or epoch seconds, on either side', () => {
    const issued = { DateGreaterThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:01Z' } };
    expect(holds(issued, { 'aws:TokenIssueTime': '2020-06-01T12:00:00Z' })).toBe(true);
    expect(holds(issued, { 'aws:TokenIssueTime': '2019-12-31T23:59:59Z' })).toBe(false);
    expect(holds({ DateLessThan: { 'aws:CurrentTime': '1577836801' } }, { 'aws:CurrentTime': '2020-01-01T00:00:00Z' })).toBe(true);
    expect(holds({ DateGreaterThanEquals: { 'aws:EpochTime': '2020-01-01T00:00:00Z' } }, { 'aws:EpochTime': '1577836800' })).toBe(true);
    expect(holds({ DateEquals: { 'aws:CurrentTime': '2020-01-01T01:00:00+01:00' } }, { 'aws:CurrentTime': '2020-01-01T00:00:00Z' })).toBe(
      true,
    );
    expect(holds({ DateNotEquals: { 'aws:CurrentTime': '2020-01-01' } }, { 'aws:CurrentTime': '2020-01-02' })).toBe(true);
    expect(holds({ DateLessThanEquals: { 'aws:CurrentTime': 'soon' } }, { 'aws:CurrentTime': '2020-01-02' })).toBe(false);
  });

  it('Bool takes "true"/"false" strings and JSON booleans', () => {
    expect(holds({ Bool: { 'aws:SecureTransport': 'false' } }, { 'aws:SecureTransport': 'false' })).toBe(true);
    expect(holds({ Bool: { 'aws:SecureTransport': false } }, { 'aws:SecureTransport': 'false' })).toBe(true);
    expect(holds({ Bool: { 'aws:SecureTransport': true } }, { 'aws:SecureTransport': 'false' })).toBe(false);
    expect(holds({ Bool: { 'aws:SecureTransport': 'TRUE' } }, { 'aws:SecureTransport': 'true' })).toBe(true);
  });

  it('BinaryEquals compares bytes of base-64 values', () => {
    const value = Buffer.from('BinaryValueInBase64').toString('base64');
    expect(value).toBe('QmluYXJ5VmFsdWVJbkJhc2U2NA==');
    expect(holds({ BinaryEquals: { 's3:key': value } }, { 's3:key': value })).toBe(true);
    expect(holds({ BinaryEquals: { 's3:key': value } }, { 's3:key': Buffer.from('other').toString('base64') })).toBe(false);
  });

  it('IpAddress and NotIpAddress take IPv4 and IPv6 CIDRs; a bare address is /32', () => {
    const ranges = { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:DB8:1234:5678::/64'] } };
    expect(holds(ranges, { 'aws:SourceIp': '203.0.113.77' })).toBe(true);
    expect(holds(ranges, { 'aws:SourceIp': '203.0.114.1' })).toBe(false);
    expect(holds(ranges, { 'aws:SourceIp': '2001:db8:1234:5678:abcd::1' })).toBe(true);
    expect(holds(ranges, { 'aws:SourceIp': '2001:db8:1234:5679::1' })).toBe(false);
    expect(holds({ IpAddress: { 'aws:SourceIp': '::ffff:203.0.113.0/120' } }, { 'aws:SourceIp': '::ffff:203.0.113.5' })).toBe(true);
    expect(holds({ IpAddress: { 'aws:SourceIp': '198.51.100.7' } }, { 'aws:SourceIp': '198.51.100.7' })).toBe(true);
    expect(holds({ IpAddress: { 'aws:SourceIp': '198.51.100.7' } }, { 'aws:SourceIp': '198.51.100.8' })).toBe(false);
    expect(holds({ IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, { 'aws:SourceIp': '::1' })).toBe(false);
    expect(holds({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': '10.1.2.3' })).toBe(false);
    expect(holds({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': '192.168.0.1' })).toBe(true);
  });

  it('ARN operators match part by part where StringLike matches across colons (the documented example)', () => {
    const pattern = 'arn:aws:someservice:*:111122223333:finance/*';
    const value = 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt';
    expect(holds({ StringLike: { 'aws:SourceArn': pattern } }, { 'aws:SourceArn': value })).toBe(true);
    expect(holds({ ArnLike: { 'aws:SourceArn': pattern } }, { 'aws:SourceArn': value })).toBe(false);
    expect(holds({ ArnEquals: { 'aws:SourceArn': pattern } }, { 'aws:SourceArn': value })).toBe(false);
    const own = 'arn:aws:someservice:us-east-2:111122223333:finance/q1.txt';
    expect(holds({ ArnEquals: { 'aws:SourceArn': pattern } }, { 'aws:SourceArn': own })).toBe(true);
    expect(holds({ ArnNotEquals: { 'aws:SourceArn': pattern } }, { 'aws:SourceArn': own })).toBe(false);
    expect(holds({ ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::Bucket' } }, { 'aws:SourceArn': 'arn:aws:s3:::bucket' })).toBe(false);
  });

  it('ForAllValues: every request value matches some policy value; true on an absent or empty key', () => {
    const onlyThese = { 'ForAllValues:StringLike': { 'dynamodb:requestedAttributes': ['PostDateTime', 'Message', 'Tags'] } };
    expect(holds(onlyThese, { 'dynamodb:requestedAttributes': ['PostDateTime', 'Message'] })).toBe(true);
    expect(holds(onlyThese, { 'dynamodb:requestedAttributes': ['PostDateTime', 'UserName'] })).toBe(false);
    expect(holds(onlyThese)).toBe(true);
    expect(holds(onlyThese, { 'dynamodb:requestedAttributes': [] })).toBe(true);
  });

  it('ForAnyValue: some request value matches some policy value; false on an absent or empty key', () => {
    const any = { 'ForAnyValue:StringLike': { 'dynamodb:requestedAttributes': ['ID', 'PostDateTime'] } };
    expect(holds(any, { 'dynamodb:requestedAttributes': ['UserName', 'Message', 'PostDateTime'] })).toBe(true);
    expect(holds(any, { 'dynamodb:requestedAttributes': ['UserName'] })).toBe(false);
    expect(holds(any)).toBe(false);
    expect(holds(any, { 'dynamodb:requestedAttributes': [] })).toBe(false);
    expect(holds({ 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': 'a' } })).toBe(true);
  });

  it('set operators with a negated operator: the documented ForAllValues:StringNotLike table', () => {
    const notKey1 = { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'key1*' } };
    expect(holds(notKey1, { 'aws:TagKeys': ['key1:legal'] })).toBe(false);
    expect(holds(notKey1, { 'aws:TagKeys': ['key1:hr', 'key1:personnel'] })).toBe(false);
    expect(holds(notKey1, { 'aws:TagKeys': ['key2:audit'] })).toBe(true);
    expect(holds(notKey1)).toBe(true);
    expect(holds({ 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['a', 'b'] } }, { 'aws:TagKeys': ['a', 'c'] })).toBe(true);
    expect(holds({ 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['a', 'b'] } }, { 'aws:TagKeys': ['a', 'b'] })).toBe(false);
  });

  it('a plain operator on a multivalued key matches when any value does', () => {
    expect(holds({ StringEquals: { 'aws:TagKeys': 'b' } }, { 'aws:TagKeys': ['a', 'b'] })).toBe(true);
    expect(holds({ StringNotEquals: { 'aws:TagKeys': 'b' } }, { 'aws:TagKeys': ['a', 'b'] })).toBe(false);
  });
});

describe('evaluate', () => {
  it('denies implicitly when nothing allows, and reports the allowing statement', () => {
    expect(evaluate(policySet({}), request())).toEqual({ decision: 'ImplicitDeny' });
    const reads = policy({ Sid: 'Reads', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });
    expect(evaluate(policySet({ identity: [allow('sqs:*'), reads] }), request())).toEqual({
      decision: 'Allow',
      statement: { policy: 'policy1', sid: 'Reads' },
    });
  });

  it('the documented carlossalazar example: an explicit Deny in any policy overrides an Allow', () => {
    const carlos: CallerPrincipal = { kind: 'user', arn: `arn:aws:iam::${ACCOUNT}:user/carlossalazar`, accountId: ACCOUNT };
    const identity = policy([
      { Sid: 'AllowS3ListRead', Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListAllMyBuckets'], Resource: 'arn:aws:s3:::*' },
      { Sid: 'AllowS3Self', Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::carlossalazar/*', 'arn:aws:s3:::carlossalazar'] },
      { Sid: 'DenyS3Logs', Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::*log*' },
    ]);
    const bucket = policy(
      {
        Effect: 'Allow',
        Principal: { AWS: carlos.arn },
        Action: 's3:*',
        Resource: ['arn:aws:s3:::carlossalazar/*', 'arn:aws:s3:::carlossalazar'],
      },
      'resource',
    );
    const put = (resource: string) =>
      evaluate(policySet({ identity: [identity], resource: bucket }), request({ principal: carlos, action: 's3:PutObject', resource }));
    expect(put('arn:aws:s3:::carlossalazar-logs/file')).toEqual({
      decision: 'ExplicitDeny',
      statement: { policy: 'policy0', sid: 'DenyS3Logs' },
    });
    expect(put('arn:aws:s3:::carlossalazar/file').decision).toBe('Allow');
  });

  it('a TLS-only bucket policy denies a request without TLS whatever identity policies allow', () => {
    const tlsOnly = policy(
      {
        Sid: 'TlsOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: ['arn:aws:s3:::bucket', 'arn:aws:s3:::bucket/*'],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      'resource',
    );
    const setup = { identity: [allow('s3:*')], resource: tlsOnly };
    expect(evaluate(policySet(setup), request({ context: { 'aws:SecureTransport': 'false' } }))).toEqual({
      decision: 'ExplicitDeny',
      statement: { policy: 'BucketPolicy', sid: 'TlsOnly' },
    });
    expect(decide(setup, { context: { 'aws:SecureTransport': 'true' } })).toBe('Allow');
    expect(decide({ resource: tlsOnly }, { context: { 'aws:SecureTransport': 'true' } })).toBe('ImplicitDeny'); // it allows nothing
  });

  it('the documented home-directory policy: ListBucket with s3:prefix StringLike home/${aws:username}/*', () => {
    const homes = policy([
      { Effect: 'Allow', Action: ['s3:ListAllMyBuckets', 's3:GetBucketLocation'], Resource: 'arn:aws:s3:::*' },
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::bucket',
        Condition: { StringLike: { 's3:prefix': ['', 'home/', 'home/${aws:username}/*'] } },
      },
      {
        Effect: 'Allow',
        Action: 's3:*',
        Resource: ['arn:aws:s3:::bucket/home/${aws:username}', 'arn:aws:s3:::bucket/home/${aws:username}/*'],
      },
    ]);
    const list = (prefix: string | undefined, principal = alice) =>
      decide(
        { identity: [homes] },
        { principal, action: 's3:ListBucket', resource: 'arn:aws:s3:::bucket', context: { 's3:prefix': prefix } },
      );
    expect(list('')).toBe('Allow');
    expect(list('home/')).toBe('Allow');
    expect(list('home/alice/2024/')).toBe('Allow');
    expect(list('home/bob/')).toBe('ImplicitDeny');
    expect(list(undefined)).toBe('ImplicitDeny');
    expect(list('home/alice/', session)).toBe('ImplicitDeny'); // no aws:username for a role session
    expect(
      decide({ identity: [homes] }, { principal: alice, action: 's3:PutObject', resource: 'arn:aws:s3:::bucket/home/alice/a.txt' }),
    ).toBe('Allow');
  });

  describe('a resource policy in the same account', () => {
    const granting = (AWS: string) =>
      policy({ Effect: 'Allow', Principal: { AWS }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' }, 'resource');

    it('naming the role, the session or the user grants by itself', () => {
      expect(decide({ resource: granting(ROLE_ARN) })).toBe('Allow');
      expect(decide({ resource: granting(SESSION_ARN) })).toBe('Allow');
      expect(decide({ resource: granting(alice.arn) }, { principal: alice })).toBe('Allow');
      expect(evaluate(policySet({ resource: granting(ROLE_ARN) }), request()).statement).toEqual({ policy: 'BucketPolicy' });
    });

    it('naming everyone grants by itself, to services too', () => {
      const everyone = policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }, 'resource');
      expect(decide({ resource: everyone })).toBe('Allow');
      expect(decide({ resource: granting('*') }, { principal: alice })).toBe('Allow');
      expect(decide({ resource: everyone }, { principal: s3Service })).toBe('Allow');
    });

    it('naming only the account defers to identity policies', () => {
      expect(decide({ resource: granting(ROOT_ARN) })).toBe('ImplicitDeny');
      expect(decide({ resource: granting(ACCOUNT) }, { principal: alice })).toBe('ImplicitDeny');
      expect(decide({ resource: granting(ROOT_ARN), identity: [allow('s3:GetObject')] })).toBe('Allow');
    });

    it('naming someone else grants nothing; a role ARN must be the role (path included)', () => {
      expect(decide({ resource: granting(`arn:aws:iam::${ACCOUNT}:role/other`) })).toBe('ImplicitDeny');
      expect(decide({ resource: granting(`arn:aws:iam::${ACCOUNT}:user/bob`) }, { principal: alice })).toBe('ImplicitDeny');
      const pathed: CallerPrincipal = { ...session, roleArn: `arn:aws:iam::${ACCOUNT}:role/etl/etl-load-dev-loadWorker` };
      expect(decide({ resource: granting(`arn:aws:iam::${ACCOUNT}:role/etl/etl-load-dev-loadWorker`) }, { principal: pathed })).toBe(
        'Allow',
      );
      expect(decide({ resource: granting(ROLE_ARN) }, { principal: pathed })).toBe('ImplicitDeny');
      const { roleArn: _, ...withoutRoleArn } = session;
      expect(decide({ resource: granting(ROLE_ARN) }, { principal: withoutRoleArn })).toBe('Allow'); // derived from the session ARN
    });

    it('a Deny naming the account applies to everyone in it', () => {
      const deny = policy({ Effect: 'Deny', Principal: { AWS: ACCOUNT }, Action: 's3:*', Resource: '*' }, 'resource');
      expect(decide({ resource: deny, identity: [allow('s3:*')] })).toBe('ExplicitDeny');
      expect(decide({ resource: deny }, { principal: root })).toBe('ExplicitDeny');
    });
  });

  describe('a session policy', () => {
    const onlyReads = policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });

    it('must also allow what identity policies allow', () => {
      expect(decide({ identity: [allow('s3:*')], session: onlyReads })).toBe('Allow');
      expect(decide({ identity: [allow('s3:*')], session: onlyReads }, { action: 's3:PutObject' })).toBe('ImplicitDeny');
      expect(decide({ identity: [], session: onlyReads })).toBe('ImplicitDeny');
      const deny = policy({ Effect: 'Deny', Action: 's3:GetObject', Resource: '*' });
      expect(evaluate(policySet({ identity: [allow('s3:*')], session: deny }), request())).toEqual({
        decision: 'ExplicitDeny',
        statement: { policy: 'SessionPolicy' },
      });
    });

    it('limits a resource policy naming the role, not one naming the session', () => {
      const toRole = policy({ Effect: 'Allow', Principal: { AWS: ROLE_ARN }, Action: 's3:*', Resource: '*' }, 'resource');
      const toSession = policy({ Effect: 'Allow', Principal: { AWS: SESSION_ARN }, Action: 's3:*', Resource: '*' }, 'resource');
      expect(decide({ resource: toRole, session: onlyReads }, { action: 's3:PutObject' })).toBe('ImplicitDeny');
      expect(decide({ resource: toRole, session: onlyReads })).toBe('Allow');
      expect(decide({ resource: toSession, session: onlyReads }, { action: 's3:PutObject' })).toBe('Allow');
    });
  });

  describe('a service principal', () => {
    const queue = `arn:aws:sqs:us-east-1:${ACCOUNT}:etl-raw-events`;
    const queuePolicy = policy(
      {
        Sid: 'S3Notifications',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queue,
        Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:*:*:etl-raw-*' }, StringEquals: { 'aws:SourceAccount': ACCOUNT } },
      },
      'resource',
    );
    const send = (setup: Setup, sourceArn: string, principal = s3Service) =>
      decide(setup, {
        principal,
        action: 'sqs:SendMessage',
        resource: queue,
        context: { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': ACCOUNT },
      });

    it('is allowed by a queue policy naming it, under its conditions', () => {
      expect(send({ resource: queuePolicy }, 'arn:aws:s3:::etl-raw-dev')).toBe('Allow');
      expect(send({ resource: queuePolicy }, 'arn:aws:s3:::someone-elses-bucket')).toBe('ImplicitDeny');
      expect(send({ resource: queuePolicy }, 'arn:aws:s3:::etl-raw-dev', { ...s3Service, arn: 'sns.amazonaws.com' })).toBe('ImplicitDeny');
    });

    it('has no identity policies: without a resource policy nothing allows it', () => {
      expect(send({ identity: [allow('*')] }, 'arn:aws:s3:::etl-raw-dev')).toBe('ImplicitDeny');
    });

    it('is not named by an AWS principal, only by Service or "*"', () => {
      const byAccount = policy({ Effect: 'Allow', Principal: { AWS: ROOT_ARN }, Action: 'sqs:SendMessage', Resource: queue }, 'resource');
      expect(send({ resource: byAccount }, 'arn:aws:s3:::etl-raw-dev')).toBe('ImplicitDeny');
      const anyone = policy(
        {
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 'sqs:SendMessage',
          Resource: queue,
          Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::etl-raw-*' } },
        },
        'resource',
      );
      expect(send({ resource: anyone }, 'arn:aws:s3:::etl-raw-dev')).toBe('Allow');
    });
  });

  it('the root user is allowed unless explicitly denied', () => {
    expect(decide({}, { principal: root })).toBe('Allow');
    expect(decide({ identity: [] }, { principal: root, context: {} })).toBe('Allow');
  });

  it('a Deny with NotPrincipal exempts only a caller named at every level: account, role and session', () => {
    const denyAllBut = (...AWS: string[]) => policy({ Effect: 'Deny', NotPrincipal: { AWS }, Action: 's3:*', Resource: '*' }, 'resource');
    const identity = [allow('s3:*')];
    expect(decide({ identity, resource: denyAllBut(ROLE_ARN) })).toBe('ExplicitDeny');
    expect(decide({ identity, resource: denyAllBut(ROLE_ARN, ROOT_ARN) })).toBe('ExplicitDeny');
    expect(decide({ identity, resource: denyAllBut(SESSION_ARN, ROLE_ARN, ROOT_ARN) })).toBe('Allow');
    expect(decide({ identity, resource: denyAllBut(alice.arn, ACCOUNT) }, { principal: alice })).toBe('Allow');
    expect(decide({ identity, resource: denyAllBut(alice.arn) }, { principal: alice })).toBe('ExplicitDeny');
  });

  it('an Allow with NotPrincipal grants everyone else', () => {
    const allButBob = policy(
      { Effect: 'Allow', NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:user/bob` }, Action: 's3:*', Resource: '*' },
      'resource',
    );
    expect(decide({ resource: allButBob })).toBe('Allow');
  });

  describe('keys derived from the principal', () => {
    it('aws:PrincipalArn of a role session is the role; aws:PrincipalType, aws:PrincipalAccount, aws:userid', () => {
      expect(holds({ ArnEquals: { 'aws:PrincipalArn': ROLE_ARN } }, {}, session)).toBe(true);
      expect(holds({ StringEquals: { 'aws:PrincipalType': 'AssumedRole', 'aws:PrincipalAccount': ACCOUNT } }, {}, session)).toBe(true);
      expect(holds({ StringEquals: { 'aws:userid': 'AROAEXAMPLEROLEID:session-1' } }, {}, session)).toBe(true);
      expect(holds({ Null: { 'aws:username': 'true' } }, {}, session)).toBe(true);
      expect(holds({ StringEquals: { 'aws:PrincipalType': 'User', 'aws:username': 'alice', 'aws:PrincipalArn': alice.arn } })).toBe(true);
      expect(holds({ StringEquals: { 'aws:PrincipalType': 'Account', 'aws:userid': ACCOUNT } }, {}, root)).toBe(true);
      expect(holds({ Bool: { 'aws:PrincipalIsAWSService': 'false' } })).toBe(true);
    });

    it('a key the request gives wins; one it gives as undefined is absent', () => {
      expect(holds({ StringEquals: { 'aws:username': 'bob' } }, { 'aws:username': 'bob' })).toBe(true);
      expect(holds({ Null: { 'aws:username': 'true' } }, { 'AWS:UserName': undefined })).toBe(true);
    });
  });
});

describe('principalMatches and notPrincipalExcludes', () => {
  it('a role session is named by "*", its account, its role and its own ARN', () => {
    for (const AWS of ['*', ROOT_ARN, ACCOUNT, ROLE_ARN, SESSION_ARN, [alice.arn, SESSION_ARN]])
      expect(principalMatches({ AWS }, session)).toBe(true);
    expect(principalMatches('*', session)).toBe(true);
    expect(principalMatches({ AWS: alice.arn }, session)).toBe(false);
    expect(principalMatches({ AWS: 'arn:aws:iam::111122223333:root' }, session)).toBe(false);
    expect(principalMatches({ Service: 's3.amazonaws.com' }, session)).toBe(false);
  });

  it('a service is named by "*" and its own service name only', () => {
    expect(principalMatches({ Service: ['lambda.amazonaws.com', 's3.amazonaws.com'] }, s3Service)).toBe(true);
    expect(principalMatches({ AWS: ROOT_ARN }, s3Service)).toBe(false);
    expect(principalMatches({ AWS: '*' }, s3Service)).toBe(true);
  });

  it('NotPrincipal must name every level of the caller', () => {
    expect(notPrincipalExcludes({ AWS: [SESSION_ARN, ROLE_ARN, ACCOUNT] }, session)).toBe(true);
    expect(notPrincipalExcludes({ AWS: [SESSION_ARN, ROLE_ARN] }, session)).toBe(false);
    expect(notPrincipalExcludes({ AWS: ROOT_ARN }, root)).toBe(true);
    expect(notPrincipalExcludes({ Service: 's3.amazonaws.com' }, s3Service)).toBe(true);
  });
});

describe('trustAllows', () => {
  const trust = (Principal: unknown, extra: Statement = {}) =>
    policy({ Effect: 'Allow', Principal, Action: 'sts:AssumeRole', ...extra }, 'trust');
  const assume = (document: PolicyDocument, principal: CallerPrincipal = alice, context: AuthorizationRequest['context'] = {}) =>
    trustAllows(document, { action: 'sts:AssumeRole', resource: ROLE_ARN, principal, context });

  it('allows a caller it names; sends one named by account to its identity policies; refuses the rest', () => {
    expect(assume(trust({ AWS: alice.arn }))).toBe('allow');
    expect(assume(trust({ AWS: ROOT_ARN }))).toBe('account');
    expect(assume(trust({ AWS: `arn:aws:iam::${ACCOUNT}:user/bob` }))).toBe('deny');
    expect(assume(trust({ Service: 'lambda.amazonaws.com' }), { ...s3Service, arn: 'lambda.amazonaws.com' })).toBe('allow');
    expect(assume(trust({ Service: 'lambda.amazonaws.com' }))).toBe('deny');
  });

  it('honours conditions and explicit denies', () => {
    const external = trust({ AWS: alice.arn }, { Condition: { StringEquals: { 'sts:ExternalId': 'x-1' } } });
    expect(assume(external, alice, { 'sts:ExternalId': 'x-1' })).toBe('allow');
    expect(assume(external)).toBe('deny');
    const denied = parsePolicy(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: ROOT_ARN }, Action: 'sts:AssumeRole' },
          { Effect: 'Deny', Principal: { AWS: alice.arn }, Action: 'sts:AssumeRole' },
        ],
      }),
      'trust',
    );
    expect(assume(denied)).toBe('deny');
  });
});

describe('properties', () => {
  // a small seeded generator: the same cases on every run
  let seed = 20240601;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const word = () => Array.from({ length: 1 + Math.floor(random() * 8) }, () => pick([...'abcAB/:-*?.'])).join('');

  it('a negated operator is the negation of its positive one when the key is present', () => {
    for (let run = 0; run < 300; run++) {
      const [value, actual] = [word(), pick([word(), word(), 'abc'])];
      const context = { 's3:x': actual };
      for (const [positive, negative] of [
        ['StringEquals', 'StringNotEquals'],
        ['StringLike', 'StringNotLike'],
        ['StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase'],
        ['ArnLike', 'ArnNotLike'],
      ] as const) {
        expect(holds({ [negative]: { 's3:x': value } }, context)).toBe(!holds({ [positive]: { 's3:x': value } }, context));
      }
    }
  });

  it('a string matches itself with StringEquals, and with StringLike once wildcards are escaped or stand in for characters', () => {
    for (let run = 0; run < 300; run++) {
      const actual = word();
      const escaped = actual.replace(/[*?$]/g, (char) => `\${${char}}`);
      const blurred = [...actual].map((char) => (random() < 0.3 ? '?' : random() < 0.1 ? '*' : char)).join('');
      const context = { 's3:x': actual };
      expect(holds({ StringEquals: { 's3:x': escaped } }, context)).toBe(true);
      expect(holds({ StringLike: { 's3:x': escaped } }, context)).toBe(true);
      expect(holds({ StringLike: { 's3:x': blurred.replace(/\$/g, '${$}') } }, context)).toBe(true);
    }
  });

  it('an address is in its own network at every prefix length', () => {
    for (let run = 0; run < 200; run++) {
      const octets = Array.from({ length: 4 }, () => Math.floor(random() * 256));
      const prefix = Math.floor(random() * 33);
      const bits = octets.reduce((value, octet) => value * 256 + octet, 0);
      const network = prefix === 0 ? 0 : bits - (bits % 2 ** (32 - prefix));
      const cidr = `${[24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join('.')}/${prefix}`;
      expect(holds({ IpAddress: { 'aws:SourceIp': cidr } }, { 'aws:SourceIp': octets.join('.') })).toBe(true);
    }
  });

  it('adding a Deny never turns a decision into Allow, and an applying Deny always wins', () => {
    const actions = ['s3:GetObject', 's3:PutObject', 'sqs:SendMessage', 'iam:CreateUser'];
    const patterns = ['s3:*', 's3:Get*', '*', 'sqs:Send*', 'iam:*', 's3:?utObject'];
    for (let run = 0; run < 200; run++) {
      const identity = [allow(pick(patterns)), allow(pick(patterns))];
      const deny = policy({ Effect: 'Deny', Action: pick(patterns), Resource: '*' });
      const action = pick(actions);
      const before = decide({ identity }, { action });
      const after = decide({ identity: [...identity, deny] }, { action });
      if (before !== 'Allow') expect(after).not.toBe('Allow');
      if (decide({ identity: [deny, allow('*')] }, { action }) === 'Allow') expect(after).toBe(before);
      else expect(after).toBe('ExplicitDeny');
    }
  });
});
