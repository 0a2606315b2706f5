import { Injectable, Logger } from '@nestjs/common';

import { SandboxClock } from '../../common/sandbox-clock';
import { Company, type CompanySettings } from './company';
import { seedCompany } from './company-seed';

/** All sandbox companies, by realm id. A company is created and seeded on first use. */
@Injectable()
export class CompanyStore {
  private readonly logger = new Logger(CompanyStore.name);
  private readonly companies = new Map<string, Company>();

  constructor(private readonly clock: SandboxClock) {}

  get(realmId: string): Company | undefined {
    return this.companies.get(realmId);
  }

  getOrCreate(realmId: string): Company {
    return this.companies.get(realmId) ?? this.create(realmId);
  }

  /** Replaces the realm's company with a freshly seeded one, with default settings. */
  reset(realmId: string): Company {
    this.companies.delete(realmId);
    const company = this.create(realmId);

    this.logger.log({ message: 'Company reset', realmId });

    return company;
  }

  /** Changes settings and mirrors the ones QBO exposes into Preferences. */
  updateSettings(realmId: string, changes: Partial<CompanySettings>): CompanySettings {
    const company = this.getOrCreate(realmId);

    Object.assign(company.settings, changes);
    const preferences = company.get('Preferences', '1');
    const currencyPrefs = preferences?.CurrencyPrefs as Record<string, unknown> | undefined;

    if (currencyPrefs) {
      currencyPrefs.MultiCurrencyEnabled = company.settings.multiCurrencyEnabled;
    }

    return { ...company.settings };
  }

  private create(realmId: string): Company {
    const company = new Company(realmId);

    seedCompany(company, this.clock.now());
    this.companies.set(realmId, company);
    this.logger.log({ message: 'Company created', realmId });

    return company;
  }
}
