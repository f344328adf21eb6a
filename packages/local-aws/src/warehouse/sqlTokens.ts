/** A lexical token of SQL: what we need to rewrite SQL without touching literals or quoted names. */
export interface Token {
  kind: 'word' | 'string' | 'identifier' | 'number' | 'param' | 'space' | 'comment' | 'symbol';
  text: string;
}

const PATTERNS: [Token['kind'], RegExp][] = [
  ['space', /\s+/y],
  ['comment', /--[^\n]*|\/\*[\s\S]*?\*\//y],
  ['string', /[eE]?'(?:[^']|'')*'/y],
  ['string', /\$([A-Za-z_]\w*)?\$[\s\S]*?\$\1\$/y],
  ['identifier', /"(?:[^"]|"")*"/y],
  ['param', /:[A-Za-z_]\w*/y],
  ['symbol', /::/y],
  ['number', /\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?/y],
  ['word', /[A-Za-z_][\w$]*/y],
  ['symbol', /./y],
];

/**
 * Splits SQL into tokens. `:name` is a Data API named parameter (a `::` cast is not);
 * strings, quoted identifiers, dollar quotes and comments are single tokens.
 *
 * @throws on an unterminated string or quoted identifier, naming the offset.
 */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < sql.length) {
    let matched = false;
    for (const [kind, pattern] of PATTERNS) {
      pattern.lastIndex = at;
      const match = pattern.exec(sql);
      if (!match) continue;
      // a ':' right after another ':' belongs to a cast, not a parameter
      if (kind === 'param' && tokens[tokens.length - 1]?.text === '::') continue;
      tokens.push({ kind, text: match[0] });
      at += match[0].length;
      matched = true;
      break;
    }
    if (!matched) throw new Error(`unterminated quote in SQL at offset ${at}: ${sql.slice(at, at + 30)}`);
    const last = tokens[tokens.length - 1]!;
    if (last.kind === 'symbol' && (last.text === "'" || last.text === '"'))
      throw new Error(`unterminated ${last.text === "'" ? 'string' : 'quoted identifier'} in SQL at offset ${at - 1}`);
  }
  return tokens;
}

/** Index of the next significant token at or after `from`. */
export function next(tokens: Token[], from: number): number {
  let at = from;
  while (at < tokens.length && (tokens[at]!.kind === 'space' || tokens[at]!.kind === 'comment')) at++;
  return at;
}

/** Index just past the parenthesised group starting at `open` (a `(` token). */
export function closeParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let at = open; at < tokens.length; at++) {
    if (tokens[at]!.text === '(') depth++;
    else if (tokens[at]!.text === ')' && --depth === 0) return at + 1;
  }
  throw new Error('unbalanced parentheses in SQL');
}

/** Index of the significant token before `at`, or -1. */
export function significantBefore(tokens: Token[], at: number): number {
  let index = at - 1;
  while (index >= 0 && (tokens[index]!.kind === 'space' || tokens[index]!.kind === 'comment')) index--;
  return index;
}

export function render(tokens: readonly Token[]): string {
  return tokens.map((token) => token.text).join('');
}

/** Tokens without spaces and comments. */
export function significant(tokens: readonly Token[]): Token[] {
  return tokens.filter((token) => token.kind !== 'space' && token.kind !== 'comment');
}

export function isWord(token: Token | undefined, ...words: string[]): boolean {
  return token?.kind === 'word' && words.includes(token.text.toUpperCase());
}

/** Splits a script into statements at top-level semicolons; empty statements are dropped. */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current: Token[] = [];
  for (const token of tokenize(sql)) {
    if (token.kind === 'symbol' && token.text === ';') {
      statements.push(render(current));
      current = [];
    } else current.push(token);
  }
  statements.push(render(current));
  return statements.map((s) => s.trim()).filter((s) => significant(tokenize(s)).length > 0);
}

/**
 * Replaces Data API named parameters (`:name`) with positional ones (`$1`…), in order of first
 * use, and returns the values in that order.
 *
 * @throws naming a parameter the SQL uses but `parameters` lacks (or one given but unused).
 */
export function bindNamedParameters(
  sql: string,
  parameters: readonly { name: string; value: string }[],
): { sql: string; values: string[] } {
  const byName = new Map(parameters.map((p) => [p.name, p.value]));
  // name → its $n, in order of first use (a Map: statements can carry thousands of parameters)
  const positions = new Map<string, number>();
  const tokens = tokenize(sql).map((token) => {
    if (token.kind !== 'param') return token;
    const name = token.text.slice(1);
    if (!byName.has(name)) throw new Error(`the SQL uses the parameter :${name}, but no parameter named "${name}" was given`);
    let position = positions.get(name);
    if (position === undefined) positions.set(name, (position = positions.size + 1));
    return { kind: 'param' as const, text: `$${position}` };
  });
  const order = [...positions.keys()];
  const unused = parameters.find((p) => !positions.has(p.name));
  if (unused) throw new Error(`the parameter "${unused.name}" is not used in the SQL`);
  return { sql: render(tokens), values: order.map((name) => byName.get(name)!) };
}
