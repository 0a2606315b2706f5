/**
 * ISO 4217 minor-unit exponents for the currencies the channels sell in. A currency that is not
 * listed here is rejected by the order contract rather than guessed at, because a wrong exponent
 * would move every amount by a factor of ten.
 */
const MINOR_UNIT_EXPONENTS: Readonly<Record<string, number>> = {
  AED: 2,
  ARS: 2,
  AUD: 2,
  BGN: 2,
  BHD: 3,
  BRL: 2,
  CAD: 2,
  CHF: 2,
  CLP: 0,
  CNY: 2,
  COP: 2,
  CZK: 2,
  DKK: 2,
  EGP: 2,
  EUR: 2,
  GBP: 2,
  HKD: 2,
  HUF: 2,
  IDR: 2,
  ILS: 2,
  INR: 2,
  ISK: 0,
  JOD: 3,
  JPY: 0,
  KRW: 0,
  KWD: 3,
  MXN: 2,
  MYR: 2,
  NGN: 2,
  NOK: 2,
  NZD: 2,
  OMR: 3,
  PEN: 2,
  PHP: 2,
  PKR: 2,
  PLN: 2,
  QAR: 2,
  RON: 2,
  RSD: 2,
  SAR: 2,
  SEK: 2,
  SGD: 2,
  THB: 2,
  TND: 3,
  TRY: 2,
  TWD: 2,
  UAH: 2,
  USD: 2,
  VND: 0,
  XAF: 0,
  XOF: 0,
  ZAR: 2,
};

export function isKnownCurrency(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(MINOR_UNIT_EXPONENTS, code);
}

/** Returns the number of decimal places of `code`'s minor unit (2 for USD, 0 for JPY, 3 for KWD). */
export function minorUnitExponent(code: string): number {
  const exponent = MINOR_UNIT_EXPONENTS[code];

  if (exponent === undefined) {
    throw new RangeError(
      `Unknown currency code "${code}": use an ISO 4217 code such as USD or EUR`,
    );
  }

  return exponent;
}
