/** The parts of QuickBooks Online entities this service reads. */
export interface QboRef {
  value: string;
  name?: string;
}

export interface QboCustomer {
  Id: string;
  DisplayName: string;
  CurrencyRef?: QboRef;
}

export interface QboItem {
  Id: string;
  Name: string;
  FullyQualifiedName?: string;
  Sku?: string;
  Type?: string;
  Active?: boolean;
}

export interface QboAccount {
  Id: string;
  Name: string;
  AccountType: string;
}

export interface QboPreferences {
  CurrencyPrefs?: { HomeCurrency?: QboRef; MultiCurrencyEnabled?: boolean };
  TaxPrefs?: { PartnerTaxEnabled?: boolean; UsingSalesTax?: boolean };
}

export interface QboCompanyInfo {
  CompanyName?: string;
  Country?: string;
}

export interface QboSalesReceipt {
  Id: string;
  SyncToken: string;
  DocNumber?: string;
  TotalAmt: number;
  /** Total in the home currency, on documents in another currency. */
  HomeTotalAmt?: number;
  Balance?: number;
  PrivateNote?: string;
  CurrencyRef?: QboRef;
}

/** Any QuickBooks transaction this service creates: the fields it reads back. */
export type QboTransaction = QboSalesReceipt;
