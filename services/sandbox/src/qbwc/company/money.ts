/** Parses a qbXML AMTTYPE or PRICETYPE ("19.99", "-3.00", "5") into cents. */
export function toCents(value: string): number {
  const match = /^(-)?(\d*)(?:\.(\d*))?$/.exec(value.trim());

  if (!match || (match[2] === '' && (match[3] ?? '') === '')) {
    throw new RangeError(`"${value}" is not a number`);
  }

  const [, sign, whole = '0', fraction = ''] = match;
  const padded = `${fraction}000`.slice(0, 3);
  // Round half away from zero on the third decimal, as QuickBooks rounds line amounts.
  const thousandths = Number(whole || '0') * 1000 + Number(padded);
  const cents = Math.round(thousandths / 10);

  return sign ? -cents : cents;
}

/** Formats cents as a qbXML amount with two decimals. */
export function fromCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(cents);

  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`;
}
