/**
 * Redshift's rules for empty and blank fields in COPY input, which depend on the column's type
 * and which Postgres COPY has no options for:
 * - an empty field (two delimiters in succession) loads NULL into a non-character column, and
 *   an empty string into CHAR/VARCHAR unless EMPTYASNULL;
 * - a blank field (white space only) loads NULL into a non-character column; into CHAR/VARCHAR
 *   it loads as it is unless BLANKSASNULL;
 * - a quoted field ("" or "  ") is data, never empty or blank.
 * `NULL AS ''` acts as EMPTYASNULL. Records are rewritten so Postgres reads exactly that (NULL
 * as the null string); only a record holding an empty or blank field is rewritten.
 */

const NEWLINE = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

/** What one column of the input is: character columns keep empty fields as strings. */
export type ColumnKind = 'character' | 'other';

export interface EmptyFieldRules {
  format: 'csv' | 'text';
  delimiter: string;
  quote: string;
  /** The null string Postgres reads (`NULL AS`, `\N` by default). */
  nullString: string;
  emptyAsNull: boolean;
  blanksAsNull: boolean;
  /** Kind of each input field, in order. */
  columns: ColumnKind[];
}

type FieldValue = 'null' | 'empty' | 'keep';

function decide(rules: EmptyFieldRules, kind: ColumnKind | undefined, blank: boolean): FieldValue {
  if (kind === undefined) return 'keep'; // an extra field: Postgres reports it
  if (kind === 'other') return 'null';
  if (blank) return rules.blanksAsNull ? 'null' : 'keep';
  return rules.emptyAsNull || rules.nullString === '' ? 'null' : 'empty';
}

const isBlank = (text: string) => text.length > 0 && /^[ \t\r\f\v]+$/.test(text);

/**
 * A record rewriter for `rules`, or undefined when no record can need one. It reads the record
 * `bytes[start, end)` (its newline included) and gives its new bytes, or undefined when nothing
 * changes (the common case, decided by one scan of the bytes).
 */
export function emptyFieldRewriter(
  rules: EmptyFieldRules,
): ((bytes: Buffer, start: number, end: number) => Buffer | undefined) | undefined {
  if (!rules.columns.some((kind) => kind === 'other') && !rules.emptyAsNull && !rules.blanksAsNull) return undefined;
  const delimiter = rules.delimiter.charCodeAt(0);
  const quote = rules.format === 'csv' ? rules.quote.charCodeAt(0) : -1;
  return (bytes, start, end) => {
    if (!mayHoldEmptyField(bytes, start, end, delimiter, quote)) return undefined;
    const text = bytes.toString('utf8', start, end);
    const ending = /\r?\n$/.exec(text)?.[0] ?? '';
    const fields = splitFields(text.slice(0, text.length - ending.length), rules);
    let changed = false;
    const out = fields.map((field, index) => {
      if (field.quoted || (field.raw !== '' && !isBlank(field.raw))) return field.raw;
      const value = decide(rules, rules.columns[index], field.raw !== '');
      if (value === 'keep') return field.raw;
      // an unquoted empty field is an empty string to Postgres once the null string is not ''
      const written = value === 'null' ? rules.nullString : '';
      if (written !== field.raw) changed = true;
      return written;
    });
    return changed ? Buffer.from(out.join(rules.delimiter) + ending, 'utf8') : undefined;
  };
}

/** A field that starts with this byte (or at the record's end) may be empty or blank. */
const startsEmptyField = (byte: number | undefined, delimiter: number) =>
  byte === undefined || byte === delimiter || byte === NEWLINE || byte === CR || byte === SPACE || byte === TAB;

/**
 * Cheap test, one pass over the record's bytes: is there a field that starts with a delimiter,
 * the line's end or white space? A delimiter inside CSV quotes starts no field, so quoted text
 * such as `"a, b"` does not send the record to the full parse (false positives only cost time,
 * false negatives cannot happen). `quote` is -1 for the text format. (Native searches for the
 * delimiter, one call a field, cost twice as much over a COPY's records.)
 */
function mayHoldEmptyField(bytes: Buffer, start: number, end: number, delimiter: number, quote: number): boolean {
  if (startsEmptyField(start < end ? bytes[start] : undefined, delimiter)) return true;
  let inQuotes = false;
  for (let at = start; at < end; at++) {
    const byte = bytes[at];
    if (byte === quote) inQuotes = !inQuotes;
    else if (byte === delimiter && !inQuotes && startsEmptyField(at + 1 < end ? bytes[at + 1] : undefined, delimiter)) return true;
  }
  return false;
}

interface Field {
  raw: string;
  quoted: boolean;
}

/** Splits one record into its fields as written (CSV quoting, or text-format backslash escapes). */
function splitFields(line: string, rules: EmptyFieldRules): Field[] {
  const fields: Field[] = [];
  let start = 0;
  let quoted = false;
  let inQuotes = false;
  for (let at = 0; at <= line.length; at++) {
    const char = line[at];
    if (rules.format === 'csv' && char === rules.quote) {
      inQuotes = !inQuotes;
      quoted = true;
    } else if (rules.format === 'text' && char === '\\') {
      at++;
    } else if (at === line.length || (char === rules.delimiter && !inQuotes)) {
      fields.push({ raw: line.slice(start, at), quoted });
      start = at + 1;
      quoted = false;
    }
  }
  return fields;
}
