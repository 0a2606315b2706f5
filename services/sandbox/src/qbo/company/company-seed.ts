import { formatQboDate } from '../../common/qbo-time';
import { type Company, type JsonObject } from './company';
import { HOME_CURRENCY, homeCurrencyRef } from './currencies';
import { referenceTo, withEntityMeta } from './entity-meta';

/** The realm that `GET /oauth2/authorize` connects when the request names none. */
export const DEFAULT_REALM_ID = '9341453908';

/** The sales tax rate of the seeded "State Tax" code, in percent. */
export const STATE_TAX_RATE_PERCENT = 6;

interface SeedAccount {
  name: string;
  type: string;
  subType: string;
  classification: string;
}

const SEED_ACCOUNTS: SeedAccount[] = [
  {
    name: 'Sales of Product Income',
    type: 'Income',
    subType: 'SalesOfProductIncome',
    classification: 'Revenue',
  },
  { name: 'Services', type: 'Income', subType: 'ServiceFeeIncome', classification: 'Revenue' },
  {
    name: 'Shipping Income',
    type: 'Income',
    subType: 'OtherPrimaryIncome',
    classification: 'Revenue',
  },
  {
    name: 'Discounts given',
    type: 'Income',
    subType: 'DiscountsRefundsGiven',
    classification: 'Revenue',
  },
  {
    name: 'Undeposited Funds',
    type: 'Other Current Asset',
    subType: 'UndepositedFunds',
    classification: 'Asset',
  },
  {
    name: 'Inventory Asset',
    type: 'Other Current Asset',
    subType: 'Inventory',
    classification: 'Asset',
  },
  {
    name: 'Cost of Goods Sold',
    type: 'Cost of Goods Sold',
    subType: 'SuppliesMaterialsCogs',
    classification: 'Expense',
  },
  { name: 'Checking', type: 'Bank', subType: 'Checking', classification: 'Asset' },
];

/**
 * Fills an empty company with what a new QBO US sandbox company has: CompanyInfo, Preferences,
 * a chart of accounts, the TAX and NON pseudo tax codes, and one 6% state sales tax.
 */
export function seedCompany(company: Company, now: Date): void {
  company.put('CompanyInfo', withEntityMeta(companyInfo(company.realmId, now), '1', 0, now));
  company.put('Preferences', withEntityMeta(preferences(), '1', 0, now));
  seedAccounts(company, now);
  seedTaxCodes(company, now);
  seedNameLists(company, now);
}

/** Payment methods, terms and the one class and location a new sandbox company lists. */
function seedNameLists(company: Company, now: Date): void {
  for (const [name, type] of [
    ['Cash', 'NON_CREDIT_CARD'],
    ['Check', 'NON_CREDIT_CARD'],
    ['Visa', 'CREDIT_CARD'],
    ['MasterCard', 'CREDIT_CARD'],
    ['American Express', 'CREDIT_CARD'],
    ['Discover', 'CREDIT_CARD'],
  ] as const) {
    company.put(
      'PaymentMethod',
      withEntityMeta({ Name: name, Active: true, Type: type }, company.allocateId(), 0, now),
    );
  }

  for (const [name, dueDays] of [
    ['Due on receipt', 0],
    ['Net 15', 15],
    ['Net 30', 30],
    ['Net 60', 60],
  ] as const) {
    const term = { Name: name, Active: true, Type: 'STANDARD', DueDays: dueDays, DiscountDays: 0 };

    company.put('Term', withEntityMeta(term, company.allocateId(), 0, now));
  }

  const onlineClass = {
    Name: 'Online',
    SubClass: false,
    FullyQualifiedName: 'Online',
    Active: true,
  };

  company.put('Class', withEntityMeta(onlineClass, company.allocateId(), 0, now));

  const warehouse = {
    Name: 'Warehouse',
    SubDepartment: false,
    FullyQualifiedName: 'Warehouse',
    Active: true,
  };

  company.put('Department', withEntityMeta(warehouse, company.allocateId(), 0, now));
}

function seedAccounts(company: Company, now: Date): void {
  for (const seed of SEED_ACCOUNTS) {
    const id = company.allocateId();

    company.put('Account', withEntityMeta(accountFields(seed), id, 0, now));
    if (seed.subType === 'UndepositedFunds') {
      company.defaults.undepositedFundsAccountId = id;
    }

    if (seed.subType === 'DiscountsRefundsGiven') {
      company.defaults.discountAccountId = id;
    }
  }
}

function accountFields(seed: SeedAccount): JsonObject {
  return {
    Name: seed.name,
    SubAccount: false,
    FullyQualifiedName: seed.name,
    Active: true,
    Classification: seed.classification,
    AccountType: seed.type,
    AccountSubType: seed.subType,
    CurrentBalance: 0,
    CurrentBalanceWithSubAccounts: 0,
    CurrencyRef: homeCurrencyRef(),
  };
}

/**
 * QBO US companies expose two pseudo tax codes for sales lines, TAX and NON, and one real
 * code per sales tax for the transaction's TxnTaxCodeRef.
 */
function seedTaxCodes(company: Company, now: Date): void {
  for (const [id, taxable] of [
    ['TAX', true],
    ['NON', false],
  ] as const) {
    const fields = {
      Name: id,
      Description: taxable ? 'TAX' : 'Non',
      Active: true,
      Taxable: taxable,
    };

    company.put('TaxCode', withEntityMeta({ ...fields, TaxGroup: false }, id, 0, now));
  }

  const rateId = company.allocateId();
  const rate = {
    Name: 'State Tax',
    Description: 'State sales tax',
    Active: true,
    RateValue: STATE_TAX_RATE_PERCENT,
    AgencyRef: { value: '1' },
    SpecialTaxType: 'NONE',
    DisplayType: 'ReadOnly',
    EffectiveTaxRate: [{ RateValue: STATE_TAX_RATE_PERCENT, EffectiveDate: '2014-09-01' }],
  };

  company.put('TaxRate', withEntityMeta(rate, rateId, 0, now));

  const codeId = company.allocateId();
  const code = {
    Name: 'State Tax',
    Description: 'State sales tax',
    Active: true,
    Taxable: true,
    TaxGroup: true,
    SalesTaxRateList: {
      TaxRateDetail: [
        {
          TaxRateRef: referenceTo(rateId, 'State Tax'),
          TaxTypeApplicable: 'TaxOnAmount',
          TaxOrder: 0,
        },
      ],
    },
    PurchaseTaxRateList: { TaxRateDetail: [] },
  };

  company.put('TaxCode', withEntityMeta(code, codeId, 0, now));
}

function companyInfo(realmId: string, now: Date): JsonObject {
  const address = {
    Id: '1',
    Line1: '123 Sierra Way',
    City: 'San Pablo',
    CountrySubDivisionCode: 'CA',
    PostalCode: '87999',
  };

  return {
    CompanyName: 'Sandbox Company_US_1',
    LegalName: 'Sandbox Company_US_1',
    CompanyAddr: address,
    CustomerCommunicationAddr: address,
    LegalAddr: address,
    PrimaryPhone: {},
    CompanyStartDate: formatQboDate(now),
    FiscalYearStartMonth: 'January',
    Country: 'US',
    Email: { Address: 'noreply@quickbooks.com' },
    WebAddr: {},
    SupportedLanguages: 'en',
    NameValue: [
      { Name: 'NeoEnabled', Value: 'true' },
      { Name: 'IndustryType', Value: 'Retail' },
      { Name: 'CompanyType', Value: 'Other' },
      { Name: 'OfferingSku', Value: 'QuickBooks Online Plus' },
      { Name: 'RealmId', Value: realmId },
    ],
  };
}

/**
 * Preferences of the seeded company. Custom transaction numbers are on, so a DocNumber in the
 * request is kept. Shipping on sales forms is off, so shipping is sold as an item line.
 */
function preferences(): JsonObject {
  return {
    AccountingInfoPrefs: {
      TrackDepartments: false,
      DepartmentTerminology: 'Location',
      ClassTrackingPerTxn: false,
      ClassTrackingPerTxnLine: false,
      CustomerTerminology: 'Customers',
      FirstMonthOfFiscalYear: 'January',
      TaxYearMonth: 'January',
    },
    ProductAndServicesPrefs: {
      ForSales: true,
      ForPurchase: true,
      QuantityWithPriceAndRate: true,
      QuantityOnHand: true,
    },
    SalesFormsPrefs: {
      CustomTxnNumbers: true,
      AllowDeposit: false,
      AllowDiscount: true,
      AllowEstimates: true,
      AllowServiceDate: false,
      AllowShipping: false,
      DefaultShippingAccount: false,
      IPNSupportEnabled: false,
      ETransactionEnabledStatus: 'NotApplicable',
      UsingPriceLevels: false,
      UsingProgressInvoicing: false,
    },
    VendorAndPurchasesPrefs: { TrackingByCustomer: false, BillableExpenseTracking: false },
    TaxPrefs: { UsingSalesTax: true, PartnerTaxEnabled: false },
    CurrencyPrefs: { MultiCurrencyEnabled: false, HomeCurrency: { value: HOME_CURRENCY } },
    OtherPrefs: { NameValue: [{ Name: 'SalesFormsPrefs.DefaultCustomerMessage', Value: '' }] },
  };
}
