import { Injectable } from '@nestjs/common';

import { CompanyListsService } from '../lists/company-lists.service';
import { type CompanyListsSnapshot, type ListEntry } from '../lists/company-lists.types';
import { PostingError, PostingErrorCode } from '../posting/posting.errors';
import { matchKey } from './entity-reference.repository';
import { type EntityKind } from './entity-reference.schema';
import { type QboSession } from './qbo-session';

export interface CompanySettings {
  homeCurrency: string;
  multiCurrencyEnabled: boolean;
  /** QuickBooks' automated sales tax (`Preferences.TaxPrefs.PartnerTaxEnabled`). */
  automatedSalesTax: boolean;
  /** ISO country of the company; every country but the US taxes with VAT/GST codes on lines. */
  country: string;
}

/** Income account that created items post to, by its QuickBooks name. */
export const PRODUCT_INCOME_ACCOUNT = 'Sales of Product Income';

/** Field of the company lists snapshot that contains each list posting references by name. */
const LIST_FIELDS = {
  account: 'accounts',
  class: 'classes',
  department: 'locations',
  tax_code: 'taxCodes',
  payment_method: 'paymentMethods',
} as const satisfies Record<Exclude<EntityKind, 'customer' | 'item'>, keyof CompanyListsSnapshot>;

export type ListKind = keyof typeof LIST_FIELDS;

const LIST_LABELS: Record<ListKind, string> = {
  account: 'account',
  class: 'class',
  department: 'location',
  tax_code: 'tax code',
  payment_method: 'payment method',
};

/**
 * Age of the cached lists after which a name that is missing from them, or inactive there, makes
 * the lists reload once before the order fails. An entry created or reactivated in QuickBooks
 * since the last reload is then found, while a name that is missing for every order of a burst
 * costs one reload a minute, not one API call per order.
 */
const MISSING_ENTRY_RELOAD_MILLISECONDS = 60_000;

/**
 * Reads the company facts posting needs (currency, tax setup and list entries) from the company
 * lists cache, so a warm order spends no API call on them. The cache reloads on its schedule,
 * after a list webhook, and after QuickBooks rejects a reference (see `reloadLists`).
 */
@Injectable()
export class CompanySettingsService {
  constructor(private readonly lists: CompanyListsService) {}

  /** `refresh`: read the lists from QuickBooks even when the cache has them. */
  async get(session: QboSession, refresh = false): Promise<CompanySettings> {
    let snapshot = await this.lists.get(session.accountId, { refresh });

    if (
      snapshot.preferences.country === undefined ||
      snapshot.preferences.automatedSalesTax === undefined
    ) {
      // A snapshot stored before the lists carried the country and automated sales tax.
      snapshot = await this.lists.get(session.accountId, { refresh: true });
    }

    const { preferences } = snapshot;

    return {
      homeCurrency: preferences.homeCurrency,
      multiCurrencyEnabled: preferences.multiCurrencyEnabled,
      automatedSalesTax: preferences.automatedSalesTax ?? false,
      country: preferences.country ?? 'US',
    };
  }

  /**
   * Reloads the company lists at once. The document writer calls it after QuickBooks rejected a
   * reference (2500 or 610), before it builds the document again.
   */
  async reloadLists(session: QboSession, reason: string): Promise<void> {
    await this.lists.reload(session.accountId, reason);
  }

  /** Finds an account by name; a missing one fails the order with the account named. */
  async findAccountId(session: QboSession, name: string): Promise<string> {
    return this.findListEntryId(session, 'account', name);
  }

  /**
   * Finds a list entry (account, class, location, tax code, payment method) by its name, exactly
   * but case-insensitively, or by its full `Parent:Child` name. A missing or inactive entry fails
   * the order naming it, because posting to another one would put the money in the wrong place.
   */
  async findListEntryId(session: QboSession, kind: ListKind, name: string): Promise<string> {
    let snapshot = await this.lists.get(session.accountId);
    let rows = findEntries(snapshot, kind, name);
    const ageMs = Date.now() - new Date(snapshot.refreshedAt).getTime();

    if (!rows.some((row) => row.active) && ageMs > MISSING_ENTRY_RELOAD_MILLISECONDS) {
      snapshot = await this.lists.get(session.accountId, { refresh: true });
      rows = findEntries(snapshot, kind, name);
    }

    const active = rows.find((row) => row.active);

    if (!active) {
      const label = LIST_LABELS[kind];

      throw new PostingError(
        rows.length > 0
          ? `The QuickBooks ${label} "${name}" is inactive`
          : `QuickBooks has no ${label} named "${name}"`,
        `Create or reactivate the ${label} "${name}" in QuickBooks Online, or change the QuickBooks Online settings or the rule that names it, then re-sync the order`,
        kind === 'account' ? PostingErrorCode.AccountNotFound : PostingErrorCode.ListEntryNotFound,
      );
    }

    return active.id;
  }
}

/**
 * Returns the entries of `kind` that `name` names. A name with `:` is compared with the full
 * name, and so is every tax code, because tax codes have no parents. Other names are compared
 * with the last part of the full name, as a QuickBooks query on `Name` matches a sub-account.
 */
function findEntries(snapshot: CompanyListsSnapshot, kind: ListKind, name: string): ListEntry[] {
  const entries: ListEntry[] = snapshot[LIST_FIELDS[kind]];
  const expectedKey = matchKey(name);
  const byFullName = kind === 'tax_code' || name.includes(':');

  return entries.filter((entry) => {
    const entryName = byFullName ? entry.name : (entry.name.split(':').pop() ?? entry.name);

    return matchKey(entryName) === expectedKey;
  });
}
