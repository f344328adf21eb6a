/**
 * Where each item of a JSON page's top-level array field lies in the page's bytes, so the extract
 * writes every item's exact text to the raw file (no `JSON.stringify` of a parsed copy: the raw
 * file is what the source said, byte for byte, and costs a copy instead of a serialisation).
 *
 * The page must already have parsed as JSON (`JSON.parse` is the validator; this scan trusts the
 * structure). Works on bytes: JSON's structural characters are ASCII, and no byte of a multi-byte
 * UTF-8 sequence (or a stray non-UTF-8 byte, kept for the transform to name) is below 0x80.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const isWhitespace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

function skipWhitespace(page: Buffer, at: number): number {
  while (at < page.length && isWhitespace(page[at]!)) at++;
  return at;
}

/** The index just past the string that opens at `at` (a quote). */
function endOfString(page: Buffer, at: number): number {
  // a byte loop: most strings are short, where it beats indexOf's call (and escapes are skipped as met)
  for (let i = at + 1; i < page.length; i++) {
    const byte = page[i]!;
    if (byte === QUOTE) return i + 1;
    if (byte === BACKSLASH) i++;
  }
  throw new Error('an unterminated string');
}

/** The index just past the value that starts at `at`. */
function endOfValue(page: Buffer, at: number): number {
  const first = page[at];
  if (first === QUOTE) return endOfString(page, at);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    for (let i = at; i < page.length; i++) {
      const byte = page[i]!;
      if (byte === QUOTE) i = endOfString(page, i) - 1;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
      else if ((byte === CLOSE_BRACE || byte === CLOSE_BRACKET) && --depth === 0) return i + 1;
    }
    throw new Error('an unterminated object or array');
  }
  // a number, true, false or null: up to the next delimiter
  let i = at;
  while (i < page.length) {
    const byte = page[i]!;
    if (byte === COMMA || byte === CLOSE_BRACE || byte === CLOSE_BRACKET || isWhitespace(byte)) break;
    i++;
  }
  return i;
}

function expect(page: Buffer, at: number, byte: number): void {
  if (page[at] !== byte) throw new Error(`expected "${String.fromCharCode(byte)}" at byte ${at}`);
}

/** The [start, end) byte ranges of an array's elements; the array opens at `at`. */
function elementRanges(page: Buffer, at: number): { ranges: number[]; end: number } {
  const ranges: number[] = [];
  let i = skipWhitespace(page, at + 1);
  if (page[i] === CLOSE_BRACKET) return { ranges, end: i + 1 };
  for (;;) {
    const end = endOfValue(page, i);
    ranges.push(i, end);
    i = skipWhitespace(page, end);
    if (page[i] === CLOSE_BRACKET) return { ranges, end: i + 1 };
    expect(page, i, COMMA);
    i = skipWhitespace(page, i + 1);
  }
}

/**
 * The byte ranges of the elements of the array under the top-level key `field` of a JSON object
 * page, as a flat list `[start0, end0, start1, end1, …]`; undefined when the page is not an object
 * or has no such array, or is not JSON. A key given twice counts as JSON.parse counts it: the last one.
 */
export function pageItemRanges(page: Buffer, field: string): number[] | undefined {
  try {
    return scanPage(page, field);
  } catch {
    return undefined; // not JSON after all (JSON.parse has said so already)
  }
}

function scanPage(page: Buffer, field: string): number[] | undefined {
  const key = Buffer.from(JSON.stringify(field));
  let i = skipWhitespace(page, 0);
  if (page[i] !== OPEN_BRACE) return undefined;
  i = skipWhitespace(page, i + 1);
  if (page[i] === CLOSE_BRACE) return undefined;
  let found: number[] | undefined;
  for (;;) {
    expect(page, i, QUOTE);
    const keyEnd = endOfString(page, i);
    // a key written with escapes ("\u0069tems") is the same key: compare what it says
    const name = page.subarray(i, keyEnd);
    const isField = name.equals(key) || (name.includes(BACKSLASH) && JSON.parse(name.toString('utf8')) === field);
    i = skipWhitespace(page, keyEnd);
    expect(page, i, COLON);
    i = skipWhitespace(page, i + 1);
    if (isField && page[i] === OPEN_BRACKET) {
      const array = elementRanges(page, i);
      found = array.ranges;
      i = array.end;
    } else {
      if (isField) found = undefined; // a later non-array value replaces an earlier array, as in JSON.parse
      i = endOfValue(page, i);
    }
    i = skipWhitespace(page, i);
    if (page[i] === CLOSE_BRACE) return found;
    expect(page, i, COMMA);
    i = skipWhitespace(page, i + 1);
  }
}
