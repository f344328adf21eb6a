import type { ColumnType, SubMicroseconds } from './columnTypes';
import { formatDecimal, integerDigits, numberText, parseDecimal, parseJsonNumberText, plainDecimalText, rescale } from './decimal';
import type { Decimal } from './decimal';
import { isRawNumber } from './jsonNumbers';

/** Why a value was refused: the rule it broke and a message naming the value. */
export interface Refusal {
  rule: 'type' | 'range' | 'precision' | 'length' | 'date' | 'timestamp' | 'required' | 'characters' | 'check' | 'encoding';
  message: string;
}

/**
 * A value coerced to its canonical text for the staged file (null for SQL NULL), or a refusal.
 * Plain values rather than a wrapper object: this runs for every field of every row.
 */
export type Coerced = string | null | Refusal;

export const isRefusal = (coerced: Coerced): coerced is Refusal => typeof coerced === 'object' && coerced !== null;

const refuse = (rule: Refusal['rule'], message: string): Coerced => ({ rule, message });

const INTEGER_RANGES = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
} as const;
/** The part of a range a JSON number holds exactly, as numbers: compared without bigint on the common path. */
const exactly = ([min, max]: readonly [bigint, bigint]) =>
  [Math.max(Number(min), Number.MIN_SAFE_INTEGER), Math.min(Number(max), Number.MAX_SAFE_INTEGER)] as const;
const SAFE_RANGES = {
  smallint: exactly(INTEGER_RANGES.smallint),
  integer: exactly(INTEGER_RANGES.integer),
  bigint: exactly(INTEGER_RANGES.bigint),
};

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : isRawNumber(value) ? value.rawJSON : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** A JSON number beyond ±1.8e308 (`1e309`) parses as ±Infinity: too big for any column, which is a range fault, not a type fault. */
const isInfinite = (value: unknown): boolean => value === Infinity || value === -Infinity;
const beyondDouble = (value: unknown): Coerced =>
  refuse('range', `${show(value)}: the source's number is beyond ±1.8e308, the range of a JSON number as parsed`);

function coerceInteger(value: unknown, kind: keyof typeof INTEGER_RANGES): Coerced {
  const [min, max] = INTEGER_RANGES[kind];
  let parsed: bigint;
  if (typeof value === 'number') {
    if (isInfinite(value)) return beyondDouble(value);
    if (!Number.isInteger(value)) return refuse('type', `${show(value)} is not a whole number`);
    if (!Number.isSafeInteger(value)) return refuse('range', `${show(value)} is beyond the exact range of a JSON number`);
    if (value >= SAFE_RANGES[kind][0] && value <= SAFE_RANGES[kind][1]) return String(value); // no bigint on the common path
    parsed = BigInt(value);
  } else if (isRawNumber(value)) {
    const exact = parseJsonNumberText(value.rawJSON);
    if (exact === 'beyond') return refuse('range', `${show(value)} is outside the ${kind.toUpperCase()} range ${min}…${max}`);
    const whole = exact === undefined ? undefined : wholeUnits(exact);
    if (whole === undefined) return refuse('type', `${show(value)} is not a whole number`);
    parsed = whole;
  } else if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) {
    parsed = BigInt(value.trim());
  } else return refuse('type', `${show(value)} is not a whole number`);
  if (parsed < min || parsed > max) return refuse('range', `${show(value)} is outside the ${kind.toUpperCase()} range ${min}…${max}`);
  return parsed.toString();
}

/** A decimal's value as a whole number, or undefined when it has a fraction. */
function wholeUnits({ units, scale }: Decimal): bigint | undefined {
  const divisor = 10n ** BigInt(scale);
  return units % divisor === 0n ? units / divisor : undefined;
}

function coerceDecimal(value: unknown, precision: number, scale: number): Coerced {
  if (isInfinite(value)) return beyondDouble(value);
  const raw = isRawNumber(value) ? value.rawJSON : undefined;
  const text = typeof value === 'number' ? numberText(value) : typeof value === 'string' ? value : raw;
  const exact = text === undefined ? undefined : plainDecimalText(text, precision, scale);
  if (exact !== undefined) return exact;
  const parsed =
    raw !== undefined ? parseJsonNumberText(raw) : typeof value === 'number' || typeof value === 'string' ? parseDecimal(value) : undefined;
  if (!parsed) return refuse('type', `${show(value)} is not a decimal number`);
  const tooBig = () =>
    refuse('range', `${show(value)} does not fit DECIMAL(${precision},${scale}) (at most ${precision - scale} digits before the point)`);
  if (parsed === 'beyond') return tooBig();
  const rounded = rescale(parsed, scale);
  if (integerDigits(rounded) > precision - scale) return tooBig();
  return formatDecimal(rounded);
}

/** A DOUBLE PRECISION: the double nearest the source's number; a number past the double's range is refused, never made ±Infinity or 0. */
function coerceDouble(value: unknown): Coerced {
  if (isInfinite(value)) return beyondDouble(value);
  const raw = isRawNumber(value) ? value.rawJSON : undefined;
  const number =
    typeof value === 'number'
      ? value
      : raw !== undefined
        ? Number(raw)
        : typeof value === 'string' && value.trim() !== ''
          ? Number(value)
          : Number.NaN;
  if (raw !== undefined && (!Number.isFinite(number) || (number === 0 && /[1-9]/.test(raw.split(/[eE]/)[0]!))))
    return refuse('range', `${show(value)} is beyond the range of DOUBLE PRECISION (about 2.2e-308 to 1.8e308)`);
  return Number.isFinite(number) ? String(number) : refuse('type', `${show(value)} is not a finite number`);
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(year: number, month: number, day: number): boolean {
  if (!(year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1)) return false;
  return day <= DAYS_IN_MONTH[month - 1]! || (month === 2 && day === 29 && isLeap(year));
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function coerceDate(value: unknown): Coerced {
  const match = typeof value === 'string' ? DATE.exec(value.trim()) : null;
  if (!match) return refuse('type', `${show(value)} is not a date (YYYY-MM-DD)`);
  if (!validDate(Number(match[1]), Number(match[2]), Number(match[3]))) return refuse('date', `${show(value)} is not a calendar date`);
  return match[0];
}

/** The widest UTC offsets in use (UTC−12:00 to UTC+14:00), as ISO 8601 and RFC 3339 parsers bound them: ±14:00. */
const MAX_OFFSET_MINUTES = 14 * 60;

/**
 * ISO 8601 with optional zone (none = UTC) → `YYYY-MM-DD HH:MM:SS[.ffffff]` in UTC. Digits beyond
 * the microsecond that are not all zero are refused unless the column rounds or truncates them;
 * an offset beyond ±14:00 (or with minutes past 59) is refused, never shifted by.
 */
function coerceTimestamp(value: unknown, subMicroseconds: SubMicroseconds): Coerced {
  const fast = typeof value === 'string' ? utcTimestamp(value) : undefined;
  if (fast !== undefined) return fast;
  const match = typeof value === 'string' ? TIMESTAMP.exec(value.trim()) : null;
  if (!match) return refuse('type', `${show(value)} is not an ISO 8601 timestamp`);
  const [, yearText, monthText, dayText, hourText, minuteText, secondText = '00', fractionDigits = '', zone] = match as unknown as string[];
  const year = +yearText!;
  const month = +monthText!;
  const day = +dayText!;
  const hour = +hourText!;
  const minute = +minuteText!;
  const second = +secondText;
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59)
    return refuse('timestamp', `${show(value)} is not a real moment in time`);
  let offsetMinutes = 0;
  if (zone !== undefined && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const [hours, minutes] = [Number(digits.slice(0, 2)), Number(digits.slice(2) || 0)];
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
    if (minutes > 59 || Math.abs(offsetMinutes) > MAX_OFFSET_MINUTES)
      return refuse('timestamp', `${show(value)} has the UTC offset ${zone}, beyond ±14:00 (no place on Earth is): not shifted by it`);
  }
  let micros = Number(fractionDigits.slice(0, 6).padEnd(6, '0'));
  const beyond = fractionDigits.slice(6);
  if (/[1-9]/.test(beyond)) {
    if (subMicroseconds === 'reject')
      return refuse(
        'timestamp',
        `${show(value)} has ${fractionDigits.length} fractional digits; a TIMESTAMP keeps 6 (microseconds) — declare the column types.timestamp({ subMicroseconds: 'round' }) or 'truncate' to accept it`,
      );
    if (subMicroseconds === 'round' && beyond.charCodeAt(0) >= 53) micros++; // half up: timestamps are not negative
  }
  const fractionPart = (micros: number) => (micros === 0 ? '' : `.${pad(micros, 6)}`);
  if (offsetMinutes === 0 && micros < 1_000_000)
    return `${yearText}-${monthText}-${dayText} ${hourText}:${minuteText}:${secondText}${fractionPart(micros)}`;
  const carry = micros === 1_000_000 ? 1000 : 0;
  if (carry) micros = 0;
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day); // not Date.UTC, which reads years 0–99 as 1900–1999
  utc.setUTCHours(hour, minute, second, 0);
  utc.setTime(utc.getTime() - offsetMinutes * 60_000 + carry);
  if (utc.getUTCFullYear() < 1 || utc.getUTCFullYear() > 9999) return refuse('timestamp', `${show(value)} is outside years 1–9999 in UTC`);
  return `${pad(utc.getUTCFullYear(), 4)}-${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())} ${pad(utc.getUTCHours())}:${pad(utc.getUTCMinutes())}:${pad(utc.getUTCSeconds())}${fractionPart(micros)}`;
}

/** `text[at]` as a digit 0–9, or NaN: keeps the fast path free of regex and substrings. */
function digitAt(text: string, at: number): number {
  const digit = text.charCodeAt(at) - 48;
  return digit >= 0 && digit <= 9 ? digit : Number.NaN;
}
const numberAt = (text: string, at: number, width: number): number => {
  let n = 0;
  for (let i = 0; i < width; i++) n = n * 10 + digitAt(text, at + i);
  return n;
};
const isIsoShape = (text: string) => text[4] === '-' && text[7] === '-' && text[10] === 'T' && text[13] === ':' && text[16] === ':';

/**
 * The common form `YYYY-MM-DDTHH:MM:SS[.f…f][Z]` (at most 6 fractional digits) read character by
 * character; undefined for any other form or a value out of range, which the regex path then
 * reads or refuses with a reason.
 */
function utcTimestamp(text: string): string | undefined {
  let end = text.length;
  if (text.charCodeAt(end - 1) === 90) end--; // Z
  if (end < 19 || end > 26 || !isIsoShape(text)) return undefined;
  const year = numberAt(text, 0, 4);
  const month = numberAt(text, 5, 2);
  const day = numberAt(text, 8, 2);
  if (!(validDate(year, month, day) && numberAt(text, 11, 2) <= 23 && numberAt(text, 14, 2) <= 59 && numberAt(text, 17, 2) <= 59))
    return undefined;
  if (end === 19) return `${text.slice(0, 10)} ${text.slice(11, 19)}`;
  if (text[19] !== '.' || end === 20 || Number.isNaN(numberAt(text, 20, end - 20))) return undefined;
  const digits = text.slice(20, end);
  const fraction = digits.length === 6 ? digits : digits.padEnd(6, '0');
  return `${text.slice(0, 10)} ${text.slice(11, 19)}${fraction === '000000' ? '' : `.${fraction}`}`;
}

/**
 * Why a string with a lone surrogate is no text: U+DC80…U+DCFF stand for source bytes that were
 * not UTF-8 (kept so by the extract, see decodeUtf8KeepingBadBytes); any other is a lone `\ud800`
 * escape in the source's JSON.
 */
function notWellFormed(value: string): string {
  const characters = [...value]; // a lone surrogate is a character of its own; a pair is one character
  const at = characters.findIndex((c) => c.length === 1 && c.charCodeAt(0) >= 0xd800 && c.charCodeAt(0) <= 0xdfff);
  const unit = characters[at]!.charCodeAt(0);
  return unit >= 0xdc80 && unit <= 0xdcff
    ? `${show(value)} holds the byte 0x${(unit - 0xdc00).toString(16).toUpperCase()}, which is not UTF-8, at character ${at + 1}`
    : `${show(value)} holds a lone UTF-16 surrogate \\u${unit.toString(16)} at character ${at + 1}, which is no character`;
}

function coerceText(value: unknown, maxBytes: number, exact: boolean): Coerced {
  if (typeof value !== 'string') return refuse('type', `${show(value)} is not a string`);
  if (value.includes('\u0000')) return refuse('characters', `${show(value)} contains a NUL character, which Redshift cannot store`);
  if (!value.isWellFormed()) return refuse('encoding', notWellFormed(value));
  if (!exact && value.length * 3 <= maxBytes) return value; // at most 3 UTF-8 bytes per UTF-16 unit: fits without counting
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > maxBytes)
    return refuse('length', `${show(value)} is ${bytes} bytes, over the limit of ${maxBytes} (Redshift counts bytes, not characters)`);
  if (exact && bytes !== maxBytes)
    return refuse('length', `${show(value)} is ${bytes} bytes; CHAR(${maxBytes}) codes here must be exactly ${maxBytes}`);
  return value;
}

function coerceBoolean(value: unknown): Coerced {
  if (value === true || value === false) return value ? 'true' : 'false';
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (['true', 't', 'yes', '1'].includes(text)) return 'true';
    if (['false', 'f', 'no', '0'].includes(text)) return 'false';
  }
  return refuse('type', `${show(value)} is not a boolean`);
}

/**
 * Builds the coercer of a column type: JSON value in, canonical text out (what COPY reads),
 * or a refusal naming the rule. Missing values (null, undefined) are null here; the caller
 * decides whether the column allows them.
 */
export function coercer(type: ColumnType): (value: unknown) => Coerced {
  switch (type.kind) {
    case 'smallint':
    case 'integer':
    case 'bigint':
      return (value) => coerceInteger(value, type.kind as keyof typeof INTEGER_RANGES);
    case 'decimal':
      return (value) => coerceDecimal(value, type.precision, type.scale);
    case 'double':
      return coerceDouble;
    case 'boolean':
      return coerceBoolean;
    case 'varchar':
      return (value) => coerceText(value, type.length, false);
    case 'char':
      return (value) => coerceText(value, type.length, true);
    case 'date':
      return coerceDate;
    case 'timestamp': {
      const subMicroseconds = type.subMicroseconds ?? 'reject';
      return (value) => coerceTimestamp(value, subMicroseconds);
    }
  }
}
