import type { ColumnType } from './columnTypes';
import { formatDecimal, integerDigits, parseDecimal, rescale } from './decimal';

/** Why a value was refused: the rule it broke and a message naming the value. */
export interface Refusal {
  rule: 'type' | 'range' | 'precision' | 'length' | 'date' | 'timestamp' | 'required' | 'characters' | 'check';
  message: string;
}

/** A value coerced to its canonical text for the staged file (null for SQL NULL), or a refusal. */
export type Coerced = { ok: true; text: string | null } | { ok: false; refusal: Refusal };

const ok = (text: string | null): Coerced => ({ ok: true, text });
const refuse = (rule: Refusal['rule'], message: string): Coerced => ({ ok: false, refusal: { rule, message } });

const INTEGER_RANGES = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
} as const;

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function coerceInteger(value: unknown, kind: keyof typeof INTEGER_RANGES): Coerced {
  let parsed: bigint;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return refuse('type', `${show(value)} is not a whole number`);
    if (!Number.isSafeInteger(value)) return refuse('range', `${show(value)} is beyond the exact range of a JSON number`);
    parsed = BigInt(value);
  } else if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) {
    parsed = BigInt(value.trim());
  } else return refuse('type', `${show(value)} is not a whole number`);
  const [min, max] = INTEGER_RANGES[kind];
  if (parsed < min || parsed > max) return refuse('range', `${show(value)} is outside the ${kind.toUpperCase()} range ${min}…${max}`);
  return ok(parsed.toString());
}

function coerceDecimal(value: unknown, precision: number, scale: number): Coerced {
  const parsed = typeof value === 'number' || typeof value === 'string' ? parseDecimal(value) : undefined;
  if (!parsed) return refuse('type', `${show(value)} is not a decimal number`);
  const rounded = rescale(parsed, scale);
  if (integerDigits(rounded) > precision - scale)
    return refuse(
      'range',
      `${show(value)} does not fit DECIMAL(${precision},${scale}) (at most ${precision - scale} digits before the point)`,
    );
  return ok(formatDecimal(rounded));
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function validDate(year: number, month: number, day: number): boolean {
  const days = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= days[month - 1]!;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function coerceDate(value: unknown): Coerced {
  const match = typeof value === 'string' ? DATE.exec(value.trim()) : null;
  if (!match) return refuse('type', `${show(value)} is not a date (YYYY-MM-DD)`);
  if (!validDate(Number(match[1]), Number(match[2]), Number(match[3]))) return refuse('date', `${show(value)} is not a calendar date`);
  return ok(match[0]);
}

/** ISO 8601 with optional zone (none = UTC) → `YYYY-MM-DD HH:MM:SS[.ffffff]` in UTC. */
function coerceTimestamp(value: unknown): Coerced {
  const match = typeof value === 'string' ? TIMESTAMP.exec(value.trim()) : null;
  if (!match) return refuse('type', `${show(value)} is not an ISO 8601 timestamp`);
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(match[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59)
    return refuse('timestamp', `${show(value)} is not a real moment in time`);
  const fraction = (match[7] ?? '').slice(0, 6).padEnd(6, '0');
  const zone = match[8];
  let epoch = Date.UTC(year, month - 1, day, hour, minute, second);
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    epoch -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * 60_000;
  }
  if (zone && zone !== 'Z') {
    const utc = new Date(epoch);
    if (utc.getUTCFullYear() < 1 || utc.getUTCFullYear() > 9999)
      return refuse('timestamp', `${show(value)} is outside years 1–9999 in UTC`);
    return ok(
      `${pad(utc.getUTCFullYear(), 4)}-${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())} ${pad(utc.getUTCHours())}:${pad(utc.getUTCMinutes())}:${pad(utc.getUTCSeconds())}${fraction === '000000' ? '' : `.${fraction}`}`,
    );
  }
  return ok(`${match[1]}-${match[2]}-${match[3]} ${match[4]}:${match[5]}:${pad(second)}${fraction === '000000' ? '' : `.${fraction}`}`);
}

function coerceText(value: unknown, maxBytes: number, exact: boolean): Coerced {
  if (typeof value !== 'string') return refuse('type', `${show(value)} is not a string`);
  if (value.includes('\u0000')) return refuse('characters', `${show(value)} contains a NUL character, which Redshift cannot store`);
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > maxBytes)
    return refuse('length', `${show(value)} is ${bytes} bytes, over the limit of ${maxBytes} (Redshift counts bytes, not characters)`);
  if (exact && bytes !== maxBytes)
    return refuse('length', `${show(value)} is ${bytes} bytes; CHAR(${maxBytes}) codes here must be exactly ${maxBytes}`);
  return ok(value);
}

function coerceBoolean(value: unknown): Coerced {
  if (value === true || value === false) return ok(value ? 'true' : 'false');
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (['true', 't', 'yes', '1'].includes(text)) return ok('true');
    if (['false', 'f', 'no', '0'].includes(text)) return ok('false');
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
      return (value) => {
        const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
        return Number.isFinite(number) ? ok(String(number)) : refuse('type', `${show(value)} is not a finite number`);
      };
    case 'boolean':
      return coerceBoolean;
    case 'varchar':
      return (value) => coerceText(value, type.length, false);
    case 'char':
      return (value) => coerceText(value, type.length, true);
    case 'date':
      return coerceDate;
    case 'timestamp':
      return coerceTimestamp;
  }
}
