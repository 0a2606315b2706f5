import { Inject, Injectable } from '@nestjs/common';
import { MONGOOSE_CONNECTION } from '@qbsync/platform';
import { type Connection, type Model } from 'mongoose';

import { fieldText } from '../qbxml/qbxml-response';
import { insertManyIgnoringDuplicates } from '../queue/insert-many';
import { type XmlNode } from '../xml/safe-xml';
import { LIST_ENTRY_MODEL, type ListEntryDocument, listEntrySchema } from './list-entry.schema';

/** Key of a name in the local list copy: lower case, trimmed, as QuickBooks compares names. */
export function nameKey(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * Converts a list record QuickBooks returned (`CustomerRet`, `ItemInventoryRet`, `AccountRet`...)
 * into a list copy entry; returns undefined for a record without a ListID.
 */
export function toListEntry(
  accountId: string,
  listType: string,
  recordType: string,
  fields: XmlNode,
  refreshedAt: Date,
): ListEntryDocument | undefined {
  const listId = fieldText(fields, 'ListID');
  const fullName = fieldText(fields, 'FullName') ?? fieldText(fields, 'Name');

  if (!listId || !fullName) {
    return undefined;
  }

  const key = nameKey(fullName);
  const details: ListEntryDocument['details'] = {};
  const accountType = fieldText(fields, 'AccountType');
  const currencyCode = fieldText(fields, 'CurrencyCode');
  const priceLevelType = fieldText(fields, 'PriceLevelType');

  if (accountType) {
    details.accountType = accountType;
  }

  if (currencyCode) {
    details.currencyCode = currencyCode;
  }

  if (listType === 'Item') {
    details.itemType = recordType.replace(/Ret$/, '');
    // Inventory items carry PurchaseCost at the top; non-inventory and service items bought and
    // sold carry it in SalesAndPurchase.
    const purchaseCost =
      fieldText(fields, 'PurchaseCost') ?? fieldText(fields, 'SalesAndPurchase', 'PurchaseCost');

    if (purchaseCost) {
      details.purchaseCost = purchaseCost;
    }
  }

  if (priceLevelType) {
    details.priceLevelType = priceLevelType;
    const perItem = fields.PriceLevelPerItemRet;
    let items: XmlNode[] = [];

    if (Array.isArray(perItem)) {
      items = perItem as XmlNode[];
    } else if (perItem) {
      items = [perItem as XmlNode];
    }

    details.priceLevelItems = items
      .map((item) => fieldText(item, 'ItemRef', 'FullName'))
      .filter((name): name is string => Boolean(name))
      .map(nameKey);
  }

  return {
    _id: `${accountId}|${listType}|${listId}`,
    accountId,
    listType,
    listId,
    fullName,
    nameKey: key,
    leafKey: key.split(':').pop() ?? key,
    active: fieldText(fields, 'IsActive') !== 'false',
    editSequence: fieldText(fields, 'EditSequence'),
    details,
    refreshedAt,
  };
}

/** The local copy of each company file's QuickBooks lists, used for matching and pre-flight. */
@Injectable()
export class ListCopyRepository {
  private readonly model: Model<ListEntryDocument>;

  constructor(@Inject(MONGOOSE_CONNECTION) connection: Connection) {
    this.model = connection.model<ListEntryDocument>(LIST_ENTRY_MODEL, listEntrySchema);
  }

  /**
   * Stores entries read by a list query, replacing what the copy had for them. It deletes and
   * inserts instead of upserting, because FerretDB 1.24 on SQLite took minutes for a bulk of a few
   * hundred upserts where one delete and one insert take well under a second. A reader in between
   * misses the entries briefly, which costs at most one request that QuickBooks resolves by name.
   */
  async upsertMany(entries: ListEntryDocument[]): Promise<void> {
    if (entries.length === 0) {
      return;
    }

    await this.model.deleteMany({ _id: { $in: entries.map((entry) => entry._id) } });
    await this.insertCreated(entries);
  }

  /**
   * Stores entries that QuickBooks just created, by insert because inserts are much cheaper than
   * upserts on FerretDB; an entry already present is replaced.
   */
  async insertCreated(entries: ListEntryDocument[]): Promise<void> {
    const duplicates = await insertManyIgnoringDuplicates(this.model, entries);

    if (duplicates.size === 0) {
      return;
    }

    const replacements = entries.filter((entry) => duplicates.has(entry._id));

    await this.model.deleteMany({ _id: { $in: replacements.map((entry) => entry._id) } });
    await this.model.insertMany(replacements, { ordered: false });
  }

  /** Deletes entries of `listType` not seen by the full refresh that started at `refreshStart`. */
  async deleteNotRefreshedSince(
    accountId: string,
    listType: string,
    refreshStart: Date,
  ): Promise<number> {
    const result = await this.model.deleteMany({
      accountId,
      listType,
      refreshedAt: { $lt: refreshStart },
    });

    return result.deletedCount;
  }

  /** Finds an entry by full name, or by leaf name when the full name is not a `Parent:Child`. */
  async findByName(
    accountId: string,
    listType: string,
    name: string,
  ): Promise<ListEntryDocument[]> {
    const key = nameKey(name);
    const exact = await this.model
      .find({ accountId, listType, nameKey: key })
      .lean<ListEntryDocument[]>()
      .exec();

    if (exact.length > 0 || key.includes(':')) {
      return exact;
    }

    return this.model
      .find({ accountId, listType, leafKey: key })
      .lean<ListEntryDocument[]>()
      .exec();
  }

  /**
   * Looks up many names of one list in one query, with the matching rules of `findByName`.
   * Returns the entries found for each name, keyed by the name in lower case.
   */
  async findByNames(
    accountId: string,
    listType: string,
    names: string[],
  ): Promise<Map<string, ListEntryDocument[]>> {
    const keys = [...new Set(names.map(nameKey))];
    const found = new Map<string, ListEntryDocument[]>();

    if (keys.length === 0) {
      return found;
    }

    const entries = await this.model
      .find({ accountId, listType, $or: [{ nameKey: { $in: keys } }, { leafKey: { $in: keys } }] })
      .lean<ListEntryDocument[]>()
      .exec();

    for (const key of keys) {
      const exact = entries.filter((entry) => entry.nameKey === key);

      found.set(
        key,
        exact.length > 0 || key.includes(':')
          ? exact
          : entries.filter((entry) => entry.leafKey === key),
      );
    }

    return found;
  }

  /** Returns which of `names` (lower-cased) exist in `listType`, by full name. */
  async existingNames(accountId: string, listType: string, names: string[]): Promise<Set<string>> {
    if (names.length === 0) {
      return new Set();
    }

    const found = await this.model
      .find({ accountId, listType, nameKey: { $in: names.map(nameKey) } }, { nameKey: 1, _id: 0 })
      .lean<Array<{ nameKey: string }>>()
      .exec();

    return new Set(found.map((entry) => entry.nameKey));
  }

  async list(accountId: string, listType: string): Promise<ListEntryDocument[]> {
    return this.model
      .find({ accountId, listType })
      .sort({ nameKey: 1 })
      .lean<ListEntryDocument[]>()
      .exec();
  }

  async setEditSequence(
    accountId: string,
    listType: string,
    listId: string,
    editSequence: string,
  ): Promise<void> {
    await this.model.updateOne(
      { _id: `${accountId}|${listType}|${listId}` },
      { $set: { editSequence } },
    );
  }
}
