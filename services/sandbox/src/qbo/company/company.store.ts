import { Injectable, Logger } from '@nestjs/common';

import { SandboxClock } from '../../common/sandbox-clock';
import { Company, type CompanySettings, type EntityChange } from './company';
import { seedCompany } from './company-seed';

/** All sandbox companies, by realm id. A company is created and seeded on first use. */
@Injectable()
export class CompanyStore {
  private readonly logger = new Logger(CompanyStore.name);
  private readonly companies = new Map<string, Company>();
  private readonly changeListeners: Array<(change: EntityChange) => void> = [];
  /** Limits given to companies created from now on; `PUT /__sandbox/limits` sets them. */
  private defaultLimits: Partial<CompanySettings> = {};

  constructor(private readonly clock: SandboxClock) {}

  get(realmId: string): Company | undefined {
    return this.companies.get(realmId);
  }

  getOrCreate(realmId: string): Company {
    return this.companies.get(realmId) ?? this.create(realmId);
  }

  /** Registers a function called after each change of any company's objects (not the seed). */
  addChangeListener(listener: (change: EntityChange) => void): void {
    this.changeListeners.push(listener);
  }

  /** Sets the limits of every existing company and of the companies created later. */
  setDefaultLimits(limits: Partial<CompanySettings>): void {
    this.defaultLimits = { ...limits };
    for (const company of this.companies.values()) {
      Object.assign(company.settings, limits);
    }
  }

  /** Replaces the realm's company with a freshly seeded one, with default settings and limits. */
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
    Object.assign(company.settings, this.defaultLimits);
    company.onChange = (change) => {
      for (const listener of this.changeListeners) {
        listener(change);
      }
    };
    this.companies.set(realmId, company);
    this.logger.log({ message: 'Company created', realmId });

    return company;
  }
}
