/**
 * Exact decimal arithmetic for money: a decimal is a bigint of units of 10^-scale. Floats would
 * turn 0.1 × 3 into 0.30000000000000004; these never round except where asked, half away from zero.
 */
export interface Decimal {
  units: bigint;
  scale: number;
}

const DECIMAL_TEXT = /^([+-])?(\d+)(?:\.(\d+))?$/;
/** Decimal text in the plain form the fast paths take: optional minus, digits, optional fraction. */
const PLAIN_DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Parses `"12.50"`, `"-3"`, `12.5` (numbers via their shortest exact text); undefined if not a plain decimal. */
export function parseDecimal(value: string | number): Decimal | undefined {
  let text = typeof value === 'number' ? numberText(value) : value.trim();
  if (text === undefined) return undefined;
  if (text.startsWith('.')) text = `0${text}`;
  const match = DECIMAL_TEXT.exec(text);
  if (!match) return undefined;
  const fraction = match[3] ?? '';
  const units = BigInt(`${match[2]}${fraction}`) * (match[1] === '-' ? -1n : 1n);
  return { units, scale: fraction.length };
}

/** JSON's number grammar (RFC 8259 §6). */
const JSON_NUMBER = /^(-)?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
/** Beyond this exponent a value is out of every DECIMAL's range (at most 38 digits), or rounds to zero at every scale. */
const EXPONENT_BOUND = 400;

/**
 * A JSON number's source text (`0.12499999999999999999`, `1.5E+3`, `1e309`) as an exact decimal;
 * `'beyond'` for a magnitude past 10^400, which no column holds; undefined if it is no JSON number.
 */
export function parseJsonNumberText(text: string): Decimal | 'beyond' | undefined {
  const match = JSON_NUMBER.exec(text);
  if (!match) return undefined;
  const [, sign, whole = '', fraction = '', exponentText = '0'] = match as unknown as (string | undefined)[];
  const digits = `${whole}${fraction}`.replace(/^0+(?=\d)/, '');
  const exponent = Number(exponentText) - fraction.length;
  if (/^0+$/.test(digits)) return { units: 0n, scale: 0 };
  if (exponent + digits.length > EXPONENT_BOUND) return 'beyond';
  if (exponent < -EXPONENT_BOUND - digits.length) return { units: 0n, scale: 0 }; // below 10^-400: zero at any scale
  const units = BigInt(digits) * (sign === '-' ? -1n : 1n);
  return exponent >= 0 ? { units: units * 10n ** BigInt(exponent), scale: 0 } : { units, scale: -exponent };
}

/**
 * Plain decimal text as canonical DECIMAL(precision, scale) text, without bigint arithmetic, when
 * it fits with no rounding (`"007.5"` → `"7.50"`); undefined for anything else (rounding, `+`,
 * spaces, too many digits), which the exact path then reads or refuses.
 */
export function plainDecimalText(text: string, precision: number, scale: number): string | undefined {
  const match = PLAIN_DECIMAL.exec(text);
  if (!match) return undefined;
  const [, sign, digits, fraction = ''] = match as unknown as [string, string, string, string?];
  let start = 0;
  while (start < digits.length - 1 && digits.charCodeAt(start) === 48) start++; // leading zeros
  const whole = start === 0 ? digits : digits.slice(start);
  if (fraction.length > scale || (whole === '0' ? 0 : whole.length) > precision - scale) return undefined;
  const zero = whole === '0' && !/[1-9]/.test(fraction);
  return `${zero ? '' : sign}${whole}${scale === 0 ? '' : `.${fraction.padEnd(scale, '0')}`}`;
}

/** A finite number as plain decimal text (no exponent), or undefined. */
export function numberText(value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  const text = String(value);
  if (!/e/i.test(text)) return text;
  // exponent form: expand it exactly from the digits JavaScript chose
  const [mantissa, exponentText] = text.toLowerCase().split('e') as [string, string];
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const [whole, fraction = ''] = mantissa.replace('-', '').split('.') as [string, string?];
  const digits = whole + fraction;
  const point = whole.length + exponent;
  const expanded =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return `${negative ? '-' : ''}${expanded}`;
}

/** Rescales, rounding half away from zero when digits are dropped. */
export function rescale(value: Decimal, scale: number): Decimal {
  if (scale === value.scale) return value;
  if (scale > value.scale) return { units: value.units * 10n ** BigInt(scale - value.scale), scale };
  const divisor = 10n ** BigInt(value.scale - scale);
  const negative = value.units < 0n;
  const magnitude = negative ? -value.units : value.units;
  let quotient = magnitude / divisor;
  if ((magnitude % divisor) * 2n >= divisor) quotient += 1n;
  return { units: negative ? -quotient : quotient, scale };
}

export function multiply(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** Digits left of the point. */
export function integerDigits(value: Decimal): number {
  const magnitude = value.units < 0n ? -value.units : value.units;
  const whole = magnitude / 10n ** BigInt(value.scale);
  return whole === 0n ? 0 : whole.toString().length;
}

export function formatDecimal(value: Decimal): string {
  const negative = value.units < 0n;
  return withPoint((negative ? -value.units : value.units).toString(), negative, value.scale);
}

/** Digits of a magnitude in units of 10^-scale, as decimal text. */
function withPoint(magnitude: string, negative: boolean, scale: number): string {
  const digits = magnitude.padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

/**
 * Plain decimal text (`-?digits(.digits)?`) of at most 15 digits, which a double holds exactly, as
 * its units (its digits without the point, `"-1.25"` → -125); NaN for any other text. One pass
 * over the characters: no regex, no substrings.
 */
function smallUnits(text: string): number {
  const negative = text.charCodeAt(0) === 45; // -
  let units = 0;
  let digits = 0;
  let point = -1;
  for (let at = negative ? 1 : 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code >= 48 && code <= 57) {
      units = units * 10 + (code - 48);
      digits++;
    } else if (code === 46 && point < 0 && digits > 0) point = at;
    else return Number.NaN;
  }
  if (digits === 0 || digits > 15 || point === text.length - 1) return Number.NaN;
  return negative ? -units : units;
}
const scaleOf = (text: string) => {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
};

/**
 * The exact product of two decimals given as text (`"3" × "19.99"` → `"59.97"`), at the sum of
 * their scales. Small operands are multiplied as doubles when the product is a safe integer —
 * exact, and without bigint on the hot path; anything larger takes the bigint path.
 *
 * @throws {TypeError} when either operand is not decimal text.
 */
export function multiplyDecimalText(a: string, b: string): string {
  const units = smallUnits(a) * smallUnits(b); // NaN unless both are small plain decimals
  if (Number.isSafeInteger(units)) return withPoint(String(Math.abs(units)), units < 0, scaleOf(a) + scaleOf(b));
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  if (!x || !y) throw new TypeError(`cannot multiply ${JSON.stringify(a)} by ${JSON.stringify(b)}: not decimal numbers`);
  return formatDecimal(multiply(x, y));
}
