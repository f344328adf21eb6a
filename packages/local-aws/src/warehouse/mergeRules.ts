import { isWord, significant, tokenize } from './sqlTokens';
import type { Token } from './sqlTokens';

/** What a MERGE names, for the checks that need the catalogue (is the source a view?). */
export interface MergeShape {
  target: string;
  /** the source's name; undefined when it is a subquery */
  source?: string;
}

/** A MERGE Redshift refuses, and why (Redshift's own words where they are known). */
export class MergeRefused extends Error {}

/** `schema.table` or `"quoted"` names from significant tokens at `at`: the name and the index after it. */
function nameAt(words: Token[], at: number): { name: string; after: number } | undefined {
  if (words[at]?.kind !== 'word' && words[at]?.kind !== 'identifier') return undefined;
  let name = words[at]!.text;
  let after = at + 1;
  while (words[after]?.text === '.' && words[after + 1]) {
    name += `.${words[after + 1]!.text}`;
    after += 2;
  }
  return { name, after };
}

/**
 * Checks a MERGE against Redshift's rules (the MERGE reference's syntax and usage notes), which
 * are narrower than Postgres's: no WITH clause; no alias on the target; one WHEN MATCHED (UPDATE or
 * DELETE) and one WHEN NOT MATCHED (INSERT), neither with AND; the source a table. Redshift's MERGE
 * reference long said the source "can't be a view or a subquery"; newer engines take one that does
 * not read the target. A table runs on every engine, so the local warehouse takes only a table
 * (whether the name is a view is checked against the catalogue where it runs).
 *
 * @returns the target and source names; undefined when the statement is not a MERGE.
 * @throws {MergeRefused} naming the rule the statement breaks.
 */
export function checkMerge(sql: string): MergeShape | undefined {
  const words = significant(tokenize(sql));
  const mergeAt = words.findIndex((t) => isWord(t, 'MERGE'));
  if (mergeAt < 0 || !isWord(words[mergeAt + 1], 'INTO')) return undefined;
  if (mergeAt > 0) {
    if (isWord(words[0], 'WITH'))
      throw new MergeRefused(
        "You can't use the WITH clause in a MERGE statement (Redshift): put those rows in a temporary table and MERGE from it",
      );
    return undefined;
  }
  const target = nameAt(words, 2);
  if (!target) throw new MergeRefused('MERGE INTO needs a target table');
  if (!isWord(words[target.after], 'USING'))
    throw new MergeRefused('Redshift does not support an alias on the target table of a MERGE: name the table itself in the ON clause');
  const usingAt = target.after;
  if (words[usingAt + 1]?.text === '(')
    throw new MergeRefused(
      "MERGE's source must be a table (Redshift's MERGE reference: source_table \"can't be a view or a subquery\"): CREATE TEMP TABLE … AS SELECT …, then MERGE … USING that table",
    );
  const source = nameAt(words, usingAt + 1);
  if (isWord(words.at(-2), 'REMOVE') && isWord(words.at(-1), 'DUPLICATES'))
    throw new MergeRefused('MERGE … REMOVE DUPLICATES is not supported by the local warehouse');
  const clauses = words.flatMap((t, i) => (isWord(t, 'WHEN') ? [i] : []));
  const matched = clauses.filter((i) => isWord(words[i + 1], 'MATCHED'));
  const notMatched = clauses.filter((i) => isWord(words[i + 1], 'NOT') && isWord(words[i + 2], 'MATCHED'));
  if (clauses.length === 1) throw new MergeRefused('MERGE statement with a single WHEN clause is not enabled.');
  if (matched.length !== 1 || notMatched.length !== 1)
    throw new MergeRefused('Redshift takes exactly one WHEN MATCHED (UPDATE or DELETE) and one WHEN NOT MATCHED (INSERT) in a MERGE');
  for (const at of clauses) {
    const afterMatched = isWord(words[at + 1], 'NOT') ? at + 3 : at + 2;
    if (isWord(words[afterMatched], 'AND'))
      throw new MergeRefused('Redshift does not support a condition (WHEN … AND …) on a MERGE clause');
  }
  return { target: target.name, source: source?.name };
}
