import { types } from './columnTypes';
import { coercer, isRefusal } from './coerce';
import { parseJsonExact } from './jsonNumbers';

const accepts = (type: Parameters<typeof coercer>[0], value: unknown) => {
  const result = coercer(type)(value);
  if (isRefusal(result)) throw new Error(`refused ${String(value)}: ${result.message}`);
  return result;
};
const refuses = (type: Parameters<typeof coercer>[0], value: unknown) => {
  const result = coercer(type)(value);
  if (!isRefusal(result)) throw new Error(`accepted ${String(value)} as ${result}`);
  return result;
};

describe('coercer', () => {
  it('takes whole numbers from numbers and digit strings, within the type range', () => {
    expect(accepts(types.integer(), 42)).toBe('42');
    expect(accepts(types.integer(), ' -7 ')).toBe('-7');
    expect(accepts(types.bigint(), '9223372036854775807')).toBe('9223372036854775807');
    expect(refuses(types.integer(), 2147483648)).toMatchObject({ rule: 'range' });
    expect(refuses(types.smallint(), '40000')).toMatchObject({ rule: 'range', message: expect.stringContaining('SMALLINT') });
    expect(refuses(types.integer(), 1.5)).toMatchObject({ rule: 'type' });
    expect(refuses(types.integer(), 'twelve')).toMatchObject({ rule: 'type', message: '"twelve" is not a whole number' });
    expect(refuses(types.integer(), true)).toMatchObject({ rule: 'type' });
    expect(accepts(types.smallint(), -32768)).toBe('-32768');
    expect(refuses(types.smallint(), 32768)).toMatchObject({ rule: 'range' });
    expect(accepts(types.bigint(), -0)).toBe('0');
  });

  it('keeps decimals exact and rounds extra digits half away from zero', () => {
    expect(accepts(types.decimal(12, 2), '19.99')).toBe('19.99');
    expect(accepts(types.decimal(12, 2), 0.1)).toBe('0.10');
    expect(accepts(types.decimal(12, 2), '2.005')).toBe('2.01');
    expect(accepts(types.decimal(12, 2), '-2.005')).toBe('-2.01');
    expect(accepts(types.decimal(12, 2), 1e-7)).toBe('0.00');
    expect(accepts(types.decimal(12, 2), '.5')).toBe('0.50');
    expect(refuses(types.decimal(5, 2), '1234.5')).toMatchObject({ rule: 'range', message: expect.stringContaining('DECIMAL(5,2)') });
    expect(refuses(types.decimal(12, 2), '1,50')).toMatchObject({ rule: 'type' });
    expect(refuses(types.decimal(12, 2), Number.NaN)).toMatchObject({ rule: 'type' });
  });

  it('gives the same canonical decimal text on the fast path as on the exact path', () => {
    expect(accepts(types.decimal(12, 2), '007.5')).toBe('7.50');
    expect(accepts(types.decimal(12, 2), '-0.00')).toBe('0.00');
    expect(accepts(types.decimal(12, 2), -0)).toBe('0.00');
    expect(accepts(types.decimal(12, 2), '-12')).toBe('-12.00');
    expect(accepts(types.decimal(12, 0), '+12')).toBe('12');
    expect(accepts(types.decimal(4, 2), '99.99')).toBe('99.99');
    expect(refuses(types.decimal(4, 2), '100')).toMatchObject({ rule: 'range' });
    expect(refuses(types.decimal(12, 2), '12.')).toMatchObject({ rule: 'type' });
    expect(refuses(types.decimal(12, 2), '-.5')).toMatchObject({ rule: 'type' });
    expect(refuses(types.decimal(12, 2), '')).toMatchObject({ rule: 'type' });
  });

  it('counts VARCHAR length in bytes, as Redshift does', () => {
    expect(accepts(types.varchar(4), 'abcd')).toBe('abcd');
    expect(refuses(types.varchar(4), 'ééé')).toMatchObject({
      rule: 'length',
      message: '"ééé" is 6 bytes, over the limit of 4 (Redshift counts bytes, not characters)',
    });
    expect(refuses(types.varchar(8), 'a\u0000b')).toMatchObject({ rule: 'characters' });
    expect(refuses(types.varchar(8), 12)).toMatchObject({ rule: 'type' });
    expect(refuses(types.char(3), 'EU')).toMatchObject({ rule: 'length' });
    expect(refuses(types.varchar(6), 'ab😀c')).toMatchObject({ rule: 'length', message: expect.stringContaining('7 bytes') });
  });

  it('refuses text with bytes that were not UTF-8, or a lone surrogate, naming them (rule encoding)', () => {
    expect(refuses(types.varchar(64), 'f\udcff\udcfeg')).toEqual({
      rule: 'encoding',
      message: '"f\\udcff\\udcfeg" holds the byte 0xFF, which is not UTF-8, at character 2',
    });
    expect(refuses(types.varchar(64), JSON.parse('"a\\ud800"'))).toMatchObject({
      rule: 'encoding',
      message: expect.stringContaining('lone UTF-16 surrogate \\ud800 at character 2'),
    });
    expect(accepts(types.varchar(64), 'a 😀 \ufffd')).toBe('a 😀 \ufffd'); // a genuine U+FFFD and a pair are text
  });

  it('reads 1e309 (Infinity once parsed) as out of range, not as a wrong type', () => {
    for (const type of [types.integer(), types.bigint(), types.decimal(12, 2), types.double()])
      expect(refuses(type, JSON.parse('1e309'))).toMatchObject({ rule: 'range' });
  });

  it('accepts real dates and timestamps only, normalising timestamps to UTC', () => {
    expect(accepts(types.date(), '2024-02-29')).toBe('2024-02-29');
    expect(refuses(types.date(), '2023-02-29')).toMatchObject({ rule: 'date' });
    expect(accepts(types.date(), '2000-02-29')).toBe('2000-02-29'); // divisible by 400: leap
    expect(refuses(types.date(), '1900-02-29')).toMatchObject({ rule: 'date' }); // by 100, not 400: not leap
    expect(refuses(types.date(), '2024-02-30')).toMatchObject({ rule: 'date' });
    expect(refuses(types.date(), '2023-04-31')).toMatchObject({ rule: 'date' });
    expect(accepts(types.date(), '2023-12-31')).toBe('2023-12-31');
    expect(refuses(types.date(), '29/02/2024')).toMatchObject({ rule: 'type' });
    expect(accepts(types.timestamp(), '2026-11-27T02:37:49Z')).toBe('2026-11-27 02:37:49');
    expect(accepts(types.timestamp(), '2026-11-27T02:37:49.123+02:00')).toBe('2026-11-27 00:37:49.123000');
    expect(accepts(types.timestamp(), '2026-01-01T00:30:00-01:00')).toBe('2026-01-01 01:30:00');
    expect(accepts(types.timestamp(), '2026-11-27 02:37')).toBe('2026-11-27 02:37:00');
    expect(refuses(types.timestamp(), '2026-13-01T00:00:00Z')).toMatchObject({ rule: 'timestamp' });
    expect(refuses(types.timestamp(), '2026-11-27T24:00:00Z')).toMatchObject({ rule: 'timestamp' });
    expect(refuses(types.timestamp(), 1700000000)).toMatchObject({ rule: 'type' });
  });

  it('reads booleans and finite doubles', () => {
    expect([true, 'yes', 'F', 0].map((v) => accepts(types.boolean(), String(v) === '0' ? '0' : v))).toEqual([
      'true',
      'true',
      'false',
      'false',
    ]);
    expect(refuses(types.boolean(), 'maybe')).toMatchObject({ rule: 'type' });
    expect(accepts(types.double(), '1.25')).toBe('1.25');
    expect(refuses(types.double(), 'Infinity')).toMatchObject({ rule: 'type' });
  });
});

describe('timestamps on the fast path and the regex path', () => {
  const timestamp = coercer(types.timestamp());
  it.each([
    ['2026-11-27T02:37:49Z', '2026-11-27 02:37:49'],
    ['2026-11-27T02:37:49', '2026-11-27 02:37:49'],
    ['2026-11-27T02:37:49.5Z', '2026-11-27 02:37:49.500000'],
    ['2026-11-27T02:37:49.000Z', '2026-11-27 02:37:49'],
    ['2026-11-27T02:37:49.123456000Z', '2026-11-27 02:37:49.123456'],
    ['2024-02-29T23:59:59Z', '2024-02-29 23:59:59'],
    [' 2026-11-27T02:37:49Z ', '2026-11-27 02:37:49'],
  ])('reads %j as %j', (text, canonical) => expect(timestamp(text)).toBe(canonical));

  it.each([
    ['2023-02-29T00:00:00Z'],
    ['2026-11-27T02:60:00Z'],
    ['2026-11-27T02:37:49.Z'],
    ['2026-11-27T02:37:4xZ'],
    ['2026-11-27T02:37:49.1234567890Z'],
  ])('refuses %j', (text) => expect(isRefusal(timestamp(text))).toBe(true));
});

describe('the timestamp rule: microseconds, offsets within ±14:00', () => {
  const rejecting = coercer(types.timestamp());
  const rounding = coercer(types.timestamp({ subMicroseconds: 'round' }));
  const truncating = coercer(types.timestamp({ subMicroseconds: 'truncate' }));

  it('refuses digits beyond the microsecond by default, naming the opt-ins; never truncates silently', () => {
    for (const text of ['2026-12-06T10:00:00.123456789Z', '2026-12-06T10:00:00.1234565Z', '2026-12-06T10:00:00.1234561+01:00'])
      expect(rejecting(text)).toMatchObject({ rule: 'timestamp', message: expect.stringContaining("subMicroseconds: 'round'") });
    expect(rejecting('2026-12-06T10:00:00.123456000Z')).toBe('2026-12-06 10:00:00.123456'); // zeros lose nothing
  });

  it('rounds half up, or truncates, when the column says so — carrying into the next second, day and year', () => {
    expect(rounding('2026-12-06T10:00:00.123456789Z')).toBe('2026-12-06 10:00:00.123457');
    expect(rounding('2026-12-06T10:00:00.1234565Z')).toBe('2026-12-06 10:00:00.123457');
    expect(rounding('2026-12-06T10:00:00.1234564999Z')).toBe('2026-12-06 10:00:00.123456');
    expect(rounding('2026-12-31T23:59:59.9999995Z')).toBe('2027-01-01 00:00:00');
    expect(truncating('2026-12-06T10:00:00.123456789Z')).toBe('2026-12-06 10:00:00.123456');
    expect(truncating('2026-12-06T10:00:00.1234569+02:00')).toBe('2026-12-06 08:00:00.123456');
    expect(rounding('9999-12-31T23:59:59.9999999Z')).toMatchObject({ rule: 'timestamp' });
  });

  it('takes offsets up to ±14:00 and refuses any beyond, never shifting by them', () => {
    expect(rejecting('2026-12-06T10:00:00+14:00')).toBe('2026-12-05 20:00:00');
    expect(rejecting('2026-12-06T10:00:00-12:00')).toBe('2026-12-06 22:00:00');
    expect(rejecting('0050-06-01T10:00:00+01:00')).toBe('0050-06-01 09:00:00');
    for (const text of ['2026-12-06T10:00:00+25:00', '2026-12-06T10:00:00-14:30', '2026-12-06T10:00:00+05:60', '2026-12-06T10:00:00+1500'])
      expect(rejecting(text)).toMatchObject({ rule: 'timestamp', message: expect.stringContaining('±14:00') });
  });
});

describe('numbers as the source wrote them (parseJsonExact)', () => {
  const value = (text: string) => (parseJsonExact(`{"v":${text}}`) as { v: unknown }).v;

  it('rounds the true decimal, not a double near it: 0.12499999999999999999 is 0.12', () => {
    expect(accepts(types.decimal(12, 2), value('0.12499999999999999999'))).toBe('0.12');
    expect(accepts(types.decimal(12, 2), value('0.125'))).toBe('0.13');
    expect(accepts(types.decimal(12, 2), JSON.parse('0.12499999999999999999'))).toBe('0.13'); // what a double made of it
  });

  it('keeps 20 digits exactly, in DECIMAL and BIGINT range checks alike', () => {
    expect(accepts(types.decimal(38, 0), value('12345678901234567890'))).toBe('12345678901234567890');
    expect(accepts(types.decimal(38, 18), value('1.234567890123456789'))).toBe('1.234567890123456789');
    expect(accepts(types.decimal(30, 10), value('1234567890.12345678901'))).toBe('1234567890.1234567890');
    expect(refuses(types.bigint(), value('12345678901234567890'))).toMatchObject({
      rule: 'range',
      message: expect.stringContaining('BIGINT'),
    });
    expect(accepts(types.bigint(), value('9223372036854775807'))).toBe('9223372036854775807');
    expect(accepts(types.bigint(), value('1.5e3'))).toBe('1500');
    expect(refuses(types.bigint(), value('12345678901234567.5'))).toMatchObject({ rule: 'type' });
  });

  it('refuses 1e309 and 1e-400 as out of range in every numeric type, never NULL or 0', () => {
    for (const type of [types.decimal(12, 2), types.bigint(), types.double()])
      expect(refuses(type, value('1e309'))).toMatchObject({ rule: 'range', message: expect.stringContaining('1e309') });
    expect(refuses(types.double(), value('1e-400'))).toMatchObject({ rule: 'range' });
    expect(accepts(types.decimal(12, 2), value('1e-400'))).toBe('0.00'); // rounds to zero at scale 2, as 1e-7 does
    expect(refuses(types.decimal(12, 2), value('1e999999999'))).toMatchObject({ rule: 'range' }); // no 10^999999999 is built
  });

  it('writes them back verbatim, and keeps plain numbers plain', () => {
    expect(JSON.stringify(parseJsonExact('{"a":0.12499999999999999999,"b":[1e309],"c":"x"}'))).toBe(
      '{"a":0.12499999999999999999,"b":[1e309],"c":"x"}',
    );
    expect(parseJsonExact('{"a":1.5,"b":"2026-12-06T10:00:00.123456Z"}')).toEqual({ a: 1.5, b: '2026-12-06T10:00:00.123456Z' });
    expect(refuses(types.varchar(10), value('12345678901234567890'))).toMatchObject({
      message: expect.stringContaining('12345678901234567890'),
    });
  });
});
