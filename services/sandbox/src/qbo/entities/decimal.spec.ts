import {
  centsToAmount,
  decimalToCents,
  includedTaxOfCents,
  multiplyToCents,
  parseDecimal,
  percentOfCents,
} from './decimal';

function decimal(value: unknown) {
  const parsed = parseDecimal(value);

  if (!parsed) {
    throw new Error(`not a decimal: ${String(value)}`);
  }

  return parsed;
}

describe('parseDecimal', () => {
  it.each([
    [199, 19900],
    ['199.00', 19900],
    [0.1, 10],
    [598.94, 59894],
    [-3.335, -334],
    [1e2, 10000],
    ['2.5e-1', 25],
  ])('reads %p as %p cents', (input, cents) => {
    expect(decimalToCents(decimal(input))).toBe(cents);
  });

  it.each([['abc'], [''], ['.'], [NaN], [Infinity], [null], [{}], [true]])(
    'rejects %p',
    (input) => {
      expect(parseDecimal(input)).toBeUndefined();
    },
  );
});

describe('multiplyToCents', () => {
  it('multiplies quantity and unit price exactly', () => {
    expect(multiplyToCents(decimal(3), decimal(199))).toBe(59700);
    expect(multiplyToCents(decimal(0.1), decimal(0.2))).toBe(2);
    expect(multiplyToCents(decimal(1.5), decimal('33.333'))).toBe(5000);
  });
});

describe('percentOfCents', () => {
  it('rounds half away from zero', () => {
    expect(percentOfCents(19900, decimal(6))).toBe(1194);
    expect(percentOfCents(12345, decimal('8.25'))).toBe(1018);
    expect(percentOfCents(50, decimal(1))).toBe(1);
  });
});

describe('includedTaxOfCents', () => {
  it('extracts the tax contained in a gross amount', () => {
    expect(includedTaxOfCents(10600, decimal(6))).toBe(600);
    expect(includedTaxOfCents(21094, decimal(6))).toBe(1194);
  });
});

describe('centsToAmount', () => {
  it('returns the shortest decimal number', () => {
    expect(centsToAmount(59894)).toBe(598.94);
    expect(String(centsToAmount(1))).toBe('0.01');
  });
});
