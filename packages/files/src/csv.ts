/** The text COPY reads as NULL (`NULL AS '\N'`); a real `\N` string is quoted, so it stays a string. */
export const CSV_NULL = '\\N';

const NEEDS_QUOTES = /[",\n\r]|^$|^\s|\s$|^\\N$/;

/** One CSV field for Redshift COPY ... CSV NULL AS '\N'. */
export function csvField(value: string | null): string {
  if (value === null) return CSV_NULL;
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The fields of one line {@link csvField} wrote (no newline at its end): an unquoted `\N` is NULL,
 * a quoted one the string; `""` inside quotes is one quote.
 */
export function parseCsvLine(line: string): (string | null)[] {
  const fields: (string | null)[] = [];
  let at = 0;
  for (;;) {
    if (line.charCodeAt(at) === 34) {
      let value = '';
      let from = at + 1;
      for (;;) {
        const quote = line.indexOf('"', from);
        if (quote < 0) throw new Error(`an unclosed quote in a CSV line at character ${at + 1}`);
        value += line.slice(from, quote);
        if (line.charCodeAt(quote + 1) === 34) {
          value += '"';
          from = quote + 2;
        } else {
          at = quote + 1;
          break;
        }
      }
      fields.push(value);
    } else {
      const comma = line.indexOf(',', at);
      const value = line.slice(at, comma < 0 ? line.length : comma);
      fields.push(value === CSV_NULL ? null : value);
      at = comma < 0 ? line.length : comma;
    }
    if (at >= line.length) return fields;
    at++; // the comma
    if (at === line.length) {
      fields.push('');
      return fields;
    }
  }
}
