/** True when a statement failed because `table` does not exist yet (before the pipeline's first load). */
export function isMissingTable(error: unknown, table: string): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return new RegExp(`relation "?(?:[\\w]+\\.)?${table}"? does not exist`, 'i').test(message);
}
