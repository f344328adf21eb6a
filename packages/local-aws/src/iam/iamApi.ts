import { numbered } from '../common/queryParams';
import type { QueryTree } from '../common/queryParams';
import type { XmlNode } from '../common/xml';
import { LOCAL_ACCOUNT_ID } from '../localAccount';
import { iamErrors } from './iamErrors';
import type { AccessKey, IamStore, ManagedPolicy, Role, Tag, User } from './iamStore';

/** One IAM action: what it authorises (resource ARN) and what it does (returns the `<…Result>` content, if any). */
export interface IamOperation {
  resource: (input: QueryTree, store: IamStore) => string;
  run: (input: QueryTree, store: IamStore) => Promise<XmlNode | undefined> | XmlNode | undefined;
}

/** IAM writes times as ISO 8601 without milliseconds. */
export const isoSeconds = (time: number) => new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** IAM returns policy documents URL-encoded (botocore decodes them; the JS SDK leaves them so). */
const encodedDocument = (text: string) => encodeURIComponent(text);

const text = (input: QueryTree, name: string): string | undefined => {
  const value = input[name];
  return typeof value === 'string' ? value : undefined;
};
const required = (input: QueryTree, name: string): string => {
  const value = text(input, name);
  if (value === undefined || value === '') throw iamErrors.missingParameter(name);
  return value;
};
const tagsOf = (input: QueryTree): Tag[] =>
  numbered((input.Tags as QueryTree | undefined)?.member).map((tag) => {
    const { Key, Value } = tag as QueryTree;
    return { Key: String(Key ?? ''), Value: String(Value ?? '') };
  });
const tagsXml = (tags: Tag[]) => (tags.length > 0 ? { member: tags.map((t) => ({ Key: t.Key, Value: t.Value })) } : undefined);

const roleArn = (name: string) => `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${name}`;
const userArn = (name: string) => `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/${name}`;
const roleResource = (input: QueryTree, store: IamStore) =>
  store.roles.get(text(input, 'RoleName') ?? '')?.arn ?? roleArn(text(input, 'RoleName') ?? '');
const userResource = (input: QueryTree, store: IamStore) =>
  store.users.get(text(input, 'UserName') ?? '')?.arn ?? userArn(text(input, 'UserName') ?? '');
const policyResource = (input: QueryTree) => text(input, 'PolicyArn') ?? '*';
const anyResource = () => '*';

export function roleXml(role: Role): XmlNode {
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.id,
    Arn: role.arn,
    CreateDate: isoSeconds(role.created),
    AssumeRolePolicyDocument: encodedDocument(role.trustPolicy),
    Description: role.description,
    MaxSessionDuration: role.maxSessionDuration,
    Tags: tagsXml(role.tags),
  };
}

function userXml(user: User): XmlNode {
  return {
    Path: user.path,
    UserName: user.name,
    UserId: user.id,
    Arn: user.arn,
    CreateDate: isoSeconds(user.created),
    Tags: tagsXml(user.tags),
  };
}

function policyXml(store: IamStore, policy: ManagedPolicy): XmlNode {
  return {
    PolicyName: policy.name,
    PolicyId: policy.id,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: 'v1',
    AttachmentCount: store.attachmentCount(policy.arn),
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    Description: policy.description,
    CreateDate: isoSeconds(policy.created),
    UpdateDate: isoSeconds(policy.updated),
    Tags: tagsXml(policy.tags),
  };
}

function accessKeyXml(key: AccessKey, withSecret: boolean): XmlNode {
  return {
    UserName: key.userName,
    AccessKeyId: key.id,
    Status: key.status,
    SecretAccessKey: withSecret ? key.secret : undefined,
    CreateDate: isoSeconds(key.created),
  };
}

/** A list page as IAM answers it; the local account is small enough for one page. */
const page = (name: string, members: XmlNode[]): XmlNode => ({ [name]: { member: members }, IsTruncated: false });

/** Inline and attached policies work the same way for a role and a user. */
function holderOperations(kind: 'role' | 'user'): Record<string, IamOperation> {
  const Kind = kind === 'role' ? 'Role' : 'User';
  const nameParameter = `${Kind}Name`;
  const resource = kind === 'role' ? roleResource : userResource;
  const name = (input: QueryTree) => required(input, nameParameter);
  const holder = (input: QueryTree, store: IamStore) => (kind === 'role' ? store.role(name(input)) : store.user(name(input)));
  return {
    [`Put${Kind}Policy`]: {
      resource,
      run: async (input, store) => {
        await store.putInlinePolicy(kind, name(input), required(input, 'PolicyName'), required(input, 'PolicyDocument'));
        return undefined;
      },
    },
    [`Get${Kind}Policy`]: {
      resource,
      run: (input, store) => {
        const policyName = required(input, 'PolicyName');
        return {
          [nameParameter]: name(input),
          PolicyName: policyName,
          PolicyDocument: encodedDocument(store.inlinePolicy(kind, name(input), policyName)),
        };
      },
    },
    [`List${Kind}Policies`]: {
      resource,
      run: (input, store) => ({ PolicyNames: { member: Object.keys(holder(input, store).inline) }, IsTruncated: false }),
    },
    [`Delete${Kind}Policy`]: {
      resource,
      run: async (input, store) => {
        await store.deleteInlinePolicy(kind, name(input), required(input, 'PolicyName'));
        return undefined;
      },
    },
    [`Attach${Kind}Policy`]: {
      resource,
      run: async (input, store) => {
        await store.attachPolicy(kind, name(input), required(input, 'PolicyArn'));
        return undefined;
      },
    },
    [`Detach${Kind}Policy`]: {
      resource,
      run: async (input, store) => {
        await store.detachPolicy(kind, name(input), required(input, 'PolicyArn'));
        return undefined;
      },
    },
    [`ListAttached${Kind}Policies`]: {
      resource,
      run: (input, store) =>
        page(
          'AttachedPolicies',
          holder(input, store).attached.map((arn) => ({
            PolicyName: store.policies.get(arn)?.name ?? arn.split('/').pop()!,
            PolicyArn: arn,
          })),
        ),
    },
  };
}

/** The IAM actions the local stack answers, by name (the query protocol's `Action`). */
export const IAM_OPERATIONS: Record<string, IamOperation> = {
  CreateRole: {
    resource: (input) => `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role${text(input, 'Path') ?? '/'}${text(input, 'RoleName') ?? ''}`,
    run: async (input, store) => {
      const maxSessionDuration = text(input, 'MaxSessionDuration');
      const role = await store.createRole({
        name: required(input, 'RoleName'),
        path: text(input, 'Path'),
        trustPolicy: required(input, 'AssumeRolePolicyDocument'),
        description: text(input, 'Description'),
        maxSessionDuration: maxSessionDuration === undefined ? undefined : Number(maxSessionDuration),
        tags: tagsOf(input),
      });
      return { Role: roleXml(role) };
    },
  },
  GetRole: { resource: roleResource, run: (input, store) => ({ Role: roleXml(store.role(required(input, 'RoleName'))) }) },
  ListRoles: {
    resource: anyResource,
    run: (input, store) => {
      const prefix = text(input, 'PathPrefix') ?? '/';
      return page('Roles', [...store.roles.values()].filter((role) => role.path.startsWith(prefix)).map(roleXml));
    },
  },
  DeleteRole: {
    resource: roleResource,
    run: async (input, store) => {
      await store.deleteRole(required(input, 'RoleName'));
      return undefined;
    },
  },
  UpdateAssumeRolePolicy: {
    resource: roleResource,
    run: async (input, store) => {
      await store.updateRole(required(input, 'RoleName'), { trustPolicy: required(input, 'PolicyDocument') });
      return undefined;
    },
  },
  UpdateRole: {
    resource: roleResource,
    run: async (input, store) => {
      const duration = text(input, 'MaxSessionDuration');
      await store.updateRole(required(input, 'RoleName'), {
        description: text(input, 'Description'),
        maxSessionDuration: duration === undefined ? undefined : Number(duration),
      });
      return {};
    },
  },
  TagRole: {
    resource: roleResource,
    run: async (input, store) => {
      const role = store.role(required(input, 'RoleName'));
      const added = tagsOf(input);
      await store.updateRole(role.name, { tags: [...role.tags.filter((t) => !added.some((a) => a.Key === t.Key)), ...added] });
      return undefined;
    },
  },
  ListRoleTags: {
    resource: roleResource,
    run: (input, store) => ({ Tags: tagsXml(store.role(required(input, 'RoleName')).tags) ?? '', IsTruncated: false }),
  },
  ...holderOperations('role'),

  CreateUser: {
    resource: (input) => `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user${text(input, 'Path') ?? '/'}${text(input, 'UserName') ?? ''}`,
    run: async (input, store) => ({
      User: userXml(await store.createUser({ name: required(input, 'UserName'), path: text(input, 'Path'), tags: tagsOf(input) })),
    }),
  },
  GetUser: { resource: userResource, run: (input, store) => ({ User: userXml(store.user(required(input, 'UserName'))) }) },
  ListUsers: { resource: anyResource, run: (_input, store) => page('Users', [...store.users.values()].map(userXml)) },
  DeleteUser: {
    resource: userResource,
    run: async (input, store) => {
      await store.deleteUser(required(input, 'UserName'));
      return undefined;
    },
  },
  ...holderOperations('user'),
  CreateAccessKey: {
    resource: userResource,
    run: async (input, store) => ({ AccessKey: accessKeyXml(await store.createAccessKey(required(input, 'UserName')), true) }),
  },
  ListAccessKeys: {
    resource: userResource,
    run: (input, store) =>
      page(
        'AccessKeyMetadata',
        store.accessKeys(required(input, 'UserName')).map((key) => accessKeyXml(key, false)),
      ),
  },
  UpdateAccessKey: {
    resource: userResource,
    run: async (input, store) => {
      const status = required(input, 'Status');
      if (status !== 'Active' && status !== 'Inactive') throw iamErrors.validation(`Status must be Active or Inactive, got ${status}`);
      await store.updateAccessKey(required(input, 'UserName'), required(input, 'AccessKeyId'), status);
      return undefined;
    },
  },
  DeleteAccessKey: {
    resource: userResource,
    run: async (input, store) => {
      await store.deleteAccessKey(required(input, 'UserName'), required(input, 'AccessKeyId'));
      return undefined;
    },
  },

  CreatePolicy: {
    resource: (input) => `arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy${text(input, 'Path') ?? '/'}${text(input, 'PolicyName') ?? ''}`,
    run: async (input, store) => {
      const policy = await store.createPolicy({
        name: required(input, 'PolicyName'),
        path: text(input, 'Path'),
        document: required(input, 'PolicyDocument'),
        description: text(input, 'Description'),
        tags: tagsOf(input),
      });
      return { Policy: policyXml(store, policy) };
    },
  },
  GetPolicy: {
    resource: policyResource,
    run: (input, store) => ({ Policy: policyXml(store, store.policy(required(input, 'PolicyArn'))) }),
  },
  GetPolicyVersion: {
    resource: policyResource,
    run: (input, store) => {
      const policy = store.policy(required(input, 'PolicyArn'));
      const version = required(input, 'VersionId');
      if (version !== 'v1') throw iamErrors.noSuchEntity(`Policy ${policy.arn} version ${version} does not exist or is not attachable.`);
      return {
        PolicyVersion: {
          Document: encodedDocument(policy.document),
          VersionId: 'v1',
          IsDefaultVersion: true,
          CreateDate: isoSeconds(policy.created),
        },
      };
    },
  },
  ListPolicies: {
    resource: anyResource,
    run: (input, store) => {
      // AWS managed policies are not held locally: Scope=AWS lists none
      const scope = text(input, 'Scope') ?? 'All';
      const onlyAttached = text(input, 'OnlyAttached') === 'true';
      const policies = scope === 'AWS' ? [] : [...store.policies.values()].filter((p) => !onlyAttached || store.attachmentCount(p.arn) > 0);
      return page(
        'Policies',
        policies.map((policy) => policyXml(store, policy)),
      );
    },
  },
  DeletePolicy: {
    resource: policyResource,
    run: async (input, store) => {
      await store.deletePolicy(required(input, 'PolicyArn'));
      return undefined;
    },
  },
};
