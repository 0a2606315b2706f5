/** One entry of a QuickBooks name list (class, location, term, payment method...). */
export interface ListEntry {
  id: string;
  /** Full name, with parents joined by `:` as QuickBooks shows it. */
  name: string;
  active: boolean;
}

export interface AccountEntry extends ListEntry {
  accountType: string;
  accountSubType?: string;
  currency?: string;
}

export interface TaxCodeEntry extends ListEntry {
  taxable: boolean;
  taxGroup: boolean;
}

export interface TaxRateEntry extends ListEntry {
  /** Rate in percent, as QuickBooks stores it (6 for 6%). */
  rateValue: number;
}

/** Company preferences that decide how documents are built. */
export interface CompanyPreferences {
  homeCurrency: string;
  multiCurrencyEnabled: boolean;
  /** Locations (departments) are on; `locationTerminology` is what the company calls them. */
  trackDepartments: boolean;
  locationTerminology: string;
  classTrackingPerTxn: boolean;
  classTrackingPerTxnLine: boolean;
  customTxnNumbers: boolean;
  usingSalesTax: boolean;
  allowShipping: boolean;
  allowDiscount: boolean;
  /**
   * QuickBooks' automated sales tax (`Preferences.TaxPrefs.PartnerTaxEnabled`). Absent in
   * snapshots stored before it was read.
   */
  automatedSalesTax?: boolean;
  /** ISO country of the company from CompanyInfo, `US` for the United States; absent as above. */
  country?: string;
}

/**
 * A company's lists as last read from QuickBooks Online. Posting and matching read these instead
 * of querying QuickBooks, so a warm order spends no calls on look-ups.
 */
export interface CompanyListsSnapshot {
  accountId: string;
  realmId: string;
  refreshedAt: Date;
  preferences: CompanyPreferences;
  accounts: AccountEntry[];
  taxCodes: TaxCodeEntry[];
  taxRates: TaxRateEntry[];
  classes: ListEntry[];
  locations: ListEntry[];
  paymentMethods: ListEntry[];
  terms: ListEntry[];
  /** Currency codes the company may use: the home currency first, then the others it enabled. */
  currencies: string[];
}
