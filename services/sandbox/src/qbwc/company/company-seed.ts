import { type CompanyFeatures, QuickBooksCompany } from './quickbooks-company';

export interface CompanySeedOptions {
  companyFile?: string;
  features?: Partial<CompanyFeatures>;
  /** Extra customers, vendors and employees, for name-clash scenarios. */
  vendors?: string[];
  employees?: string[];
  customers?: string[];
  /** Items that exist before the first order, by full name. */
  items?: string[];
}

/** The company file path the sandbox reports unless a test names another. */
export const DEFAULT_COMPANY_FILE =
  'C:\\Users\\Public\\Documents\\Intuit\\QuickBooks\\Company Files\\Sandbox Store.qbw';

/**
 * Creates a company file set up the way a QuickBooks Desktop company must be before pairing: the
 * chart of accounts (A/R, Undeposited Funds, a bank, income, COGS, inventory asset), sales tax on
 * with the `Tax` and `Non` codes and a tax item, terms, payment methods, a class, a sales rep and,
 * when the features are on, a price level, a unit of measure set, inventory sites and currencies.
 */
export function seedCompany(options: CompanySeedOptions = {}): QuickBooksCompany {
  const features: CompanyFeatures = {
    inventorySites: false,
    unitsOfMeasure: false,
    multicurrency: false,
    priceLevels: true,
    ...options.features,
  };
  const company = new QuickBooksCompany(options.companyFile ?? DEFAULT_COMPANY_FILE, features);
  const account = (name: string, type: string): void => {
    company.addListRecord('Account', 'AccountRet', name, { fields: [['AccountType', type]] });
  };

  account('Accounts Receivable', 'AccountsReceivable');
  account('Undeposited Funds', 'OtherCurrentAsset');
  account('Checking', 'Bank');
  account('Sales', 'Income');
  account('Cost of Goods Sold', 'CostOfGoodsSold');
  account('Inventory Asset', 'OtherCurrentAsset');
  account('Inventory Adjustment', 'CostOfGoodsSold');
  account('Merchant Fees', 'Expense');
  account('Payout Clearing', 'OtherCurrentAsset');
  account('Sales Tax Payable', 'OtherCurrentLiability');
  company.addListRecord('SalesTaxCode', 'SalesTaxCodeRet', 'Tax', {
    fields: [['IsTaxable', 'true']],
  });
  company.addListRecord('SalesTaxCode', 'SalesTaxCodeRet', 'Non', {
    fields: [['IsTaxable', 'false']],
  });
  company.addListRecord('Item', 'ItemSalesTaxRet', 'State Tax', { fields: [['TaxRate', '6.0']] });
  company.addListRecord('Terms', 'StandardTermsRet', 'Net 30', { fields: [['StdDueDays', '30']] });
  company.addListRecord('Terms', 'StandardTermsRet', 'Due on receipt', {
    fields: [['StdDueDays', '0']],
  });

  for (const method of ['Cash', 'Check', 'Visa', 'MasterCard', 'American Express', 'PayPal']) {
    company.addListRecord('PaymentMethod', 'PaymentMethodRet', method);
  }

  company.addListRecord('Class', 'ClassRet', 'Web');
  company.addListRecord('SalesRep', 'SalesRepRet', 'WEB', { fields: [['Initial', 'WEB']] });

  if (features.priceLevels) {
    company.addListRecord('PriceLevel', 'PriceLevelRet', 'Wholesale', {
      fields: [
        ['PriceLevelType', 'FixedPercentage'],
        ['PriceLevelFixedPercentage', '-20.0'],
      ],
    });
  }

  if (features.unitsOfMeasure) {
    company.addListRecord('UnitOfMeasureSet', 'UnitOfMeasureSetRet', 'Count by the box', {
      fields: [['UnitOfMeasureType', 'Count']],
    });
  }

  if (features.inventorySites) {
    company.addListRecord('InventorySite', 'InventorySiteRet', 'Main Warehouse');
    company.addListRecord('InventorySite', 'InventorySiteRet', 'B30');
  }

  if (features.multicurrency) {
    company.addListRecord('Currency', 'CurrencyRet', 'US Dollar', {
      fields: [['CurrencyCode', 'USD']],
    });
    company.addListRecord('Currency', 'CurrencyRet', 'Euro', { fields: [['CurrencyCode', 'EUR']] });
    company.addListRecord('Currency', 'CurrencyRet', 'Canadian Dollar', {
      fields: [['CurrencyCode', 'CAD']],
    });
  }

  for (const name of options.vendors ?? []) {
    company.addListRecord('Vendor', 'VendorRet', name);
  }

  for (const name of options.employees ?? []) {
    company.addListRecord('Employee', 'EmployeeRet', name);
  }

  for (const name of options.customers ?? []) {
    company.addListRecord('Customer', 'CustomerRet', name, { refs: [] });
  }

  for (const name of options.items ?? []) {
    company.addListRecord('Item', 'ItemNonInventoryRet', name, {
      fields: [['SalesPrice', '0.00']],
      refs: [['SalesTaxCodeRef', 'Non']],
    });
  }

  return company;
}
