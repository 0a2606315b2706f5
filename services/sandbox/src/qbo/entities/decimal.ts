/**
 * Exact decimal arithmetic for money. JSON numbers are read through their shortest decimal text,
 * so 0.1 is exactly one tenth, and every amount ends as an integer number of cents.
 */
export interface Decimal {
  /** The value times 10^scale. */
  units: bigint;
  scale: number;
}

const decimalPattern = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parses a JSON number or numeric string. Returns undefined for anything else. */
export function parseDecimal(value: unknown): Decimal | undefined {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return undefined;
  }

  if (typeof value !== 'number' && typeof value !== 'string') {
    return undefined;
  }

  const match = decimalPattern.exec(String(value).trim());
  const whole = match?.[2] ?? '';
  const fraction = match?.[3] ?? '';

  if (!match || whole.length + fraction.length === 0) {
    return undefined;
  }

  const exponent = Number(match[4] ?? '0');
  const digits = BigInt(whole + fraction);
  const sign = match[1] === '-' ? -1n : 1n;
  const scale = fraction.length - exponent;

  return scale >= 0
    ? { units: sign * digits, scale }
    : { units: sign * digits * 10n ** BigInt(-scale), scale: 0 };
}

/**
 * Divides and rounds half away from zero. NOTE: QBO's rounding of computed tax and percent
 * discounts is assumed to be the same, so a half-even QBO would differ by a cent on exact halves.
 */
function divideRounded(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = (n * 2n + d) / (d * 2n);

  return negative ? -quotient : quotient;
}

/** Rounds a decimal to whole cents. */
export function decimalToCents(value: Decimal): number {
  return Number(divideRounded(value.units * 100n, 10n ** BigInt(value.scale)));
}

/** Multiplies two decimals (a quantity and a unit price) and rounds the product to cents. */
export function multiplyToCents(left: Decimal, right: Decimal): number {
  return decimalToCents({ units: left.units * right.units, scale: left.scale + right.scale });
}

/** Returns `percent`% of an amount in cents, rounded to cents. */
export function percentOfCents(cents: number, percent: Decimal): number {
  return Number(divideRounded(BigInt(cents) * percent.units, 100n * 10n ** BigInt(percent.scale)));
}

/**
 * Returns the tax contained in a tax-inclusive amount: amount × rate / (100 + rate), rounded
 * to cents.
 */
export function includedTaxOfCents(cents: number, percent: Decimal): number {
  const scaleFactor = 10n ** BigInt(percent.scale);

  return Number(divideRounded(BigInt(cents) * percent.units, 100n * scaleFactor + percent.units));
}

/** Converts cents back to a JSON number, for example 59894 to 598.94. */
export function centsToAmount(cents: number): number {
  return cents / 100;
}

/** Converts a decimal to a JSON number for output. */
export function decimalToNumber(value: Decimal): number {
  return Number(value.units) / 10 ** value.scale;
}
