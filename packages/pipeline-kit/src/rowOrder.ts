import type { ColumnType } from './columnTypes';
import type { Pipeline } from './definition';
import { quoteIdentifier } from './ddl';

/**
 * Which version of a row wins under `newestWins`, decided the same way wherever versions meet —
 * in the transform's dedupe, between the files of a load batch, and against the row the table
 * holds — so the table never depends on how the source paged, how files split or how batches
 * formed:
 *
 * 1. the greater `newestWins` value wins (NULL loses to any value);
 * 2. on a tie, the greater row content wins: the other columns compared one after another in
 *    the definition's order, each by its type (numbers as numbers, text by UTF-8 bytes, as
 *    Redshift compares — see "Collation sequences"), NULL lowest;
 * 3. rows equal in every column are the same row: either may stay.
 *
 * The SQL and the comparator below are the one rule, written for the warehouse and for the transform.
 */
export interface RowOrder {
  /** The ranking columns in order: `newestWins`, then every column that is not part of the key. */
  readonly columns: readonly string[];
  /** `ORDER BY` terms ranking the winner first, on table alias `alias`. */
  orderBySql(alias: string): string;
  /** A condition that holds when row `candidate` beats row `current` (aliases), i.e. replaces it. */
  beatsSql(candidate: string, current: string): string;
  /** > 0 when `a` beats `b`, < 0 when `b` beats `a`, 0 when equal; rows as the staged canonical values, by {@link columns}' positions in `pipeline.columnNames`. */
  compare(a: readonly (string | null)[], b: readonly (string | null)[]): number;
  /** The same for the `newestWins` values alone. */
  compareRank(a: string | null, b: string | null): number;
}

/** The ranking of versions of one key for a pipeline that has `newestWins`; undefined otherwise. */
export function rowOrder(pipeline: Pipeline): RowOrder | undefined {
  const newest = pipeline.newestWins;
  if (!newest) return undefined;
  const keys = new Set(pipeline.target.primaryKey);
  const types: Record<string, ColumnType> = Object.fromEntries(
    [...Object.entries(pipeline.target.columns), ...Object.entries(pipeline.target.derived ?? {})].map(([name, c]) => [name, c.type]),
  );
  const columns = [newest, ...pipeline.columnNames.filter((name) => name !== newest && !keys.has(name))];
  const positions = columns.map((name) => pipeline.columnNames.indexOf(name));
  const comparators = columns.map((name) => canonicalComparator(types[name]!));
  const quoted = columns.map(quoteIdentifier);

  return {
    columns,
    orderBySql: (alias) => quoted.map((c) => `${alias}.${c} DESC NULLS LAST`).join(', '),
    beatsSql(candidate, current) {
      // built from the last column backwards: gt(c1) OR (eq(c1) AND (gt(c2) OR (eq(c2) AND …)))
      let condition = 'FALSE';
      for (let i = quoted.length - 1; i >= 0; i--) {
        const [a, b] = [`${candidate}.${quoted[i]}`, `${current}.${quoted[i]}`];
        // booleans compared as 0/1: Redshift's documentation promises = on BOOLEAN, not > (ORDER BY … DESC puts true first either way)
        const [ga, gb] =
          types[columns[i]!]!.kind === 'boolean' ? [`CASE WHEN ${a} THEN 1 ELSE 0 END`, `CASE WHEN ${b} THEN 1 ELSE 0 END`] : [a, b];
        const greater = `(${a} IS NOT NULL AND (${b} IS NULL OR ${ga} > ${gb}))`;
        const equal = `((${a} IS NULL AND ${b} IS NULL) OR ${a} = ${b})`;
        condition = i === quoted.length - 1 ? greater : `(${greater} OR (${equal} AND ${condition}))`;
      }
      return condition;
    },
    compare(a, b) {
      for (let i = 0; i < positions.length; i++) {
        const order = comparators[i]!(a[positions[i]!]!, b[positions[i]!]!);
        if (order !== 0) return order;
      }
      return 0;
    },
    compareRank: (a, b) => comparators[0]!(a, b),
  };
}

type Comparator = (a: string | null, b: string | null) => number;

/** Compares canonical values (the coercers' text) of one column type as the warehouse does; NULL lowest. */
export function canonicalComparator(type: ColumnType): Comparator {
  const compare = valueComparator(type);
  return (a, b) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : compare(a, b));
}

const sign = (n: number | bigint): number => (n > 0 ? 1 : n < 0 ? -1 : 0);

function valueComparator(type: ColumnType): (a: string, b: string) => number {
  switch (type.kind) {
    case 'smallint':
    case 'integer':
    case 'bigint':
      return (a, b) => sign(BigInt(a) - BigInt(b));
    case 'decimal':
      // canonical text has the column's scale: the digits without the point compare as integers
      return (a, b) => sign(BigInt(a.replace('.', '')) - BigInt(b.replace('.', '')));
    case 'double':
      return (a, b) => sign(Number(a) - Number(b));
    case 'boolean': // false < true, and so is the text
    case 'date':
    case 'timestamp': // canonical text is fixed-width up to the fraction, which sorts after the whole second it follows
      return (a, b) => (a < b ? -1 : a > b ? 1 : 0);
    case 'varchar':
    case 'char':
      return compareUtf8;
  }
}

/**
 * Text by UTF-8 bytes, i.e. by code point — Redshift's order. JavaScript's `<` compares UTF-16
 * units, which puts U+10000… (surrogate pairs) before U+E000…U+FFFF; only there do they differ.
 */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 || y >= 0xd800) return sign(a.codePointAt(i)! - b.codePointAt(i)!);
    return x < y ? -1 : 1;
  }
  return sign(a.length - b.length);
}
