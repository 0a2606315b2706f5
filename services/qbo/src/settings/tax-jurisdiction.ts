import { type Address, type QboPostingSettings } from '@qbsync/contracts';

export type TaxJurisdiction = QboPostingSettings['tax']['jurisdictions'][number];

/**
 * Picks the tax code of the most specific jurisdiction row that matches `address` (the ship-to,
 * else the bill-to): a row naming city, county and state beats one naming only the state, which
 * beats one naming only the country. County and city compare after normalising case, spacing and
 * a trailing "County" or "Parish", so `Dane` matches `Dane County`. Returns undefined when no row
 * matches.
 */
export function pickJurisdictionTaxCode(
  jurisdictions: readonly TaxJurisdiction[],
  address: (Address & { county?: string }) | undefined,
): string | undefined {
  if (!address) {
    return undefined;
  }

  const country = (address.countryCode ?? address.country ?? '').trim().toUpperCase();
  let best: { code: string; score: number } | undefined;

  for (const row of jurisdictions) {
    const score = matchScore(row, address, country);

    if (score !== undefined && (!best || score > best.score)) {
      best = { code: row.taxCode, score };
    }
  }

  return best?.code;
}

/** Returns how many parts of `row` matched, or undefined when any part it names differs. */
function matchScore(
  row: TaxJurisdiction,
  address: Address & { county?: string },
  country: string,
): number | undefined {
  if (row.country !== country) {
    return undefined;
  }

  let score = 0;

  if (row.state !== undefined) {
    const state =
      normalise(address.regionCode) === normalise(row.state) ||
      normalise(address.region) === normalise(row.state);

    if (!state) {
      return undefined;
    }

    score += 1;
  }

  if (row.county !== undefined) {
    if (normalisePlace(address.county) !== normalisePlace(row.county)) {
      return undefined;
    }

    score += 2;
  }

  if (row.city !== undefined) {
    if (normalisePlace(address.city) !== normalisePlace(row.city)) {
      return undefined;
    }

    score += 4;
  }

  return score;
}

function normalise(value: string | undefined): string {
  return (value ?? '').replace(/\s+/g, ' ').trim().toLowerCase();
}

function normalisePlace(value: string | undefined): string {
  return normalise(value).replace(/ (county|parish)$/, '');
}
