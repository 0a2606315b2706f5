import { Injectable } from '@nestjs/common';

import { PostingError, PostingErrorCode } from '../posting/posting.errors';
import { EntityReferenceRepository } from './entity-reference.repository';
import { type QboAccount, type QboPreferences } from './qbo-entities';
import { quoteQueryValue } from '../api/qbo-api.client';
import { type QboSession } from './qbo-session';

export interface CompanySettings {
  homeCurrency: string;
  multiCurrencyEnabled: boolean;
}

/** Income account that created items post to, by its QuickBooks name. */
export const PRODUCT_INCOME_ACCOUNT = 'Sales of Product Income';

/** Reads and remembers the company facts posting needs: home currency and accounts. */
@Injectable()
export class CompanySettingsService {
  private readonly settings = new Map<string, CompanySettings>();

  constructor(private readonly references: EntityReferenceRepository) {}

  async get(session: QboSession): Promise<CompanySettings> {
    const known = this.settings.get(session.realmId);

    if (known) {
      return known;
    }

    const body = await session.read<{ Preferences: QboPreferences }>('preferences');
    const prefs = body.Preferences.CurrencyPrefs;
    const settings = {
      homeCurrency: prefs?.HomeCurrency?.value ?? 'USD',
      multiCurrencyEnabled: prefs?.MultiCurrencyEnabled ?? false,
    };

    this.settings.set(session.realmId, settings);

    return settings;
  }

  /** Finds an account by name; a missing one fails the order with the account named. */
  async findAccountId(session: QboSession, name: string): Promise<string> {
    const known = await this.references.find(session.realmId, 'account', name);

    if (known) {
      return known;
    }

    const [account] = await session.query<QboAccount>(
      'Account',
      `select * from Account where Name = ${quoteQueryValue(name)}`,
    );

    if (!account) {
      throw new PostingError(
        `QuickBooks has no account named "${name}"`,
        `Create the account "${name}" in QuickBooks Online, then save the order again in the channel to re-sync it`,
        PostingErrorCode.AccountNotFound,
      );
    }

    await this.references.save(session.realmId, 'account', name, account.Id);

    return account.Id;
  }
}
