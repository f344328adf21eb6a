import { closeParen, isWord, render, significant, tokenize } from './sqlTokens';
import type { Token } from './sqlTokens';

/**
 * PRIMARY KEY, UNIQUE and FOREIGN KEY are informational in Redshift ("Defining table
 * constraints": not enforced; a duplicate is stored). Postgres enforces them and cannot be told
 * not to, so CREATE TABLE leaves them out: a column's `PRIMARY KEY` becomes `NOT NULL` (which
 * Redshift enforces, and which a primary key implies), a table's `PRIMARY KEY (a, b)` a CHECK
 * that they are not null; UNIQUE and REFERENCES go.
 */
export function informationalKeys(tokens: Token[]): Token[] {
  const open = tokens.findIndex((t) => t.text === '(');
  // CREATE TABLE … AS SELECT has no definition list (its first parenthesis is the query's)
  if (open < 0 || tokens.slice(0, open).some((t) => isWord(t, 'AS'))) return tokens;
  const close = closeParen(tokens, open) - 1;
  const inner = tokens.slice(open + 1, close);
  if (isWord(significant(inner)[0], 'LIKE')) return tokens;
  const elements: Token[][] = [[]];
  let depth = 0;
  for (const token of inner) {
    if (token.text === '(') depth++;
    if (token.text === ')') depth--;
    if (token.text === ',' && depth === 0) elements.push([]);
    else elements.at(-1)!.push(token);
  }
  const kept = elements.map(element).filter((text) => text !== undefined);
  return [...tokens.slice(0, open + 1), ...tokenize(kept.join(',')), ...tokens.slice(close)];
}

/** One element of a table definition without its key constraints; undefined when nothing is left. */
function element(tokens: Token[]): string | undefined {
  const words = significant(tokens);
  const kind = isWord(words[0], 'CONSTRAINT') ? 2 : 0;
  if (isWord(words[kind], 'UNIQUE') || isWord(words[kind], 'FOREIGN')) return undefined;
  if (isWord(words[kind], 'PRIMARY') && isWord(words[kind + 1], 'KEY')) {
    const columns = significant(words.slice(kind + 2)).filter((t) => t.kind === 'word' || t.kind === 'identifier');
    return ` CHECK (${columns.map((c) => `${c.text} IS NOT NULL`).join(' AND ')})`;
  }
  return column(tokens);
}

/** A column definition without PRIMARY KEY (kept as NOT NULL), UNIQUE and REFERENCES t [(c)]. */
function column(tokens: Token[]): string {
  const out: Token[] = [];
  for (let at = 0; at < tokens.length; at++) {
    const token = tokens[at]!;
    const ahead = (n: number) => {
      let index = at;
      for (let seen = 0; index < tokens.length; index++) {
        if (tokens[index]!.kind === 'space' || tokens[index]!.kind === 'comment') continue;
        if (seen++ === n) return index;
      }
      return index;
    };
    if (isWord(token, 'PRIMARY') && isWord(tokens[ahead(1)], 'KEY')) {
      out.push({ kind: 'word', text: 'NOT NULL' });
      at = ahead(1);
    } else if (isWord(token, 'UNIQUE')) {
      continue;
    } else if (isWord(token, 'REFERENCES')) {
      let name = 1; // the referenced table, maybe schema-qualified
      while (tokens[ahead(name + 1)]?.text === '.') name += 2;
      const end = tokens[ahead(name + 1)]?.text === '(' ? closeParen(tokens, ahead(name + 1)) : ahead(name) + 1;
      at = end - 1;
    } else out.push(token);
  }
  return render(out);
}
