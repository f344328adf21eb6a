/** The text COPY reads as NULL (`NULL AS '\N'`); a real `\N` string is quoted, so it stays a string. */
export const CSV_NULL = '\\N';

const NEEDS_QUOTES = /[",\n\r]|^$|^\s|\s$|^\\N$/;

/** One CSV field for Redshift COPY ... CSV NULL AS '\N'. */
export function csvField(value: string | null): string {
  if (value === null) return CSV_NULL;
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
