import type { PostgresErrorFields } from './database';
import { notSupportedLocally } from './redshiftDialect';
import { isWord, significant, tokenize } from './sqlTokens';
import type { Token } from './sqlTokens';

/**
 * Redshift functions (from its SQL reference) that Postgres lacks and the local warehouse does not
 * translate. A call to one fails naming it, rather than with Postgres's "function does not exist",
 * which reads as a typo.
 */
const REDSHIFT_FUNCTIONS = new Set([
  // dates
  'DATE_CMP_TIMESTAMP',
  'DATE_CMP_TIMESTAMPTZ',
  'DATE_PART_YEAR',
  'INTERVAL_CMP',
  'TIMESTAMP_CMP',
  'TIMESTAMP_CMP_DATE',
  'TIMESTAMP_CMP_TIMESTAMPTZ',
  'TIMESTAMPTZ_CMP',
  'TIMESTAMPTZ_CMP_DATE',
  'TIMESTAMPTZ_CMP_TIMESTAMP',
  // strings and hashes
  'CRC32',
  'DIFFERENCE',
  'FNV_HASH',
  'FUNC_SHA1',
  'OCTETINDEX',
  'SHA1',
  'SHA2',
  'SOUNDEX',
  'STRTOL',
  'TEXTLEN',
  // aggregates and windows
  'ANY_VALUE',
  'RATIO_TO_REPORT',
  'HLL',
  'HLL_CARDINALITY',
  'HLL_COMBINE',
  'HLL_COMBINE_SKETCHES',
  'HLL_CREATE_SKETCH',
  // math
  'DEXP',
  'DLOG1',
  'DLOG10',
  // SUPER
  'ARRAY_CONCAT',
  'ARRAY_FLATTEN',
  'CAN_JSON_PARSE',
  'IS_BIGINT',
  'IS_CHAR',
  'IS_DECIMAL',
  'IS_FLOAT',
  'IS_INTEGER',
  'IS_SMALLINT',
  'JSON_SIZE',
  'OBJECT_TRANSFORM',
  'SPLIT_TO_ARRAY',
  'SUBARRAY',
  // system
  'PG_LAST_COPY_COUNT',
  'PG_LAST_COPY_ID',
  'PG_LAST_QUERY_ID',
  'PG_LAST_UNLOAD_COUNT',
  'PG_LAST_UNLOAD_ID',
  'SLICE_NUM',
]);

/** Spatial (ST_…) and H3 functions: a family, by prefix. */
const REDSHIFT_FUNCTION_FAMILIES: [RegExp, string][] = [
  [/^ST_/, 'spatial function'],
  [/^H3_/, 'H3 function'],
];

/** Where a Redshift-only clause stands: `PIVOT (`, `UNPIVOT (`, `QUALIFY <condition>`. */
function redshiftClause(tokens: Token[]): string | undefined {
  for (const [at, token] of tokens.entries()) {
    const after = tokens[at + 1];
    if (isWord(token, 'PIVOT', 'UNPIVOT') && after?.text === '(') return token.text.toUpperCase();
    // QUALIFY as a clause is followed by a condition; as a column name by a comma, FROM, AS or an operator
    const before = tokens[at - 1];
    if (
      isWord(token, 'QUALIFY') &&
      before?.text !== '.' &&
      (after?.text === '(' || (after?.kind === 'word' && !isWord(after, 'FROM', 'AS', 'WHERE', 'IS', 'AND', 'OR', 'NOT', 'IN')))
    )
      return 'QUALIFY';
  }
  return undefined;
}

/** The function Postgres found no match for (42883), upper-cased as Redshift names it. */
function missingFunction(fields: PostgresErrorFields): string | undefined {
  return fields.code === '42883' ? /function ([\w.]+)\(/.exec(fields.message)?.[1]?.toUpperCase() : undefined;
}

/**
 * The error for a statement Postgres refused because it holds Redshift SQL the local warehouse
 * does not translate — a Redshift function it lacks, PIVOT/UNPIVOT, QUALIFY — naming the
 * construct; undefined when the failure is something else.
 */
export function untranslatedConstruct(sql: string, fields: PostgresErrorFields): string | undefined {
  if (fields.code === '42883') {
    const name = missingFunction(fields);
    if (!name) return undefined;
    if (REDSHIFT_FUNCTIONS.has(name)) return notSupportedLocally(`The Redshift function ${name}`);
    const family = REDSHIFT_FUNCTION_FAMILIES.find(([prefix]) => prefix.test(name));
    return family ? notSupportedLocally(`${name} (a Redshift ${family[1]})`) : undefined;
  }
  if (fields.code !== '42601') return undefined;
  try {
    const clause = redshiftClause(significant(tokenize(sql)));
    return clause ? notSupportedLocally(clause) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The hint for the other refusals that may be Redshift SQL the stand-in does not translate: a
 * missing function or a syntax error is as often a construct missing here as a mistake.
 */
export function untranslatedHint(fields: PostgresErrorFields): string | undefined {
  if (fields.code === '42883') {
    const name = missingFunction(fields);
    return `${name ? `${name} with these argument types` : 'This function'} may exist in Redshift, but ${notSupportedLocally('it')}`;
  }
  if (fields.code === '42601')
    return `if this is valid Redshift SQL, the construct near the position is one the local warehouse does not translate (it runs on Postgres; @etl/local-aws's README lists what it translates)`;
  return undefined;
}
