import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Journal } from '../common/journal';
import { LOCAL_ACCOUNT_ID } from '../localAccount';
import { iamErrors } from './iamErrors';
import { parsePolicy } from './policyEvaluation';
import type { CallerPrincipal, PolicyDocument, PolicySet } from './policyEvaluation';

export interface Tag {
  Key: string;
  Value: string;
}

/** What a role, a user and a managed policy share: IAM's name, path, unique id, ARN and creation time. */
interface Entity {
  name: string;
  path: string;
  id: string;
  arn: string;
  created: number;
  tags: Tag[];
}

/** Policies a role or user holds: inline documents by name, and the managed policies attached (by ARN). */
interface PolicyHolder {
  inline: Record<string, string>;
  attached: string[];
}

export interface Role extends Entity, PolicyHolder {
  trustPolicy: string;
  description?: string;
  maxSessionDuration: number;
}

export interface User extends Entity, PolicyHolder {}

export interface ManagedPolicy extends Entity {
  description?: string;
  document: string;
  updated: number;
}

export interface AccessKey {
  id: string;
  secret: string;
  userName: string;
  status: 'Active' | 'Inactive';
  created: number;
}

/** Temporary credentials an `sts:AssumeRole` issued. */
export interface RoleSession {
  id: string;
  secret: string;
  token: string;
  roleName: string;
  sessionName: string;
  expires: number;
  /** the AssumeRole `Policy` parameter: the session may do only what this and the role's policies both allow */
  sessionPolicy?: string;
}

type IamRecord =
  | { t: 'role'; role: Role }
  | { t: 'role-gone'; name: string }
  | { t: 'user'; user: User }
  | { t: 'user-gone'; name: string }
  | { t: 'policy'; policy: ManagedPolicy }
  | { t: 'policy-gone'; arn: string }
  | { t: 'key'; key: AccessKey }
  | { t: 'key-gone'; id: string }
  | { t: 'session'; session: RoleSession };

/** Who a key the stack issued belongs to: the principal, its secret, and (for a role session) its token. */
export interface IssuedIdentity {
  principal: CallerPrincipal;
  secret: string;
  /** a role session's token: requests must carry it as x-amz-security-token */
  sessionToken?: string;
  expires?: number;
  active: boolean;
}

const NAME = /^[\w+=,.@-]+$/;
const IAM_PATH = /^\/([\u0021-\u007E]*\/)?$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** IAM's unique ids and access key ids: a four-letter prefix (AROA, AIDA, ANPA, AKIA, ASIA) and upper-case base32. */
export function iamId(prefix: string, length = 21): string {
  const bytes = randomBytes(length - prefix.length);
  return prefix + [...bytes].map((b) => ALPHABET[b % 32]).join('');
}

function secretKey(): string {
  return randomBytes(30).toString('base64');
}

export function checkName(kind: string, value: unknown, max: number): string {
  if (typeof value !== 'string' || value === '') throw iamErrors.missingParameter(kind);
  if (value.length > max || !NAME.test(value))
    throw iamErrors.validation(
      `1 validation error detected: Value '${value}' at '${kind.charAt(0).toLowerCase()}${kind.slice(1)}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+ and have length less than or equal to ${max}`,
    );
  return value;
}

export function checkPath(value: unknown): string {
  const pathValue = value === undefined ? '/' : String(value);
  if (pathValue.length > 512 || !IAM_PATH.test(pathValue))
    throw iamErrors.validation(
      `The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.`,
    );
  return pathValue;
}

/**
 * The local account's IAM: roles, users, managed policies, access keys and role sessions,
 * journalled so a restart keeps them (and the credentials already handed to functions).
 */
export class IamStore {
  readonly roles = new Map<string, Role>();
  readonly users = new Map<string, User>();
  readonly policies = new Map<string, ManagedPolicy>();
  private readonly keys = new Map<string, AccessKey>();
  private readonly sessions = new Map<string, RoleSession>();
  /** parsed policy documents by their text: policies are parsed once, not on every request */
  private readonly parsed = new Map<string, PolicyDocument>();
  private journal!: Journal<IamRecord>;

  static async open(dir: string): Promise<IamStore> {
    const store = new IamStore();
    store.journal = await Journal.open<IamRecord>(path.join(dir, 'journal.jsonl'), (record) => store.apply(record));
    await store.journal.compact(store.snapshot());
    return store;
  }

  close(): Promise<void> {
    return this.journal.close();
  }

  private apply(record: IamRecord): void {
    switch (record.t) {
      case 'role':
        this.roles.set(record.role.name, record.role);
        break;
      case 'role-gone':
        this.roles.delete(record.name);
        break;
      case 'user':
        this.users.set(record.user.name, record.user);
        break;
      case 'user-gone':
        this.users.delete(record.name);
        break;
      case 'policy':
        this.policies.set(record.policy.arn, record.policy);
        break;
      case 'policy-gone':
        this.policies.delete(record.arn);
        break;
      case 'key':
        this.keys.set(record.key.id, record.key);
        break;
      case 'key-gone':
        this.keys.delete(record.id);
        break;
      case 'session':
        this.sessions.set(record.session.id, record.session);
        break;
    }
  }

  private snapshot(): IamRecord[] {
    const now = Date.now();
    return [
      ...[...this.policies.values()].map((policy): IamRecord => ({ t: 'policy', policy })),
      ...[...this.roles.values()].map((role): IamRecord => ({ t: 'role', role })),
      ...[...this.users.values()].map((user): IamRecord => ({ t: 'user', user })),
      ...[...this.keys.values()].map((key): IamRecord => ({ t: 'key', key })),
      // expired sessions are forgotten at the next start: their keys then count as never issued
      ...[...this.sessions.values()].filter((s) => s.expires > now).map((session): IamRecord => ({ t: 'session', session })),
    ];
  }

  private commit(record: IamRecord): Promise<void> {
    this.apply(record);
    return this.journal.append(record);
  }

  /** A policy document as IAM checks it when it is put (MalformedPolicyDocument otherwise), kept parsed. */
  document(text: string, kind: 'identity' | 'resource' | 'trust'): PolicyDocument {
    const cached = this.parsed.get(text);
    if (cached) return cached;
    let document: PolicyDocument;
    try {
      document = parsePolicy(text, kind);
    } catch (error) {
      throw iamErrors.malformedPolicy((error as Error).message);
    }
    if (this.parsed.size > 10_000) this.parsed.clear();
    this.parsed.set(text, document);
    return document;
  }

  // ---- roles

  role(name: string): Role {
    const role = this.roles.get(name);
    if (!role) throw iamErrors.noSuchEntity(`The role with name ${name} cannot be found.`);
    return role;
  }

  async createRole(input: {
    name: string;
    path?: string;
    trustPolicy: string;
    description?: string;
    maxSessionDuration?: number;
    tags?: Tag[];
  }): Promise<Role> {
    const name = checkName('RoleName', input.name, 64);
    const rolePath = checkPath(input.path);
    this.document(input.trustPolicy, 'trust');
    const maxSessionDuration = input.maxSessionDuration ?? 3600;
    if (!Number.isInteger(maxSessionDuration) || maxSessionDuration < 3600 || maxSessionDuration > 43_200)
      throw iamErrors.validation(
        `1 validation error detected: Value '${maxSessionDuration}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200`,
      );
    if ([...this.roles.keys()].some((existing) => existing.toLowerCase() === name.toLowerCase()))
      throw iamErrors.alreadyExists(`Role with name ${name} already exists.`);
    const role: Role = {
      name,
      path: rolePath,
      id: iamId('AROA'),
      arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role${rolePath}${name}`,
      created: Date.now(),
      tags: input.tags ?? [],
      trustPolicy: input.trustPolicy,
      description: input.description,
      maxSessionDuration,
      inline: {},
      attached: [],
    };
    await this.commit({ t: 'role', role });
    return role;
  }

  async updateRole(name: string, change: Partial<Pick<Role, 'trustPolicy' | 'description' | 'maxSessionDuration' | 'tags'>>) {
    const role = this.role(name);
    if (change.trustPolicy !== undefined) this.document(change.trustPolicy, 'trust');
    await this.commit({ t: 'role', role: { ...role, ...change } });
  }

  async deleteRole(name: string): Promise<void> {
    const role = this.role(name);
    if (Object.keys(role.inline).length > 0 || role.attached.length > 0)
      throw iamErrors.deleteConflict('Cannot delete entity, must detach all policies first.');
    await this.commit({ t: 'role-gone', name });
  }

  // ---- users and access keys

  user(name: string): User {
    const user = this.users.get(name);
    if (!user) throw iamErrors.noSuchEntity(`The user with name ${name} cannot be found.`);
    return user;
  }

  async createUser(input: { name: string; path?: string; tags?: Tag[] }): Promise<User> {
    const name = checkName('UserName', input.name, 64);
    const userPath = checkPath(input.path);
    if ([...this.users.keys()].some((existing) => existing.toLowerCase() === name.toLowerCase()))
      throw iamErrors.alreadyExists(`User with name ${name} already exists.`);
    const user: User = {
      name,
      path: userPath,
      id: iamId('AIDA'),
      arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user${userPath}${name}`,
      created: Date.now(),
      tags: input.tags ?? [],
      inline: {},
      attached: [],
    };
    await this.commit({ t: 'user', user });
    return user;
  }

  async deleteUser(name: string): Promise<void> {
    const user = this.user(name);
    if (Object.keys(user.inline).length > 0 || user.attached.length > 0 || this.accessKeys(name).length > 0)
      throw iamErrors.deleteConflict('Cannot delete entity, must delete access keys and detach all policies first.');
    await this.commit({ t: 'user-gone', name });
  }

  accessKeys(userName: string): AccessKey[] {
    return [...this.keys.values()].filter((key) => key.userName === userName);
  }

  async createAccessKey(userName: string): Promise<AccessKey> {
    this.user(userName);
    if (this.accessKeys(userName).length >= 2) throw iamErrors.limitExceeded('Cannot exceed quota for AccessKeysPerUser: 2');
    const key: AccessKey = { id: iamId('AKIA', 20), secret: secretKey(), userName, status: 'Active', created: Date.now() };
    await this.commit({ t: 'key', key });
    return key;
  }

  async updateAccessKey(userName: string, id: string, status: 'Active' | 'Inactive'): Promise<void> {
    const key = this.keys.get(id);
    if (!key || key.userName !== userName) throw iamErrors.noSuchEntity(`The Access Key with id ${id} cannot be found.`);
    await this.commit({ t: 'key', key: { ...key, status } });
  }

  async deleteAccessKey(userName: string, id: string): Promise<void> {
    const key = this.keys.get(id);
    if (!key || key.userName !== userName) throw iamErrors.noSuchEntity(`The Access Key with id ${id} cannot be found.`);
    await this.commit({ t: 'key-gone', id });
  }

  // ---- policies held by a role or a user

  private holder(kind: 'role' | 'user', name: string): Role | User {
    return kind === 'role' ? this.role(name) : this.user(name);
  }

  private saveHolder(kind: 'role' | 'user', holder: Role | User): Promise<void> {
    return kind === 'role' ? this.commit({ t: 'role', role: holder as Role }) : this.commit({ t: 'user', user: holder as User });
  }

  async putInlinePolicy(kind: 'role' | 'user', name: string, policyName: string, document: string): Promise<void> {
    const holder = this.holder(kind, name);
    checkName('PolicyName', policyName, 128);
    this.document(document, 'identity');
    await this.saveHolder(kind, { ...holder, inline: { ...holder.inline, [policyName]: document } });
  }

  inlinePolicy(kind: 'role' | 'user', name: string, policyName: string): string {
    const document = this.holder(kind, name).inline[policyName];
    if (document === undefined) throw iamErrors.noSuchEntity(`The ${kind} policy with name ${policyName} cannot be found.`);
    return document;
  }

  async deleteInlinePolicy(kind: 'role' | 'user', name: string, policyName: string): Promise<void> {
    const holder = this.holder(kind, name);
    this.inlinePolicy(kind, name, policyName);
    const { [policyName]: _gone, ...inline } = holder.inline;
    await this.saveHolder(kind, { ...holder, inline });
  }

  async attachPolicy(kind: 'role' | 'user', name: string, policyArn: string): Promise<void> {
    const holder = this.holder(kind, name);
    this.policy(policyArn);
    if (holder.attached.includes(policyArn)) return;
    if (holder.attached.length >= 20) throw iamErrors.limitExceeded(`Cannot exceed quota for PoliciesPerRole: 20`);
    await this.saveHolder(kind, { ...holder, attached: [...holder.attached, policyArn] });
  }

  async detachPolicy(kind: 'role' | 'user', name: string, policyArn: string): Promise<void> {
    const holder = this.holder(kind, name);
    if (!holder.attached.includes(policyArn)) throw iamErrors.noSuchEntity(`Policy ${policyArn} was not found.`);
    await this.saveHolder(kind, { ...holder, attached: holder.attached.filter((arn) => arn !== policyArn) });
  }

  // ---- managed policies

  policy(arn: string): ManagedPolicy {
    const policy = this.policies.get(arn);
    if (!policy) throw iamErrors.noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
    return policy;
  }

  attachmentCount(arn: string): number {
    return [...this.roles.values(), ...this.users.values()].filter((holder) => holder.attached.includes(arn)).length;
  }

  async createPolicy(input: { name: string; path?: string; document: string; description?: string; tags?: Tag[] }): Promise<ManagedPolicy> {
    const name = checkName('PolicyName', input.name, 128);
    const policyPath = checkPath(input.path);
    this.document(input.document, 'identity');
    const arn = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy${policyPath}${name}`;
    if (this.policies.has(arn)) throw iamErrors.alreadyExists(`A policy called ${name} already exists. Duplicate names are not allowed.`);
    const now = Date.now();
    const policy: ManagedPolicy = {
      name,
      path: policyPath,
      id: iamId('ANPA'),
      arn,
      created: now,
      updated: now,
      tags: input.tags ?? [],
      document: input.document,
      description: input.description,
    };
    await this.commit({ t: 'policy', policy });
    return policy;
  }

  async deletePolicy(arn: string): Promise<void> {
    this.policy(arn);
    if (this.attachmentCount(arn) > 0) throw iamErrors.deleteConflict('Cannot delete a policy attached to entities.');
    await this.commit({ t: 'policy-gone', arn });
  }

  // ---- sessions and the identities behind keys

  async createSession(role: Role, sessionName: string, durationSeconds: number, sessionPolicy?: string): Promise<RoleSession> {
    if (sessionPolicy !== undefined) this.document(sessionPolicy, 'identity');
    const session: RoleSession = {
      id: iamId('ASIA', 20),
      secret: secretKey(),
      // opaque, as AWS's is; long enough that nobody mistakes it for a key
      token: randomBytes(96).toString('base64'),
      roleName: role.name,
      sessionName,
      expires: Date.now() + durationSeconds * 1000,
      sessionPolicy,
    };
    await this.commit({ t: 'session', session });
    return session;
  }

  /** The identity behind an access key id the stack issued; undefined for any other key. */
  identity(accessKeyId: string): IssuedIdentity | undefined {
    const session = this.sessions.get(accessKeyId);
    if (session) {
      const role = this.roles.get(session.roleName);
      return {
        principal: {
          kind: 'assumed-role',
          arn: `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/${session.roleName}/${session.sessionName}`,
          roleArn: role?.arn ?? `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${session.roleName}`,
          accountId: LOCAL_ACCOUNT_ID,
          userId: `${role?.id ?? 'AROA-DELETED'}:${session.sessionName}`,
        },
        secret: session.secret,
        sessionToken: session.token,
        expires: session.expires,
        // a session of a role deleted since is refused, as AWS refuses it
        active: role !== undefined,
      };
    }
    const key = this.keys.get(accessKeyId);
    if (!key) return undefined;
    const user = this.users.get(key.userName);
    return {
      principal: {
        kind: 'user',
        arn: user?.arn ?? `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/${key.userName}`,
        accountId: LOCAL_ACCOUNT_ID,
        userId: user?.id,
        userName: key.userName,
      },
      secret: key.secret,
      active: key.status === 'Active' && user !== undefined,
    };
  }

  /** The identity-based policies of an issued identity, and its session policy. */
  policySet(accessKeyId: string): Omit<PolicySet, 'resource'> {
    const session = this.sessions.get(accessKeyId);
    const holder: Role | User | undefined = session
      ? this.roles.get(session.roleName)
      : this.users.get(this.keys.get(accessKeyId)?.userName ?? '');
    if (!holder) return { identity: [] };
    return {
      identity: [
        ...Object.entries(holder.inline).map(([name, text]) => ({ name, document: this.document(text, 'identity') })),
        ...holder.attached.flatMap((arn) => {
          const policy = this.policies.get(arn);
          return policy ? [{ name: policy.name, document: this.document(policy.document, 'identity') }] : [];
        }),
      ],
      session: session?.sessionPolicy === undefined ? undefined : this.document(session.sessionPolicy, 'identity'),
    };
  }
}
