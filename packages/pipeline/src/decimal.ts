/**
 * Exact decimal arithmetic for money: a decimal is a bigint of units of 10^-scale. Floats would
 * turn 0.1 × 3 into 0.30000000000000004; these never round except where asked, half away from zero.
 */
export interface Decimal {
  units: bigint;
  scale: number;
}

const DECIMAL_TEXT = /^([+-])?(\d+)(?:\.(\d+))?$/;

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

/** A finite number as plain decimal text (no exponent), or undefined. */
function numberText(value: number): string | undefined {
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
  const digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, '0');
  const text = value.scale === 0 ? digits : `${digits.slice(0, -value.scale)}.${digits.slice(-value.scale)}`;
  return negative ? `-${text}` : text;
}
