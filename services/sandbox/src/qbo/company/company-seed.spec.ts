import * as path from 'node:path';

import { DEFAULT_FIXTURES_DIR, QBO_SCHEMA_FILE } from '../../config/sandbox.config';
import { findUnknownProperty } from '../schema/property-check';
import { XsdCatalogue } from '../schema/xsd-catalogue';
import { Company, ENTITY_NAMES } from './company';
import { seedCompany } from './company-seed';

describe('seedCompany', () => {
  const company = new Company('1');

  seedCompany(company, new Date('2026-07-01T12:00:00Z'));
  const catalogue = XsdCatalogue.load(path.join(DEFAULT_FIXTURES_DIR, QBO_SCHEMA_FILE));

  it.each(ENTITY_NAMES.map((name) => [name]))('seeds %s objects that match the XSD', (entity) => {
    for (const object of company.list(entity)) {
      expect(findUnknownProperty(catalogue, entity, object)).toBeUndefined();
    }
  });

  it('seeds the chart of accounts and the default accounts', () => {
    const names = company.list('Account').map((account) => account.Name);

    expect(names).toEqual(
      expect.arrayContaining([
        'Sales of Product Income',
        'Services',
        'Undeposited Funds',
        'Inventory Asset',
        'Cost of Goods Sold',
        'Checking',
        'Shipping Income',
      ]),
    );
    expect(company.get('Account', company.defaults.undepositedFundsAccountId)?.Name).toBe(
      'Undeposited Funds',
    );
  });

  it('seeds TAX, NON and a 6% state tax', () => {
    expect(company.get('TaxCode', 'TAX')?.Taxable).toBe(true);
    expect(company.get('TaxCode', 'NON')?.Taxable).toBe(false);
    expect(company.list('TaxRate').map((rate) => rate.RateValue)).toEqual([6]);
  });
});
