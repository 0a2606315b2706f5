import { decimalToMinor, isKnownCurrency, minorUnitExponent } from '@qbsync/contracts';

import { ChannelPayloadError } from '../channel/channel-adapter';

/**
 * Returns `code` when it is an ISO 4217 currency the contracts know, else throws a
 * `ChannelPayloadError` naming `field`. An unknown currency is rejected rather than guessed at,
 * because a wrong minor-unit exponent moves every amount by a factor of ten.
 */
export function readCurrency(code: unknown, field: string, channelOrderId?: string): string {
  if (typeof code !== 'string' || !isKnownCurrency(code.trim().toUpperCase())) {
    throw new ChannelPayloadError(
      `${field}: ${JSON.stringify(code)} is not a supported ISO 4217 currency code; ` +
        'expected one such as "USD" or "EUR"',
      field,
      channelOrderId,
    );
  }

  return code.trim().toUpperCase();
}

/**
 * Converts a decimal amount (string or JSON number) into integer minor units of `currency`,
 * rejecting more decimal places than the currency has. Throws `ChannelPayloadError` naming
 * `field` when the value is not a decimal number.
 */
export function readDecimal(
  value: unknown,
  currency: string,
  field: string,
  channelOrderId?: string,
): number {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw invalidAmount(value, currency, field, channelOrderId);
  }

  try {
    return decimalToMinor(value, currency);
  } catch (error) {
    throw invalidAmount(value, currency, field, channelOrderId, error);
  }
}

/**
 * Converts a decimal amount that the channel sends with more places than the currency has
 * (BigCommerce sends "62.6793") into minor units, rounding half away from zero. The digits are
 * rounded as text, so no binary floating-point error enters the result.
 */
export function readRoundedDecimal(
  value: unknown,
  currency: string,
  field: string,
  channelOrderId?: string,
): number {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;

  if (typeof text !== 'string') {
    throw invalidAmount(value, currency, field, channelOrderId);
  }

  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text.trim());

  if (!match) {
    throw invalidAmount(value, currency, field, channelOrderId);
  }

  const [, sign, whole, fraction = ''] = match;
  const exponent = minorUnitExponent(currency);
  const kept = fraction.padEnd(exponent, '0').slice(0, exponent);
  const roundUp = (fraction[exponent] ?? '0') >= '5';
  const magnitude = Number(whole + kept) + (roundUp ? 1 : 0);

  if (!Number.isSafeInteger(magnitude)) {
    throw invalidAmount(value, currency, field, channelOrderId);
  }

  return sign && magnitude !== 0 ? -magnitude : magnitude;
}

/**
 * Reads an amount the channel already sends in minor units (Square `amount_money.amount`,
 * Etsy ledger `amount`). Throws `ChannelPayloadError` unless it is a safe integer.
 */
export function readMinorInteger(value: unknown, field: string, channelOrderId?: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new ChannelPayloadError(
      `${field}: ${JSON.stringify(value)} must be a whole number of the currency's minor unit ` +
        '(cents for USD)',
      field,
      channelOrderId,
    );
  }

  return value;
}

/**
 * Splits a line's total for `quantity` units (Amazon `ItemPrice`, eBay `lineItemCost`, Walmart
 * `chargeAmount`) into a whole unit price and a remainder. When the total does not divide evenly
 * the unit price is rounded up and the remainder becomes a line discount, so
 * `unitPrice × quantity − remainder` reproduces the channel's total exactly.
 */
export function splitLineTotal(
  total: number,
  quantity: number,
): { unitPrice: number; remainder: number } {
  const unitPrice = Math.ceil(total / quantity);

  return { unitPrice, remainder: unitPrice * quantity - total };
}

/** Formats a percentage such as "8.5" or 8.25 as the contract's rate fraction ("0.085"). */
export function percentToRate(percent: string | number): string {
  const text = typeof percent === 'number' ? percent.toFixed(10) : percent.trim();
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);

  if (!match) {
    return '0';
  }

  const [, whole, fraction = ''] = match;
  const digits = (whole.padStart(3, '0') + fraction).replace(/^0+(?=\d)/, '');
  const padded = digits.padStart(fraction.length + 3, '0');
  const integerPart = padded.slice(0, padded.length - fraction.length - 2) || '0';
  const fractionPart = padded.slice(padded.length - fraction.length - 2).replace(/0+$/, '');

  return fractionPart ? `${Number(integerPart)}.${fractionPart}` : String(Number(integerPart));
}

function invalidAmount(
  value: unknown,
  currency: string,
  field: string,
  channelOrderId?: string,
  cause?: unknown,
): ChannelPayloadError {
  const exponent = minorUnitExponent(currency);

  return new ChannelPayloadError(
    `${field}: ${JSON.stringify(value)} must be an amount in ${currency} with at most ` +
      `${exponent} decimal places, such as ${exponent === 0 ? '1500' : '12.50'}`,
    field,
    channelOrderId,
    cause === undefined ? undefined : { cause },
  );
}
