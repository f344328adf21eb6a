/** How a loaded table differs from the expected one, row by row, keyed on the first column. */
export interface TableDiff {
  /** Expected keys missing from the table. */
  lost: number;
  /** Extra copies of a key (a key present n times counts n − 1). */
  duplicated: number;
  /** Keys in the table that are not expected at all. */
  invented: number;
  /** Expected keys present with other values in some column. */
  changed: number;
}

/** Compares two tables of text rows whose first column is the key. */
export function compareTables(expected: string[][], actual: string[][]): TableDiff {
  const want = new Map(expected.map((row) => [row[0]!, row.join('\u0001')]));
  const seen = new Map<string, number>();
  const diff: TableDiff = { lost: 0, duplicated: 0, invented: 0, changed: 0 };
  for (const row of actual) {
    const key = row[0]!;
    const times = (seen.get(key) ?? 0) + 1;
    seen.set(key, times);
    if (times > 1) diff.duplicated++;
    else if (!want.has(key)) diff.invented++;
    else if (want.get(key) !== row.join('\u0001')) diff.changed++;
  }
  for (const key of want.keys()) if (!seen.has(key)) diff.lost++;
  return diff;
}
