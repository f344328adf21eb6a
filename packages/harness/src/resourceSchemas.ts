import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import type { Property, PropertyType, SpecDatabase } from '@aws-cdk/service-spec-types';

/**
 * Checks a packaged template's resources against AWS's CloudFormation resource schemas, offline,
 * so that what CloudFormation would refuse at deploy (a misspelt type or property, a missing
 * required property, a value of the wrong kind, a value outside an enum) fails here first.
 *
 * The schemas come from `@aws-cdk/aws-service-spec`: the CDK's database of the CloudFormation
 * registry schemas (plus the older resource specification), the one the CDK generates L1s from.
 */

export interface SchemaProblem {
  logicalId: string;
  type: string;
  path: string;
  /** e.g. "unknown property FooBar (AWS::Lambda::Function has: Architectures, Code, ...)" */
  message: string;
}

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
type Found = Pick<SchemaProblem, 'path' | 'message'>;
type Kind = 'string' | 'number' | 'boolean' | 'list' | 'object' | 'null';

/**
 * The keys CloudFormation takes on a resource ("Invalid template resource property" otherwise).
 * `Version` is a legacy one of custom resources: osls writes `Version: 1` on its Custom::S3.
 */
const RESOURCE_KEYS = [
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'Metadata',
  'CreationPolicy',
  'UpdatePolicy',
  'Version',
];

/** The spec's built-in `tag` type: `{ Key, Value }`; some services leave Value optional, so only Key is required here. */
const TAG: Record<string, Property> = { Key: { type: { type: 'string' }, required: true }, Value: { type: { type: 'string' } } };

/**
 * The kinds of JSON value each spec type takes. CloudFormation coerces scalars before a resource
 * sees them: numeric strings ("300") pass as numbers, "true"/"false" as booleans, and numbers
 * and booleans as strings (a Lambda environment variable of 8080 deploys as "8080"). `json`
 * stands for both "any value" and "a free-form object" in the spec (policy documents, event
 * patterns…), so it takes anything.
 */
const TAKES: Record<PropertyType['type'], readonly Kind[]> = {
  string: ['string', 'number', 'boolean'],
  'date-time': ['string'],
  number: ['number', 'string'],
  integer: ['number', 'string'],
  boolean: ['boolean', 'string'],
  null: ['null'],
  json: ['string', 'number', 'boolean', 'list', 'object', 'null'],
  tag: ['object'],
  ref: ['object'],
  map: ['object'],
  array: ['list'],
  union: ['string', 'number', 'boolean', 'list', 'object', 'null'],
};
const INTEGER = /^[-+]?\d+$/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Parsing the 2.6 MB gzip takes a few hundred ms: once per process, and only when a check runs. */
let loading: Promise<SpecDatabase> | undefined;
function specDatabase(): Promise<SpecDatabase> {
  loading ??= loadAwsServiceSpec().catch((error: unknown) => {
    loading = undefined; // let a later call try again rather than cache the failure
    throw error;
  });
  return loading;
}

/** Checks every resource of the template; [] when CloudFormation's schemas accept it all. */
export async function resourceSchemaProblems(template: Template): Promise<SchemaProblem[]> {
  const db = await specDatabase();
  return Object.entries(template.Resources).flatMap(([logicalId, resource]) =>
    resourceProblems(db, resource).map((found) => ({ logicalId, type: resource.Type, ...found })),
  );
}

function resourceProblems(db: SpecDatabase, resource: Template['Resources'][string]): Found[] {
  const found: Found[] = Object.keys(resource)
    .filter((key) => !RESOURCE_KEYS.includes(key))
    .map((key) => ({
      path: key,
      message: `${key}: not a resource attribute${didYouMean(key, RESOURCE_KEYS)} (a resource has: ${RESOURCE_KEYS.join(', ')})`,
    }));
  const { Type: type, Properties: properties = {} } = resource;
  // The template is JSON read at run time: its types are a hope, not a fact.
  if (typeof type !== 'string')
    return [...found, { path: 'Type', message: `Type: expected a resource type such as AWS::S3::Bucket, got ${describeValue(type)}` }];
  // A whole property bag can come from Fn::If; nothing to check offline then.
  if (isIntrinsic(properties)) return found;
  if (kindOf(properties) !== 'object')
    return [...found, { path: 'Properties', message: `Properties: expected an object, got ${describeValue(properties)}` }];

  // A custom resource's properties are whatever its Lambda reads; CloudFormation needs only where to send them.
  if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') {
    if (!Object.hasOwn(properties, 'ServiceToken')) found.push(missing('Properties', 'ServiceToken', type));
    return found;
  }
  const spec = db.lookup('resource', 'cloudFormationType', 'equals', type)[0];
  if (!spec) {
    const known = db.all('resource').map((r) => r.cloudFormationType);
    return [...found, { path: 'Type', message: `Type: unknown resource type ${type}${didYouMean(type, known)}` }];
  }
  return [
    ...found,
    ...checkProperties({ db, resourceType: type }, properties, spec.properties, type, 'Properties', Object.keys(spec.attributes)),
  ];
}

interface Context {
  db: SpecDatabase;
  /** Qualifies nested type names as CloudFormation's docs do: `AWS::Lambda::EventSourceMapping.ScalingConfig`. */
  resourceType: string;
}

function checkProperties(
  context: Context,
  value: Record<string, unknown>,
  properties: Record<string, Property>,
  owner: string,
  path: string,
  attributes: string[] = [],
): Found[] {
  const found: Found[] = [];
  const names = Object.keys(properties).sort();
  for (const [name, item] of Object.entries(value)) {
    const at = `${path}.${name}`;
    // hasOwn, not `in` or indexing: the spec's records are plain objects ("constructor" is no property).
    const property = Object.hasOwn(properties, name) ? properties[name] : undefined;
    if (property) {
      found.push(...checkValue(context, item, property.type, at));
    } else if (attributes.includes(name)) {
      found.push({ path: at, message: `${at}: ${name} is a read-only attribute of ${owner} (read it with Fn::GetAtt), not a property` });
    } else {
      const has = names.length > 0 ? ` (${owner} has: ${names.join(', ')})` : ` (${owner} has no properties)`;
      found.push({ path: at, message: `${at}: unknown property ${name}${didYouMean(name, names)}${has}` });
    }
  }
  for (const name of names) {
    if (properties[name]?.required && !Object.hasOwn(value, name)) found.push(missing(path, name, owner));
  }
  return found;
}

function checkValue(context: Context, value: unknown, type: PropertyType, path: string): Found[] {
  // Intrinsics resolve at deploy time: their result cannot be checked offline, wherever they stand.
  if (isIntrinsic(value)) return [];
  const kind = kindOf(value);
  const wrong: Found[] = [{ path, message: `${path}: expected ${describeType(context, type)}, got ${describeValue(value)}` }];
  if (!TAKES[type.type].includes(kind)) return wrong;

  switch (type.type) {
    case 'json':
    case 'null':
    case 'date-time':
      return [];
    case 'string':
      return outside(path, String(value), type.allowedValues);
    case 'boolean':
      return kind === 'boolean' || value === 'true' || value === 'false' ? [] : wrong;
    case 'number':
    case 'integer': {
      const pattern = type.type === 'integer' ? INTEGER : NUMBER;
      const number = kind === 'string' ? (pattern.test(String(value)) ? Number(value) : NaN) : Number(value);
      if (Number.isNaN(number) || (type.type === 'integer' && !Number.isInteger(number))) return wrong;
      return type.type === 'integer' ? outside(path, number, type.allowedValues) : [];
    }
    case 'tag':
      return checkProperties(context, value as Record<string, unknown>, TAG, 'Tag', path);
    case 'array':
      return (value as unknown[]).flatMap((item, i) => checkValue(context, item, type.element, `${path}[${i}]`));
    case 'map':
      return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) =>
        checkValue(context, item, type.element, `${path}.${key}`),
      );
    case 'ref': {
      const definition = context.db.get('typeDefinition', type.reference);
      // A handful of definitions (MediaLive's empty settings objects…) list no properties: the spec cannot say what they take.
      if (Object.keys(definition.properties).length === 0) return [];
      const owner = `${context.resourceType}.${definition.name}`;
      return checkProperties(context, value as Record<string, unknown>, definition.properties, owner, path);
    }
    case 'union': {
      const attempts = type.types.map((member) => ({ member, found: checkValue(context, value, member, path) }));
      if (attempts.some((attempt) => attempt.found.length === 0)) return [];
      // Explain against the members of the value's own kind (an object against the object types), fewest problems first.
      const sameKind = attempts.filter((attempt) => TAKES[attempt.member.type].includes(kind));
      return (
        sameKind.reduce<Found[] | undefined>((best, { found }) => (best && best.length <= found.length ? best : found), undefined) ?? wrong
      );
    }
  }
}

/** An enum the spec records (from the registry schema's `enum`); CloudFormation compares exactly. */
function outside<T extends string | number>(path: string, value: T, allowed: readonly T[] | undefined): Found[] {
  if (!allowed || allowed.includes(value)) return [];
  const hint = typeof value === 'string' ? didYouMean(value, allowed.map(String)) : '';
  return [{ path, message: `${path}: ${JSON.stringify(value)} is not an allowed value${hint} (allowed: ${allowed.join(', ')})` }];
}

function missing(path: string, name: string, owner: string): Found {
  return { path: `${path}.${name}`, message: `${path}: missing required property ${name} (of ${owner})` };
}

/** `{ Ref: … }` or `{ "Fn::…": … }`, alone in its object. */
function isIntrinsic(value: unknown): boolean {
  if (kindOf(value) !== 'object') return false;
  const keys = Object.keys(value as object);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'));
}

function kindOf(value: unknown): Kind {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'list';
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' ? type : 'object';
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const kind = kindOf(value);
  const article = kind === 'object' ? 'an' : 'a';
  return kind === 'list' || kind === 'object'
    ? `${article} ${kind}`
    : kind === 'null'
      ? 'null'
      : `${article} ${kind} (${JSON.stringify(value)})`;
}

/** "a string", "an integer", "a list of string", "an AWS::S3::Bucket.Rule object" — CloudFormation's docs' names. */
function describeType(context: Context, type: PropertyType): string {
  if (type.type === 'union') return type.types.map((member) => describeType(context, member)).join(' or ');
  const noun = nounOf(context, type);
  return `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}

function nounOf(context: Context, type: PropertyType): string {
  switch (type.type) {
    case 'array':
      return `list of ${nounOf(context, type.element)}`;
    case 'map':
      return `object (a map of ${nounOf(context, type.element)})`;
    case 'ref':
      return `${context.resourceType}.${context.db.get('typeDefinition', type.reference).name} object`;
    case 'union':
      return type.types.map((member) => nounOf(context, member)).join(' or ');
    case 'tag':
      return 'tag ({ Key, Value })';
    case 'json':
      return 'JSON value';
    default:
      return type.type;
  }
}

/** ", did you mean X?" for the candidates fewest edits from `name` (case ignored), within a few edits; else "". */
function didYouMean(name: string, candidates: readonly string[]): string {
  let best: string[] = [];
  let bestDistance = Math.max(1, Math.floor(name.length / 3)); // more edits than this is no typo
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - name.length) > bestDistance) continue; // cannot be near enough: spares most of the 1,800 types
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d > bestDistance) continue;
    if (d < bestDistance) best = [];
    bestDistance = d;
    best.push(candidate);
  }
  // Ties are all named: ExpirationDays is as near ExpirationDate as ExpirationInDays, and only the user knows which.
  return best.length === 0 ? '' : `, did you mean ${best.slice(0, 3).join(' or ')}?`;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
