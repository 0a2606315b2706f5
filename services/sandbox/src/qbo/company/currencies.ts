/** Currencies a sandbox company accepts in CurrencyRef, with the names QBO returns. */
export const CURRENCY_NAMES: Readonly<Record<string, string>> = {
  USD: 'United States Dollar',
  EUR: 'Euro',
  GBP: 'British Pound Sterling',
  CAD: 'Canadian Dollar',
  AUD: 'Australian Dollar',
  JPY: 'Japanese Yen',
  CHF: 'Swiss Franc',
  MXN: 'Mexican Peso',
};

/** Sandbox companies are US companies, like Intuit's default sandbox company. */
export const HOME_CURRENCY = 'USD';

export function homeCurrencyRef(): { value: string; name: string } {
  return { value: HOME_CURRENCY, name: CURRENCY_NAMES[HOME_CURRENCY] };
}
