import { Injectable } from '@nestjs/common';

import { type CompanySeedOptions, seedCompany } from './company/company-seed';
import { type QuickBooksCompany } from './company/quickbooks-company';

/** The simulated QuickBooks Desktop company files of this sandbox, by id. */
@Injectable()
export class QbwcStore {
  private readonly companies = new Map<string, QuickBooksCompany>();

  create(id: string, options: CompanySeedOptions): QuickBooksCompany {
    const company = seedCompany(options);

    this.companies.set(id, company);

    return company;
  }

  get(id: string): QuickBooksCompany | undefined {
    return this.companies.get(id);
  }
}
