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
}

export interface QboSalesReceipt {
  Id: string;
  SyncToken: string;
  DocNumber?: string;
  TotalAmt: number;
  PrivateNote?: string;
  CurrencyRef?: QboRef;
}
