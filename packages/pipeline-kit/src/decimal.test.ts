import { formatDecimal, multiply, multiplyDecimalText, parseDecimal } from './decimal';

describe('multiplyDecimalText', () => {
  it('multiplies exactly at the sum of the scales', () => {
    expect(multiplyDecimalText('3', '19.99')).toBe('59.97');
    expect(multiplyDecimalText('0.1', '3')).toBe('0.3');
    expect(multiplyDecimalText('-2', '0.05')).toBe('-0.10');
    expect(multiplyDecimalText('0', '-1.50')).toBe('0.00');
    expect(multiplyDecimalText('10000', '9999999999.99')).toBe('99999999999900.00');
  });

  it('takes the bigint path beyond what a double holds exactly, with the same answer', () => {
    expect(multiplyDecimalText('123456789012345678', '2.5')).toBe('308641972530864195.0');
    expect(multiplyDecimalText('99999999.99', '99999999.99')).toBe('9999999998000000.0001');
  });

  it('reads the same text as the exact path at the edges of the fast one', () => {
    expect(multiplyDecimalText('123456789012345', '1')).toBe('123456789012345'); // 15 digits: fast
    expect(multiplyDecimalText('1234567890123456', '1')).toBe('1234567890123456'); // 16: exact path
    expect(multiplyDecimalText('-0', '2.50')).toBe('0.00');
    expect(multiplyDecimalText('.5', '2')).toBe('1.0'); // not plain: the exact path reads it
    expect(multiplyDecimalText('+1.5', '2')).toBe('3.0');
    for (const bad of ['5.', '-.5', '1.2.3', '-', '', '1e3', '1,5', ' 1']) {
      if (parseDecimal(bad) === undefined) expect(() => multiplyDecimalText(bad, '2')).toThrow(TypeError);
      else expect(multiplyDecimalText(bad, '2')).toBe(formatDecimal(multiply(parseDecimal(bad)!, parseDecimal('2')!)));
    }
  });

  it('agrees with the bigint arithmetic on many random operands', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const operand = () => {
      const whole = String(next() % 10 ** (next() % 9));
      const scale = next() % 4;
      const text = scale === 0 ? whole : `${whole}.${String(next() % 10 ** scale).padStart(scale, '0')}`;
      return next() % 5 === 0 ? `-${text}` : text;
    };
    for (let i = 0; i < 5000; i++) {
      const [a, b] = [operand(), operand()];
      expect(multiplyDecimalText(a, b)).toBe(formatDecimal(multiply(parseDecimal(a)!, parseDecimal(b)!)));
    }
  });

  it('refuses text that is not a decimal', () => {
    expect(() => multiplyDecimalText('3', 'x')).toThrow('cannot multiply "3" by "x"');
  });
});
