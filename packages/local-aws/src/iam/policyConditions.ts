/**
 * The string side of IAM policy evaluation: policy variables, `*`/`?` globs, ARN matching and
 * the Condition element's operators. policyEvaluation.ts decides statements and policies with it.
 * Doc page names in comments are from the IAM User Guide.
 */

/** Request context: lower-cased key names (key names are case-insensitive), each present key a list of values. */
export type RequestContext = ReadonlyMap<string, readonly string[]>;
export type ConditionValue = string | string[] | boolean | number | (string | boolean | number)[];
export type ConditionBlock = Record<string, Record<string, ConditionValue>>;

/** What policy variables resolve against. They work only under `"Version": "2012-10-17"`; other versions read `${…}` literally. */
export interface VariableScope {
  context: RequestContext;
  variables: boolean;
}

/** A policy string after variable substitution: text to take literally, and the wildcards. */
export type Token = { kind: 'text'; text: string } | { kind: 'any' } | { kind: 'one' };

/**
 * Splits a policy string into tokens, substituting `${key}` and `${key, 'default'}`. Substituted
 * text is literal (so `${*}`, `${?}`, `${$}` give the bare character). Returns undefined when a
 * variable has no value and no default: "Policy variables with no value" — the value is null, it
 * equals and is like nothing. A multivalued key is never a variable ("Single-valued vs. multivalued context keys").
 */
export function tokenize(value: string, scope: VariableScope, wildcards: boolean): Token[] | undefined {
  const tokens: Token[] = [];
  const text = (chunk: string) => {
    for (const char of chunk) {
      if (wildcards && (char === '*' || char === '?')) tokens.push({ kind: char === '*' ? 'any' : 'one' });
      else tokens.push({ kind: 'text', text: char });
    }
  };
  let last = 0;
  for (const match of scope.variables ? value.matchAll(/\$\{([^}]*)\}/g) : []) {
    text(value.slice(last, match.index));
    last = match.index + match[0].length;
    const resolved = resolveVariable(match[1] ?? '', scope.context);
    if (resolved === undefined) return undefined;
    tokens.push({ kind: 'text', text: resolved });
  }
  text(value.slice(last));
  return tokens;
}

function resolveVariable(body: string, context: RequestContext): string | undefined {
  if (body === '*' || body === '?' || body === '$') return body;
  const parsed = /^\s*([^\s,']+)\s*(?:,\s*'([^']*)'\s*)?$/.exec(body);
  if (!parsed) return `\${${body}}`; // not variable syntax: stays text
  const values = context.get(parsed[1]!.toLowerCase());
  return values?.length === 1 ? values[0] : parsed[2];
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function toRegex(tokens: readonly Token[], ignoreCase = false): RegExp {
  const source = tokens.map((token) => (token.kind === 'any' ? '.*' : token.kind === 'one' ? '.' : escapeRegex(token.text))).join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
}

const toText = (tokens: readonly Token[]) => tokens.map((token) => (token.kind === 'text' ? token.text : '')).join('');

/** Glob match of a whole string; used for Action (case-insensitive) and StringLike (case-sensitive). */
export function globMatches(tokens: readonly Token[], value: string, ignoreCase = false): boolean {
  return toRegex(tokens, ignoreCase).test(value);
}

/** ARN parts: the first five colons separate; the resource part keeps its own colons. */
function splitArn<T>(items: readonly T[], isColon: (item: T) => boolean): T[][] {
  const parts: T[][] = [[]];
  for (const item of items) {
    if (isColon(item) && parts.length < 6) parts.push([]);
    else parts[parts.length - 1]!.push(item);
  }
  return parts;
}

/**
 * ARN match for Resource/NotResource and ArnLike/ArnEquals: each colon-separated part is matched
 * on its own, case-sensitively, so `*` never runs into the next part ("Condition operators", ARN
 * operators; "IAM JSON policy elements: Resource"). `*` alone matches everything, '*' included;
 * a pattern with fewer parts (`arn:aws:ec2:*`) lets its last part cover the rest. A value that
 * is no ARN is compared whole.
 */
export function arnMatches(pattern: readonly Token[], value: string): boolean {
  const only = pattern[0];
  if (pattern.length === 1 && only?.kind === 'any') return true;
  const valueParts = splitArn([...value], (char) => char === ':').map((part) => part.join(''));
  if (valueParts.length < 6) return globMatches(pattern, value);
  const patternParts = splitArn(pattern, (token) => token.kind === 'text' && token.text === ':');
  return patternParts.every((part, index) => {
    const isLast = index === patternParts.length - 1;
    return globMatches(part, isLast ? valueParts.slice(index).join(':') : (valueParts[index] ?? ''));
  });
}

// ---- Condition operators ("IAM JSON policy elements: Condition operators") ----

/** Compiles one policy value into a test of one request value; undefined = the value is null (unresolved variable). */
type Compile = (policyValue: string, scope: VariableScope) => ((requestValue: string) => boolean) | undefined;

const noVariables = (scope: VariableScope): VariableScope => ({ ...scope, variables: false });
const literal = (value: string, scope: VariableScope) => {
  const tokens = tokenize(value, scope, false);
  return tokens && toText(tokens);
};
const stringEquals: Compile = (value, scope) => {
  const expected = literal(value, scope);
  return expected === undefined ? undefined : (actual) => actual === expected;
};
const stringEqualsIgnoreCase: Compile = (value, scope) => {
  const expected = literal(value, scope)?.toLowerCase();
  return expected === undefined ? undefined : (actual) => actual.toLowerCase() === expected;
};
const stringLike: Compile = (value, scope) => {
  const tokens = tokenize(value, scope, true);
  return tokens && ((actual) => globMatches(tokens, actual));
};
const arnLike: Compile = (value, scope) => {
  const tokens = tokenize(value, scope, true);
  return tokens && ((actual) => arnMatches(tokens, actual));
};
const bool: Compile = (value, scope) => {
  const expected = literal(value, scope)?.toLowerCase();
  return expected === undefined ? undefined : (actual) => actual.toLowerCase() === expected;
};

const parseNumber = (text: string) => (text.trim() === '' ? NaN : Number(text));
/** Dates are W3C ISO 8601 or epoch seconds ("Condition operators", date operators). */
const parseDate = (text: string) => (/^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) * 1000 : Date.parse(text));

function ordered(parse: (text: string) => number, compare: (actual: number, expected: number) => boolean): Compile {
  return (value) => {
    const expected = parse(value);
    return (actual) => {
      const parsed = parse(actual);
      return !Number.isNaN(expected) && !Number.isNaN(parsed) && compare(parsed, expected);
    };
  };
}

const binaryEquals: Compile = (value) => (actual) => Buffer.from(actual, 'base64').equals(Buffer.from(value, 'base64'));

const ipAddress: Compile = (value) => {
  const range = parseCidr(value);
  return (actual) => {
    const address = parseCidr(actual);
    if (!range || !address || range.width !== address.width) return false;
    const shift = BigInt(range.width - range.prefix);
    return address.bits >> shift === range.bits >> shift;
  };
};

interface Operator {
  compile: Compile;
  negated: boolean;
  /** Policy variables are allowed in string, ARN and Bool values only ("IAM policy elements: Variables and tags"). */
  variables: boolean;
}

const OPERATORS = new Map<string, Operator>();
function define(names: [string, string?], compile: Compile, variables = false) {
  const [positive, negative] = names;
  OPERATORS.set(positive.toLowerCase(), { compile, negated: false, variables });
  if (negative) OPERATORS.set(negative.toLowerCase(), { compile, negated: true, variables });
}
define(['StringEquals', 'StringNotEquals'], stringEquals, true);
define(['StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase'], stringEqualsIgnoreCase, true);
define(['StringLike', 'StringNotLike'], stringLike, true);
define(['ArnEquals', 'ArnNotEquals'], arnLike, true); // ArnEquals and ArnLike behave identically
define(['ArnLike', 'ArnNotLike'], arnLike, true);
define(['Bool'], bool, true);
define(['BinaryEquals'], binaryEquals);
define(['IpAddress', 'NotIpAddress'], ipAddress);
for (const [family, parse] of [
  ['Numeric', parseNumber],
  ['Date', parseDate],
] as const) {
  define([`${family}Equals`, `${family}NotEquals`], ordered(parse, (a, b) => a === b));
  define([`${family}LessThan`], ordered(parse, (a, b) => a < b));
  define([`${family}LessThanEquals`], ordered(parse, (a, b) => a <= b));
  define([`${family}GreaterThan`], ordered(parse, (a, b) => a > b));
  define([`${family}GreaterThanEquals`], ordered(parse, (a, b) => a >= b));
}

export interface ParsedOperator {
  name: string;
  qualifier?: 'ForAllValues' | 'ForAnyValue';
  ifExists: boolean;
  /** undefined for Null */
  operator?: Operator;
}

/** Parses `[ForAllValues:|ForAnyValue:]Operator[IfExists]`, or undefined for an unknown operator. Names are matched case-insensitively. */
export function parseOperator(name: string): ParsedOperator | undefined {
  const qualified = /^(ForAllValues|ForAnyValue):(.+)$/i.exec(name);
  const qualifier = qualified ? (qualified[1]!.toLowerCase() === 'forallvalues' ? 'ForAllValues' : 'ForAnyValue') : undefined;
  let base = (qualified ? qualified[2]! : name).toLowerCase();
  const ifExists = base.endsWith('ifexists');
  if (ifExists) base = base.slice(0, -'ifexists'.length);
  if (base === 'null') return ifExists ? undefined : { name, qualifier, ifExists }; // no NullIfExists
  const operator = OPERATORS.get(base);
  return operator && { name, qualifier, ifExists, operator };
}

export const conditionValues = (value: ConditionValue): string[] => (Array.isArray(value) ? value : [value]).map(String);

/**
 * One operator on one key. Values listed for a key are OR'd, or NOR'd for a negated operator
 * ("Conditions with multiple context keys or values"). A key absent from the request: false,
 * true for a negated operator, true with …IfExists ("Condition operators", Important note);
 * ForAllValues is true and ForAnyValue false on an absent or empty key ("Set operators for
 * multivalued context keys"). A plain operator on a multivalued key matches when any value does.
 */
function keyHolds(parsed: ParsedOperator, key: string, values: string[], scope: VariableScope): boolean {
  const request = scope.context.get(key.toLowerCase());
  const absent = request === undefined || request.length === 0;
  if (!parsed.operator) return values.some((value) => (value.toLowerCase() === 'true') === absent); // Null
  const { compile, negated, variables } = parsed.operator;
  if (request === undefined || (absent && !parsed.qualifier)) {
    if (parsed.ifExists || parsed.qualifier === 'ForAllValues') return true;
    return parsed.qualifier === 'ForAnyValue' ? false : negated;
  }
  const tests = values.map((value) => compile(value, variables ? scope : noVariables(scope)));
  const matches = (actual: string) => tests.some((test) => test !== undefined && test(actual));
  if (parsed.qualifier === 'ForAllValues') return request.every((actual) => matches(actual) !== negated);
  if (parsed.qualifier === 'ForAnyValue') return request.some((actual) => matches(actual) !== negated);
  return request.some(matches) !== negated;
}

/** A Condition block holds when every operator holds for every key it names (logical AND). An unknown operator never holds. */
export function conditionsHold(block: ConditionBlock | undefined, scope: VariableScope): boolean {
  return Object.entries(block ?? {}).every(([name, keys]) => {
    const parsed = parseOperator(name);
    return parsed !== undefined && Object.entries(keys).every(([key, value]) => keyHolds(parsed, key, conditionValues(value), scope));
  });
}

// ---- IP addresses ----

interface Cidr {
  width: 32 | 128;
  bits: bigint;
  prefix: number;
}

/** `203.0.113.0/24`, `2001:DB8:1234:5678::/64`; a bare address is /32 (or /128). */
export function parseCidr(text: string): Cidr | undefined {
  const [address = '', prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return undefined;
  const v4 = parseIpv4(address);
  const bits = v4 ?? parseIpv6(address);
  if (bits === undefined) return undefined;
  const width = v4 === undefined ? 128 : 32;
  const prefix = prefixText === undefined ? width : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  return prefix >= 0 && prefix <= width ? { width, bits, prefix } : undefined;
}

function parseIpv4(text: string): bigint | undefined {
  const octets = text.split('.');
  if (octets.length !== 4 || !octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255)) return undefined;
  return octets.reduce((bits, octet) => (bits << 8n) | BigInt(octet), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2 || text === '') return undefined;
  const groups = halves.map((half) => (half === '' ? [] : half.split(':')));
  const tail = groups[groups.length - 1]!;
  if (tail[tail.length - 1]?.includes('.')) {
    const embedded = parseIpv4(tail.pop()!); // ::ffff:192.0.2.1
    if (embedded === undefined) return undefined;
    tail.push((embedded >> 16n).toString(16), (embedded & 0xffffn).toString(16));
  }
  const [head = [], rest = []] = groups;
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  if (!all.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return undefined;
  return all.reduce((bits, group) => (bits << 16n) | BigInt(parseInt(group, 16)), 0n);
}
