import { decimalToMinor, minorToDecimal } from './decimal';

describe('decimalToMinor', () => {
  it.each([
    ['598.94', 'USD', 59894],
    ['199', 'USD', 19900],
    ['0.1', 'USD', 10],
    ['-3.34', 'USD', -334],
    ['1500', 'JPY', 1500],
    ['1.234', 'KWD', 1234],
    ['10.500', 'USD', 1050],
  ])('converts %s %s', (value, currency, expected) => {
    expect(decimalToMinor(value, currency)).toBe(expected);
  });

  it('converts a float without drift', () => {
    expect(decimalToMinor(0.1 + 0.2 - 0.3 + 19.99, 'USD')).toBe(1999);
  });

  it('rejects more decimals than the currency has', () => {
    expect(() => decimalToMinor('1.005', 'USD')).toThrow(/more than 2 decimal places/);
  });

  it('rejects text that is not a number', () => {
    expect(() => decimalToMinor('12,50', 'USD')).toThrow(/expected a decimal number/);
  });

  it('rejects an unknown currency', () => {
    expect(() => decimalToMinor('1.00', 'XYZ')).toThrow(/Unknown currency code "XYZ"/);
  });
});

describe('minorToDecimal', () => {
  it.each([
    [59894, 'USD', '598.94'],
    [5, 'USD', '0.05'],
    [-334, 'USD', '-3.34'],
    [1500, 'JPY', '1500'],
    [1234, 'KWD', '1.234'],
  ])('formats %s %s', (minor, currency, expected) => {
    expect(minorToDecimal(minor, currency)).toBe(expected);
  });

  it('rejects a fractional amount', () => {
    expect(() => minorToDecimal(1.5, 'USD')).toThrow(/safe integer/);
  });
});
