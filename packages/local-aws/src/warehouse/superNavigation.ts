import type { PostgresErrorFields } from './database';
import { notSupportedLocally } from './redshiftDialect';
import { closeParen, isWord, significant, tokenize } from './sqlTokens';
import type { Token } from './sqlTokens';

/**
 * The errors Postgres gives PartiQL paths: `payload.customer` reads as table.column (42P01), a
 * longer path as a cross-database name (0A000), `items[0].sku` as a composite's field (42809),
 * `e.payload.items AS i AT idx` as a syntax error (42601).
 */
const PATH_ERRORS = new Set(['42P01', '0A000', '42809', '42601', '42703']);

/** The columns of type SUPER in the database, lower-cased: what a PartiQL path can start from. */
export const SUPER_COLUMNS_SQL = `SELECT DISTINCT lower(attname) FROM pg_attribute
  WHERE atttypid = to_regtype('super') AND attnum > 0 AND NOT attisdropped`;

const nameOf = (token: Token): string | undefined =>
  token.kind === 'word' ? token.text.toLowerCase() : token.kind === 'identifier' ? token.text.slice(1, -1).replace(/""/g, '"') : undefined;

/** The path from `tokens[start]` on: names joined by dots (`keys`), with `[…]` subscripts. */
function pathFrom(tokens: Token[], start: number): { text: string; keys: string[]; subscripted: boolean } {
  const path = { text: tokens[start]!.text, keys: [] as string[], subscripted: false };
  for (let at = start + 1; at < tokens.length;) {
    const key = tokens[at + 1] && nameOf(tokens[at + 1]!);
    if (tokens[at]!.text === '.' && key !== undefined) {
      path.text += `.${tokens[at + 1]!.text}`;
      path.keys.push(key);
      at += 2;
    } else if (tokens[at]!.text === '[' && tokens[at + 2]?.text === ']') {
      path.text += `[${tokens[at + 1]!.text}]`;
      path.subscripted = true;
      at += 3;
    } else break;
  }
  return path;
}

/** Names the statement itself gives SUPER values: `JSON_PARSE(…) [AS] name`, `CAST(… AS SUPER) [AS] name`, `…::SUPER [AS] name`. */
function superAliases(tokens: Token[]): string[] {
  const aliases: string[] = [];
  for (const [at, token] of tokens.entries()) {
    let end: number | undefined;
    if ((isWord(token, 'JSON_PARSE') || isWord(token, 'CAST')) && tokens[at + 1]?.text === '(') {
      end = closeParen(tokens, at + 1);
      if (isWord(token, 'CAST') && !isWord(tokens[end - 2], 'SUPER')) continue;
    } else if (token.text === '::' && isWord(tokens[at + 1], 'SUPER')) end = at + 2;
    if (end === undefined) continue;
    const alias = tokens[isWord(tokens[end], 'AS') ? end + 1 : end];
    const name = alias && !isWord(alias, 'FROM', 'WHERE', 'GROUP', 'ORDER', 'LIMIT', 'UNION') ? nameOf(alias) : undefined;
    if (name !== undefined) aliases.push(name);
  }
  return aliases;
}

/**
 * Where Postgres refused a statement because it navigates into a SUPER value with PartiQL
 * (`payload.customer.id`, `items[0].sku`, `FROM t, t.payload.items AS i`), the error that says so
 * and what to write instead; undefined when the failure is something else. The local SUPER is
 * jsonb, which has no dynamic typing: translating paths would compare and cast differently from
 * Redshift, so they are refused rather than half-run.
 *
 * @param superColumns reads the database's SUPER column names, lower-cased (`SUPER_COLUMNS_SQL`),
 *   only for the errors a path gets.
 */
export async function superNavigationError(
  sql: string,
  fields: PostgresErrorFields,
  superColumns: () => Promise<ReadonlySet<string>>,
): Promise<string | undefined> {
  if (!PATH_ERRORS.has(fields.code ?? '')) return undefined;
  let tokens: Token[];
  let aliases: string[];
  try {
    tokens = significant(tokenize(sql));
    aliases = superAliases(tokens);
  } catch {
    return undefined; // SQL this cannot read (unbalanced): Postgres's own error stands
  }
  const columns = new Set([...(await superColumns()), ...aliases]);
  for (const [at, token] of tokens.entries()) {
    const name = nameOf(token);
    if (name === undefined || !columns.has(name)) continue;
    const path = pathFrom(tokens, at);
    if (path.keys.length === 0) continue; // a subscript alone (`items[0]`) runs: jsonb has them
    const quoted = path.keys.map((key) => `'${key.replace(/'/g, "''")}'`).join(', ');
    const alternative = path.subscripted
      ? ''
      : ` Read the value with JSON_EXTRACT_PATH_TEXT(JSON_SERIALIZE(${token.text}), ${quoted}), which runs in both.`;
    return `${notSupportedLocally(`PartiQL navigation of a SUPER value (${path.text})`)}.${alternative}`;
  }
  return undefined;
}
