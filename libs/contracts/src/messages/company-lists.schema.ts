import { z } from 'zod';

import { POSTING_TARGETS } from './order-ready.schema';

/** Request: the QuickBooks lists the posting service keeps for an account's company. */
export const companyListsGetSchema = z.object({
  accountId: z.string().min(1),
  /** Read the lists from QuickBooks again instead of answering from the cache. */
  refresh: z.boolean().default(false),
});

export type CompanyListsGet = z.infer<typeof companyListsGetSchema>;

const namedEntry = z.object({
  /** QuickBooks' own id (Online) or ListID (Desktop). */
  id: z.string().min(1),
  /** Full name, with parents joined by `:` as QuickBooks shows it. */
  name: z.string().min(1),
  active: z.boolean(),
});

/**
 * Reply: the company's lists by QuickBooks name, so rules can be checked against what exists.
 * Lists the company does not use (price levels on QuickBooks Online, sites without Enterprise) are
 * empty.
 */
export const companyListsSchema = z.object({
  accountId: z.string(),
  target: z.enum(POSTING_TARGETS),
  refreshedAt: z.iso.datetime({ offset: true }),
  homeCurrency: z.string(),
  accounts: z.array(namedEntry.extend({ accountType: z.string() })),
  classes: z.array(namedEntry),
  locations: z.array(namedEntry),
  taxCodes: z.array(namedEntry),
  paymentMethods: z.array(namedEntry),
  terms: z.array(namedEntry),
  currencies: z.array(z.string()),
  priceLevels: z.array(namedEntry),
  salesReps: z.array(namedEntry),
  unitsOfMeasure: z.array(namedEntry),
  inventorySites: z.array(namedEntry),
});

export type CompanyLists = z.infer<typeof companyListsSchema>;
export type CompanyListEntry = z.infer<typeof namedEntry>;
