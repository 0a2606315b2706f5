import { Injectable } from '@nestjs/common';

import { quoteQueryValue } from '../api/qbo-api.client';
import { PostingError, PostingErrorCode } from '../posting/posting.errors';
import { EntityReferenceRepository } from './entity-reference.repository';
import { type EntityKind } from './entity-reference.schema';
import { type QboAccount, type QboCompanyInfo, type QboPreferences } from './qbo-entities';
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

/** QuickBooks list entities posting references by name, with the entity and field to query. */
const LIST_ENTITIES: Record<Exclude<EntityKind, 'customer' | 'item'>, { entity: string }> = {
  account: { entity: 'Account' },
  class: { entity: 'Class' },
  department: { entity: 'Department' },
  tax_code: { entity: 'TaxCode' },
  payment_method: { entity: 'PaymentMethod' },
};

const LIST_LABELS: Record<keyof typeof LIST_ENTITIES, string> = {
  account: 'account',
  class: 'class',
  department: 'location',
  tax_code: 'tax code',
  payment_method: 'payment method',
};

/**
 * Time company preferences are reused before they are read again. Multicurrency or automated
 * sales tax turned on in QuickBooks takes effect within this time, or at once where a check reads
 * the preferences again before failing an order.
 */
const PREFERENCES_TTL_MILLISECONDS = 10 * 60_000;

/** Reads and remembers the company facts posting needs: currency, tax setup and list entries. */
@Injectable()
export class CompanySettingsService {
  private readonly settings = new Map<string, { value: CompanySettings; readAt: number }>();

  constructor(private readonly references: EntityReferenceRepository) {}

  /** `refresh`: read the preferences from QuickBooks even when they were read recently. */
  async get(session: QboSession, refresh = false): Promise<CompanySettings> {
    const known = this.settings.get(session.realmId);

    if (known && !refresh && Date.now() - known.readAt < PREFERENCES_TTL_MILLISECONDS) {
      return known.value;
    }

    const body = await session.read<{ Preferences: QboPreferences }>('preferences');
    const info = await session.read<{ CompanyInfo: QboCompanyInfo }>(
      `companyinfo/${encodeURIComponent(session.realmId)}`,
    );
    const prefs = body.Preferences.CurrencyPrefs;
    const settings: CompanySettings = {
      homeCurrency: prefs?.HomeCurrency?.value ?? 'USD',
      multiCurrencyEnabled: prefs?.MultiCurrencyEnabled ?? false,
      automatedSalesTax: body.Preferences.TaxPrefs?.PartnerTaxEnabled ?? false,
      country: normaliseCountry(info.CompanyInfo.Country),
    };

    this.settings.set(session.realmId, { value: settings, readAt: Date.now() });

    return settings;
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
  async findListEntryId(
    session: QboSession,
    kind: keyof typeof LIST_ENTITIES,
    name: string,
  ): Promise<string> {
    const known = await this.references.find(session.realmId, kind, name);

    if (known) {
      return known;
    }

    const { entity } = LIST_ENTITIES[kind];
    const field = name.includes(':') && kind !== 'tax_code' ? 'FullyQualifiedName' : 'Name';
    const rows = await session.query<QboAccount & { Active?: boolean }>(
      entity,
      `select * from ${entity} where ${field} = ${quoteQueryValue(name)}`,
    );
    const active = rows.find((row) => row.Active !== false);

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

    await this.references.save(session.realmId, kind, name, active.Id);

    return active.Id;
  }
}

function normaliseCountry(country: string | undefined): string {
  const value = (country ?? 'US').trim().toUpperCase();

  return value === 'USA' || value === 'UNITED STATES' ? 'US' : value;
}
