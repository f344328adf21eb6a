/**
 * JSON whose numbers keep the text the source wrote. `JSON.parse` turns every number into a
 * double: `0.12499999999999999999` becomes 0.125, `12345678901234567890` loses its last digits,
 * `1e309` becomes Infinity (and `JSON.stringify` then writes `null`). Here such a number stays a
 * {@link RawNumber} — `JSON.rawJSON` of its source text — which `JSON.stringify` writes back
 * verbatim and the coercers read as decimal text.
 *
 * Numbers a double holds exactly stay plain numbers: the common line has none that needs more,
 * and is parsed without a reviver (several times faster).
 */

/** A number as its source text (a `JSON.rawJSON` object): `JSON.stringify` writes the text back as it was. */
export interface RawNumber {
  readonly rawJSON: string;
}

// Node 24's JSON has source text access and rawJSON; TypeScript's lib does not declare them yet.
interface JsonWithSource {
  rawJSON(text: string): RawNumber;
  isRawJSON(value: unknown): value is RawNumber;
  parse(text: string, reviver: (this: unknown, key: string, value: unknown, context: { source?: string }) => unknown): unknown;
}
const json = JSON as unknown as JsonWithSource;

/**
 * Text that may hold a number a double does not keep exactly: a number token — after `:`, `,` or
 * `[` (JSON whitespace between), or at the very start — of 16 or more digits (points between
 * them allowed), or with an exponent of three digits. A superset — a string holding `:` and 16
 * digits matches too — so the exact path runs whenever a number could need it; ≤ 15 significant
 * digits with an exponent under 100 are always a double's shortest text of themselves. Looking
 * only after delimiters keeps it to about a third of a `JSON.parse` of the same text (timestamps
 * and ids are digits too, inside strings).
 */
const NUMBER_TOKEN = String.raw`[ \t\n\r]*-?(?:\d(?:\.?\d){15}|[\d.]+[eE][+-]?\d{3})`;
const MAY_BE_INEXACT = new RegExp(`[:,[]${NUMBER_TOKEN}`);
const STARTS_INEXACT = new RegExp(`^${NUMBER_TOKEN}`);

const keepNumberText = (_key: string, value: unknown, context: { source?: string }): unknown =>
  typeof value === 'number' && context.source !== undefined ? json.rawJSON(context.source) : value;

/**
 * `JSON.parse`, keeping the source text of every number a double would change (see the module
 * comment). Throws `SyntaxError` as `JSON.parse` does.
 */
export function parseJsonExact(text: string): unknown {
  return mayHoldInexactNumbers(text) ? parseJsonKeepingNumbers(text) : JSON.parse(text);
}

/** Whether JSON text may hold a number a double does not keep (a superset; see the module comment). About a third of the cost of a `JSON.parse`. */
export const mayHoldInexactNumbers = (text: string): boolean => MAY_BE_INEXACT.test(text) || STARTS_INEXACT.test(text);

/** `JSON.parse` with every number a {@link RawNumber} of its source text. Several times slower than plain `JSON.parse`. */
export const parseJsonKeepingNumbers = (text: string): unknown => json.parse(text, keepNumberText);

export const isRawNumber = (value: unknown): value is RawNumber => json.isRawJSON(value);

/** A number's text as the source wrote it: a {@link RawNumber}'s own, a plain number's shortest. */
export function numberSourceText(value: number | RawNumber): string {
  return typeof value === 'number' ? String(value) : value.rawJSON;
}
