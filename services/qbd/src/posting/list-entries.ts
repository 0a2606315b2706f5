import { itemAdd, type ItemFields, type NewItemType } from '../qbxml/qbxml-requests';
import {
  type EntryOrigin,
  type EntryReference,
  type QueueEntryDocument,
} from '../queue/queue-entry.schema';
import { nextSeq } from '../queue/queue.repository';
import { splitFullName } from './qbd-names';

/** The fields every queue entry built for one order, refund or summary shares. */
export type EntryBase = Pick<
  QueueEntryDocument,
  'accountId' | 'createdAt' | 'updatedAt' | 'attempts' | 'transientFailures'
>;

/** An item the list copy lacks, added before the document that uses it. */
export interface ItemToAdd {
  /** The full name, `Parent:Child` for a sub-item. */
  fullName: string;
  type: NewItemType;
  description: string;
}

/**
 * Returns the queue entry id of a customer or item add. The id is the account and the lower-case
 * name, so documents that need the same new customer or item queue one add between them.
 */
export function listEntryId(accountId: string, listKind: 'customer' | 'item', name: string) {
  return `${accountId}|${listKind}|${name.toLowerCase()}`;
}

/** Builds the CustomerAdd entry of a customer the list copy lacks; `body` is its `<CustomerAdd>`. */
export function customerAddEntry(
  base: EntryBase,
  origin: EntryOrigin,
  name: string,
  body: string,
): QueueEntryDocument {
  return {
    ...base,
    _id: listEntryId(base.accountId, 'customer', name),
    seq: nextSeq(),
    kind: 'customer',
    requestName: 'CustomerAdd',
    body,
    dependsOn: [],
    references: [],
    listName: name,
    listType: 'Customer',
    features: [],
    state: 'queued',
    origin,
  };
}

/**
 * Builds the add entry of an item the list copy lacks. `fields` are the tax code and accounts the
 * new item gets, and `references` the accounts the Web Connector session checks before sending it.
 */
export function itemAddEntry(
  base: EntryBase,
  origin: EntryOrigin,
  item: ItemToAdd,
  fields: Omit<ItemFields, 'type' | 'name' | 'parentName' | 'description'>,
  references: EntryReference[],
): QueueEntryDocument {
  const { name, parentName } = splitFullName(item.fullName);

  return {
    ...base,
    _id: listEntryId(base.accountId, 'item', item.fullName),
    seq: nextSeq(),
    kind: 'item',
    requestName: `${item.type}Add`,
    body: itemAdd({ type: item.type, name, parentName, description: item.description, ...fields }),
    dependsOn: [],
    references,
    listName: item.fullName,
    listType: 'Item',
    features: [],
    state: 'queued',
    origin,
  };
}
