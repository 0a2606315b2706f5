import { element, escapeXml, textElement } from '../xml/xml-writer';

/** QuickBooks lists the service keeps a local copy of, by the qbXML query that reads each. */
export const LIST_TYPES = [
  'Account',
  'Customer',
  'Item',
  'SalesTaxCode',
  'ItemSalesTax',
  'PriceLevel',
  'UnitOfMeasureSet',
  'InventorySite',
  'Class',
  'Terms',
  'PaymentMethod',
  'SalesRep',
  'Currency',
] as const;

export type ListType = (typeof LIST_TYPES)[number];

/**
 * Lists whose query takes `iterator="Start"`/`"Continue"` in qbXML 13.0; the others return the
 * whole list in one response (and are small: accounts, classes, terms...).
 */
export const ITERATED_LISTS: ReadonlySet<ListType> = new Set(['Customer', 'Item', 'ItemSalesTax']);

/** Page size of iterated list queries. */
export const LIST_PAGE_SIZE = 100;

/**
 * Renders one list query. An iterated list starts with `iterator="Start"` and continues with the
 * `iteratorID` QuickBooks returned; the others ignore `iteratorId`.
 */
export function listQuery(
  listType: ListType,
  requestId: string,
  iteratorId?: string,
  fromModifiedDate?: string,
): string {
  const name = `${listType}QueryRq`;

  if (!ITERATED_LISTS.has(listType)) {
    return `<${name} requestID="${escapeXml(requestId)}">${activeStatusAll(listType)}</${name}>`;
  }

  const attributes = iteratorId
    ? `iterator="Continue" iteratorID="${escapeXml(iteratorId)}"`
    : 'iterator="Start"';

  return (
    `<${name} requestID="${escapeXml(requestId)}" ${attributes}>` +
    textElement('MaxReturned', LIST_PAGE_SIZE) +
    textElement('ActiveStatus', 'All') +
    (textElement('FromModifiedDate', fromModifiedDate) ?? '') +
    `</${name}>`
  );
}

/** Lists whose filter takes `ActiveStatus`; the rest return inactive entries anyway or have none. */
function activeStatusAll(listType: ListType): string {
  const withActiveStatus: ReadonlySet<ListType> = new Set([
    'Account',
    'SalesTaxCode',
    'PriceLevel',
    'UnitOfMeasureSet',
    'InventorySite',
    'Class',
    'Terms',
    'PaymentMethod',
    'SalesRep',
    'Currency',
  ]);

  return withActiveStatus.has(listType) ? (textElement('ActiveStatus', 'All') ?? '') : '';
}

/** Renders a query for one list entry by full name, for example to read a fresh EditSequence. */
export function listEntryQuery(
  listType: 'Customer' | 'Item',
  requestId: string,
  fullName: string,
): string {
  return element(`${listType}QueryRq`, textElement('FullName', fullName), { requestID: requestId });
}

/** Transaction types a lost response is looked up in, by their query request. */
export type QueriedTxnType =
  | 'SalesReceipt'
  | 'Invoice'
  | 'SalesOrder'
  | 'Estimate'
  | 'ReceivePayment'
  | 'CreditMemo'
  | 'ARRefundCreditCard'
  | 'Check'
  | 'Deposit'
  | 'JournalEntry'
  | 'InventoryAdjustment';

/**
 * Renders a query that finds a transaction this service may already have added. It filters by
 * RefNumber when there is one (deposits have none), else for every transaction of that type on
 * its date. The caller matches the memo, which names the channel order id.
 */
export function txnLookupQuery(
  txnType: QueriedTxnType,
  requestId: string,
  lookup: { refNumber?: string; txnDate: string },
): string {
  // A deposit has no RefNumber, so it is always found by its date and memo.
  const filter =
    lookup.refNumber && txnType !== 'Deposit'
      ? textElement('RefNumber', lookup.refNumber)
      : element('TxnDateRangeFilter', [
          textElement('FromTxnDate', lookup.txnDate),
          textElement('ToTxnDate', lookup.txnDate),
        ]);

  return element(`${txnType}QueryRq`, filter, { requestID: requestId });
}
