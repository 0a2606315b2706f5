import { Schema } from 'mongoose';

/** One entry of the local copy of a company file's lists (customers, items, accounts...). */
export interface ListEntryDocument {
  /** `<accountId>|<list type>|<ListID>`. */
  _id: string;
  accountId: string;
  /** The qbXML list type, for example `Customer`, `Item`, `Account`, `PriceLevel`. */
  listType: string;
  listId: string;
  fullName: string;
  /** Lower-case full name: QuickBooks names are unique without regard to case. */
  nameKey: string;
  /** Lower-case last segment of a `Parent:Child` name, so `Hammer` finds `Tools:Hammer`. */
  leafKey: string;
  active: boolean;
  editSequence?: string;
  /** List-specific fields: account type, currency code, item type, price level contents. */
  details: {
    accountType?: string;
    currencyCode?: string;
    itemType?: string;
    /** The item's purchase cost as QuickBooks returned it, a decimal string such as "4.10". */
    purchaseCost?: string;
    priceLevelType?: string;
    /** Lower-case full names of the items a per-item price level prices. */
    priceLevelItems?: string[];
  };
  refreshedAt: Date;
}

export const LIST_ENTRY_MODEL = 'QbdListEntry';

export const listEntrySchema = new Schema<ListEntryDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    listType: { type: String, required: true },
    listId: { type: String, required: true },
    fullName: { type: String, required: true },
    nameKey: { type: String, required: true },
    leafKey: { type: String, required: true },
    active: { type: Boolean, required: true },
    editSequence: { type: String },
    details: { type: Schema.Types.Mixed, default: {} },
    refreshedAt: { type: Date, required: true },
  },
  { collection: 'qbd_lists', versionKey: false, minimize: false },
);
listEntrySchema.index({ accountId: 1, listType: 1, nameKey: 1 });
listEntrySchema.index({ accountId: 1, listType: 1, leafKey: 1 });
