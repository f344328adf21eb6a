import { closeParen, isWord, next, render, significant, significantBefore } from './sqlTokens';
import type { Token } from './sqlTokens';

/**
 * Rewrites Redshift expressions that Postgres parses differently, token by token, never inside
 * a string or a quoted name:
 * - `DATEADD(day, …)`, `DATEDIFF(day, …)`, `DATE_PART(day, …)`: a bare date part becomes a string
 *   (the functions themselves are in the compatibility SQL);
 * - `LISTAGG(x [, d]) [WITHIN GROUP (ORDER BY …)]` → `string_agg(x::text, d ORDER BY …)`;
 * - `MEDIAN(x)` → `percentile_cont(0.5) WITHIN GROUP (ORDER BY x)`;
 * - `DECODE(e, s1, r1, …, [default])` → `CASE` (NULL matches NULL, as in Redshift), `NVL2` too;
 * - `APPROXIMATE COUNT(DISTINCT x)` → `COUNT(DISTINCT x)` (exact, which Redshift's estimate approaches);
 * - bare `SYSDATE` → `sysdate()`;
 * - `SELECT [DISTINCT] TOP n …` → `SELECT [DISTINCT] … LIMIT n`;
 * - `JSON_SERIALIZE(s)` → a local function (Postgres 17+ parses the name as SQL/JSON syntax);
 * - `PG_TABLE_DEF`, `SVV_TABLE_INFO` → the local views that stand in for them.
 */
export function rewriteExpressions(tokens: Token[]): Token[] {
  const rewritten = rewriteTop(rewriteCalls(tokens));
  // PG_TABLE_DEF has a column named notnull, a Postgres keyword (`x NOTNULL`)
  if (!tokens.some((t) => isWord(t, 'PG_TABLE_DEF'))) return rewritten;
  return rewritten.map((t) => (isWord(t, 'NOTNULL') ? { kind: 'identifier', text: '"notnull"' } : t));
}

const DATE_PART_FUNCTIONS = new Set(['DATEADD', 'DATEDIFF', 'DATE_PART']);
const CATALOG_VIEWS = new Set(['PG_TABLE_DEF', 'SVV_TABLE_INFO']);

const word = (text: string): Token => ({ kind: 'word', text });

/** Splits a call's argument tokens at top-level commas. */
function splitArguments(tokens: Token[]): Token[][] {
  const args: Token[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.text === '(' || token.text === '[') depth++;
    else if (token.text === ')' || token.text === ']') depth--;
    if (token.text === ',' && depth === 0) args.push([]);
    else args[args.length - 1]!.push(token);
  }
  return args;
}

const text = (tokens: Token[]) => render(tokens).trim();

/** True when the word at `at` is qualified (`schema.decode(`) or is a column of a table (`t.median`). */
function qualified(tokens: Token[], at: number): boolean {
  return tokens[significantBefore(tokens, at)]?.text === '.';
}

function rewriteCalls(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let at = 0; at < tokens.length; at++) {
    const token = tokens[at]!;
    if (token.kind !== 'word' || qualified(tokens, at)) {
      out.push(token);
      continue;
    }
    const name = token.text.toUpperCase();
    const open = next(tokens, at + 1);
    const isCall = tokens[open]?.text === '(';
    if (name === 'SYSDATE' && !isCall) {
      out.push(word('sysdate()'));
      continue;
    }
    if (name === 'APPROXIMATE' && isWord(tokens[open], 'COUNT', 'PERCENTILE_DISC')) {
      at = open - 1; // the estimate becomes the exact figure
      continue;
    }
    if (CATALOG_VIEWS.has(name) && !isCall) {
      out.push(word(`local_aws.${name.toLowerCase()}`));
      continue;
    }
    if (!isCall) {
      out.push(token);
      continue;
    }
    const close = closeParen(tokens, open);
    const inner = rewriteCalls(tokens.slice(open + 1, close - 1));
    const args = splitArguments(inner);
    const rewritten = rewriteCall(name, token.text, args, tokens, close);
    if (!rewritten) {
      out.push(token, ...tokens.slice(at + 1, open + 1), ...inner, tokens[close - 1]!);
      at = close - 1;
      continue;
    }
    out.push(word(rewritten.sql));
    at = rewritten.end - 1;
  }
  return out;
}

/** The rewrite of one call `name(args)` ending before `close`, or undefined to keep it. */
function rewriteCall(
  name: string,
  written: string,
  args: Token[][],
  tokens: Token[],
  close: number,
): { sql: string; end: number } | undefined {
  if (DATE_PART_FUNCTIONS.has(name) && args.length >= 2) {
    const part = significant(args[0]!);
    if (part.length !== 1 || part[0]!.kind !== 'word') return undefined;
    return { sql: `${written}('${part[0]!.text.toLowerCase()}', ${args.slice(1).map(text).join(', ')})`, end: close };
  }
  if (name === 'MEDIAN' && args.length === 1) return { sql: `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${text(args[0]!)})`, end: close };
  if (name === 'JSON_SERIALIZE' && args.length === 1) return { sql: `local_aws.json_serialize(${text(args[0]!)})`, end: close };
  if (name === 'NVL2' && args.length === 3) {
    // a CASE, not a function: the tested expression can be of any type, an untyped NULL too
    const [subject, present, absent] = args.map(text);
    return { sql: `CASE WHEN (${subject}) IS NULL THEN ${absent} ELSE ${present} END`, end: close };
  }
  if (name === 'DECODE' && args.length >= 3) {
    const [subject, ...pairs] = args.map(text);
    const fallback = pairs.length % 2 === 1 ? pairs.pop() : undefined;
    const whens: string[] = [];
    for (let index = 0; index < pairs.length; index += 2)
      whens.push(`WHEN (${subject}) IS NOT DISTINCT FROM (${pairs[index]}) THEN ${pairs[index + 1]}`);
    return { sql: `CASE ${whens.join(' ')}${fallback === undefined ? '' : ` ELSE ${fallback}`} END`, end: close };
  }
  if (name === 'LISTAGG' && args.length <= 2) {
    const value = significant(args[0]!);
    const distinct = isWord(value[0], 'DISTINCT') ? 'DISTINCT ' : '';
    const expression = text(distinct ? args[0]!.slice(args[0]!.indexOf(value[0]!) + 1) : args[0]!);
    const delimiter = args[1] ? text(args[1]) : "''";
    let end = close;
    let order = '';
    const within = next(tokens, close);
    const group = next(tokens, within + 1);
    const open = next(tokens, group + 1);
    if (isWord(tokens[within], 'WITHIN') && isWord(tokens[group], 'GROUP') && tokens[open]?.text === '(') {
      end = closeParen(tokens, open);
      order = ` ${text(rewriteCalls(tokens.slice(open + 1, end - 1)))}`;
    }
    return { sql: `string_agg(${distinct}(${expression})::text, ${delimiter}${order})`, end };
  }
  return undefined;
}

/** `SELECT [ALL|DISTINCT] TOP n` → the same SELECT with `LIMIT n` at the end of its query level. */
function rewriteTop(tokens: Token[]): Token[] {
  const out: Token[] = [];
  // one entry per open parenthesis (and the statement): the LIMIT owed when that level ends
  const owed: (string | undefined)[] = [undefined];
  for (let at = 0; at < tokens.length; at++) {
    const token = tokens[at]!;
    if (token.text === '(') owed.push(undefined);
    if (token.text === ')') {
      const limit = owed.pop();
      if (limit) out.push({ kind: 'space', text: ' ' }, word(`LIMIT ${limit}`));
    }
    if (isWord(token, 'TOP')) {
      const before = tokens[significantBefore(tokens, at)];
      const count = next(tokens, at + 1);
      const isSelectTop =
        (isWord(before, 'SELECT') ||
          (isWord(before, 'DISTINCT', 'ALL') && isWord(tokens[significantBefore(tokens, significantBefore(tokens, at))], 'SELECT'))) &&
        tokens[count]?.kind === 'number';
      if (isSelectTop) {
        owed[owed.length - 1] = tokens[count]!.text;
        at = count;
        continue;
      }
    }
    out.push(token);
  }
  const limit = owed[0];
  if (limit) out.push({ kind: 'space', text: ' ' }, word(`LIMIT ${limit}`));
  return out;
}
