import { Schema } from 'mongoose';

import { type CompanyListsSnapshot } from './company-lists.types';

export const COMPANY_LISTS_MODEL = 'QboCompanyLists';

/** One document per account, replaced on each refresh. `_id` is the account id. */
export type CompanyListsDocument = Omit<CompanyListsSnapshot, 'accountId'> & { _id: string };

const entryFields = {
  id: { type: String, required: true },
  name: { type: String, required: true },
  active: { type: Boolean, required: true },
};

function entrySchema(extra: Record<string, unknown> = {}): Schema {
  return new Schema({ ...entryFields, ...extra }, { _id: false });
}

export const companyListsSchema = new Schema<CompanyListsDocument>(
  {
    _id: { type: String, required: true },
    realmId: { type: String, required: true },
    refreshedAt: { type: Date, required: true },
    preferences: {
      homeCurrency: { type: String, required: true },
      multiCurrencyEnabled: { type: Boolean, required: true },
      trackDepartments: { type: Boolean, required: true },
      locationTerminology: { type: String, required: true },
      classTrackingPerTxn: { type: Boolean, required: true },
      classTrackingPerTxnLine: { type: Boolean, required: true },
      customTxnNumbers: { type: Boolean, required: true },
      usingSalesTax: { type: Boolean, required: true },
      allowShipping: { type: Boolean, required: true },
      allowDiscount: { type: Boolean, required: true },
      automatedSalesTax: { type: Boolean },
      country: { type: String },
    },
    accounts: [entrySchema({ accountType: String, accountSubType: String, currency: String })],
    taxCodes: [entrySchema({ taxable: Boolean, taxGroup: Boolean })],
    taxRates: [entrySchema({ rateValue: Number })],
    classes: [entrySchema()],
    locations: [entrySchema()],
    paymentMethods: [entrySchema()],
    terms: [entrySchema()],
    currencies: [String],
  },
  { collection: 'qbo_company_lists', versionKey: false },
);

companyListsSchema.index({ realmId: 1 });
