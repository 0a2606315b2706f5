import { minorUnitExponent } from './currency';

const DECIMAL_PATTERN = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Converts a decimal string such as "598.94" into integer minor units of `currency` (59894 for USD).
 * Channels send prices as decimal strings, and parsing them digit by digit keeps every cent exact.
 * More decimal places than the currency has are rejected, not rounded, because the caller has to
 * decide how such an amount should be rounded.
 */
export function decimalToMinor(value: string | number, currency: string): number {
  const text = typeof value === 'number' ? numberToPlainString(value) : value.trim();
  const match = DECIMAL_PATTERN.exec(text);

  if (!match) {
    throw new RangeError(`Invalid amount "${value}": expected a decimal number such as 12.50`);
  }

  const [, sign, whole, fraction = ''] = match;
  const exponent = minorUnitExponent(currency);
  const significantFraction = fraction.replace(/0+$/, '');

  if (significantFraction.length > exponent) {
    throw new RangeError(
      `Invalid amount "${value}" for ${currency}: it has more than ${exponent} decimal places`,
    );
  }

  const minor = Number(whole + fraction.padEnd(exponent, '0').slice(0, exponent));

  if (!Number.isSafeInteger(minor)) {
    throw new RangeError(`Invalid amount "${value}": it is too large to hold exactly`);
  }

  return sign && minor !== 0 ? -minor : minor;
}

/** Formats integer minor units of `currency` as a decimal string ("598.94" for 59894 USD). */
export function minorToDecimal(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) {
    throw new RangeError(`Invalid minor-unit amount ${minor}: expected a safe integer`);
  }

  const exponent = minorUnitExponent(currency);
  const digits = Math.abs(minor)
    .toString()
    .padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  const sign = minor < 0 ? '-' : '';

  return exponent === 0 ? `${sign}${whole}` : `${sign}${whole}.${fraction}`;
}

function numberToPlainString(value: number): string {
  if (!Number.isFinite(value)) {
    throw new RangeError(`Invalid amount ${value}: expected a finite number`);
  }

  // Up to 12 significant decimals covers every price a channel sends without exponent notation.
  return value.toFixed(12).replace(/\.?0+$/, '');
}
