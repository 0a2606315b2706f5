import { element, escapeXml, textElement, type XmlChild } from '../xml/xml-writer';
import { addressElement, fitLength, fullNameRef, QbxmlLimits } from './qbxml-fields';
import { type Address } from '@qbsync/contracts';

/**
 * Builders of qbXML 13.0 request bodies. Each emits its children in the exact order of the
 * schema's `xsd:sequence`, because QuickBooks rejects a request whose elements are out of order
 * (status 0x80040400). Amounts arrive already formatted as decimal strings.
 */

export type SalesDocumentType =
  'SalesReceipt' | 'Invoice' | 'SalesOrder' | 'Estimate' | 'CreditMemo';

export interface SalesLine {
  itemName: string;
  description?: string;
  quantity?: string;
  /** Unit price; ignored when `priceLevel` is set, because QuickBooks then prices the line. */
  rate?: string;
  priceLevel?: string;
  unitOfMeasure?: string;
  className?: string;
  /** Line amount; left out when `priceLevel` is set. */
  amount?: string;
  inventorySite?: string;
  inventorySiteLocation?: string;
  taxCode?: string;
}

export interface SalesDocument {
  type: SalesDocumentType;
  customerName: string;
  className?: string;
  arAccount?: string;
  txnDate: string;
  refNumber?: string;
  billAddress?: Address;
  shipAddress?: Address;
  poNumber?: string;
  terms?: string;
  paymentMethod?: string;
  dueDate?: string;
  salesRep?: string;
  shipDate?: string;
  itemSalesTax?: string;
  memo: string;
  customerTaxCode?: string;
  depositAccount?: string;
  exchangeRate?: string;
  /** Transactions the invoice is created from (a sales order), each line linked. */
  linkToTxnIds?: string[];
  lines: SalesLine[];
}

const HEADER_FIELDS: Record<SalesDocumentType, ReadonlySet<string>> = {
  SalesReceipt: new Set([
    'ClassRef',
    'TxnDate',
    'RefNumber',
    'BillAddress',
    'ShipAddress',
    'PaymentMethodRef',
    'DueDate',
    'SalesRepRef',
    'ShipDate',
    'ItemSalesTaxRef',
    'Memo',
    'CustomerSalesTaxCodeRef',
    'DepositToAccountRef',
    'ExchangeRate',
  ]),
  Invoice: new Set([
    'ClassRef',
    'ARAccountRef',
    'TxnDate',
    'RefNumber',
    'BillAddress',
    'ShipAddress',
    'PONumber',
    'TermsRef',
    'DueDate',
    'SalesRepRef',
    'ShipDate',
    'ItemSalesTaxRef',
    'Memo',
    'CustomerSalesTaxCodeRef',
    'ExchangeRate',
    'LinkToTxnID',
  ]),
  SalesOrder: new Set([
    'ClassRef',
    'TxnDate',
    'RefNumber',
    'BillAddress',
    'ShipAddress',
    'PONumber',
    'TermsRef',
    'DueDate',
    'SalesRepRef',
    'ShipDate',
    'ItemSalesTaxRef',
    'Memo',
    'CustomerSalesTaxCodeRef',
    'ExchangeRate',
  ]),
  Estimate: new Set([
    'ClassRef',
    'TxnDate',
    'RefNumber',
    'BillAddress',
    'ShipAddress',
    'PONumber',
    'TermsRef',
    'DueDate',
    'SalesRepRef',
    'ItemSalesTaxRef',
    'Memo',
    'CustomerSalesTaxCodeRef',
    'ExchangeRate',
  ]),
  CreditMemo: new Set([
    'ClassRef',
    'ARAccountRef',
    'TxnDate',
    'RefNumber',
    'BillAddress',
    'ShipAddress',
    'PONumber',
    'TermsRef',
    'DueDate',
    'SalesRepRef',
    'ShipDate',
    'ItemSalesTaxRef',
    'Memo',
    'CustomerSalesTaxCodeRef',
    'ExchangeRate',
  ]),
};

/** Renders `<SalesReceiptAdd>`, `<InvoiceAdd>`, `<SalesOrderAdd>`, `<EstimateAdd>` or `<CreditMemoAdd>`. */
export function salesDocumentAdd(document: SalesDocument): string {
  const allowed = HEADER_FIELDS[document.type];
  const field = (name: string, value: XmlChild): XmlChild =>
    allowed.has(name) ? value : undefined;
  // The superset of the five sequences; each type keeps only its own fields, in this order.
  const header: XmlChild[] = [
    fullNameRef('CustomerRef', document.customerName),
    field('ClassRef', fullNameRef('ClassRef', document.className)),
    field('ARAccountRef', fullNameRef('ARAccountRef', document.arAccount)),
    field('TxnDate', textElement('TxnDate', document.txnDate)),
    field('RefNumber', textElement('RefNumber', document.refNumber)),
    field('BillAddress', addressElement('BillAddress', document.billAddress)),
    field('ShipAddress', addressElement('ShipAddress', document.shipAddress)),
    field(
      'PONumber',
      textElement('PONumber', document.poNumber && fitLength(document.poNumber, 25)),
    ),
    field('TermsRef', fullNameRef('TermsRef', document.terms)),
    field('PaymentMethodRef', fullNameRef('PaymentMethodRef', document.paymentMethod)),
    field('DueDate', textElement('DueDate', document.dueDate)),
    field('SalesRepRef', fullNameRef('SalesRepRef', document.salesRep)),
    field('ShipDate', textElement('ShipDate', document.shipDate)),
    field('ItemSalesTaxRef', fullNameRef('ItemSalesTaxRef', document.itemSalesTax)),
    field('Memo', textElement('Memo', fitLength(document.memo, QbxmlLimits.memo))),
    field(
      'CustomerSalesTaxCodeRef',
      fullNameRef('CustomerSalesTaxCodeRef', document.customerTaxCode),
    ),
    field('DepositToAccountRef', fullNameRef('DepositToAccountRef', document.depositAccount)),
    field('ExchangeRate', textElement('ExchangeRate', document.exchangeRate)),
    ...(allowed.has('LinkToTxnID')
      ? (document.linkToTxnIds ?? []).map((id) => textElement('LinkToTxnID', id))
      : []),
  ];
  const lines = document.lines.map((line) => salesLine(document.type, line));

  return element(`${document.type}Add`, [...header, ...lines]);
}

function salesLine(type: SalesDocumentType, line: SalesLine): string {
  const usesPriceLevel = line.priceLevel !== undefined;
  const priceChoice = usesPriceLevel
    ? type === 'Estimate'
      ? undefined
      : fullNameRef('PriceLevelRef', line.priceLevel)
    : textElement('Rate', line.rate);
  const children: XmlChild[] = [
    fullNameRef('ItemRef', line.itemName),
    textElement('Desc', line.description && fitLength(line.description, QbxmlLimits.description)),
    textElement('Quantity', line.quantity),
    textElement('UnitOfMeasure', line.unitOfMeasure),
    priceChoice,
    fullNameRef('ClassRef', line.className),
    usesPriceLevel ? undefined : textElement('Amount', line.amount),
    fullNameRef('InventorySiteRef', line.inventorySite),
    fullNameRef('InventorySiteLocationRef', line.inventorySiteLocation),
    fullNameRef('SalesTaxCodeRef', line.taxCode),
  ];

  if (type === 'Estimate' && usesPriceLevel) {
    // An estimate line names its price level after the tax code, in the markup choice.
    children.push(fullNameRef('PriceLevelRef', line.priceLevel));
  }

  return element(`${type}LineAdd`, children);
}

export interface CustomerFields {
  name: string;
  companyName?: string;
  firstName?: string;
  lastName?: string;
  billAddress?: Address;
  shipAddress?: Address;
  phone?: string;
  email?: string;
  terms?: string;
  salesRep?: string;
  taxCode?: string;
  itemSalesTax?: string;
  priceLevel?: string;
  /** QuickBooks' name of the customer's currency, for a multicurrency company file. */
  currencyName?: string;
}

/** Renders `<CustomerAdd>`. */
export function customerAdd(customer: CustomerFields): string {
  return element('CustomerAdd', customerChildren(customer, true));
}

/** Renders `<CustomerMod>`; `editSequence` must be the one QuickBooks last returned. */
export function customerMod(
  listId: string,
  editSequence: string,
  customer: Omit<CustomerFields, 'currencyName' | 'name'> & { name?: string },
): string {
  return element('CustomerMod', [
    textElement('ListID', listId),
    textElement('EditSequence', editSequence),
    ...customerChildren(customer, false),
  ]);
}

function customerChildren(customer: Partial<CustomerFields>, isAdd: boolean): XmlChild[] {
  return [
    textElement('Name', customer.name && fitLength(customer.name, QbxmlLimits.customerName)),
    textElement(
      'CompanyName',
      customer.companyName && fitLength(customer.companyName, QbxmlLimits.companyName),
    ),
    textElement(
      'FirstName',
      customer.firstName && fitLength(customer.firstName, QbxmlLimits.firstName),
    ),
    textElement(
      'LastName',
      customer.lastName && fitLength(customer.lastName, QbxmlLimits.lastName),
    ),
    addressElement('BillAddress', customer.billAddress),
    addressElement('ShipAddress', customer.shipAddress),
    textElement('Phone', customer.phone && fitLength(customer.phone, QbxmlLimits.phone)),
    textElement('Email', customer.email && fitLength(customer.email, QbxmlLimits.email)),
    fullNameRef('TermsRef', customer.terms),
    fullNameRef('SalesRepRef', customer.salesRep),
    fullNameRef('SalesTaxCodeRef', customer.taxCode),
    fullNameRef('ItemSalesTaxRef', customer.itemSalesTax),
    fullNameRef('PriceLevelRef', customer.priceLevel),
    isAdd ? fullNameRef('CurrencyRef', customer.currencyName) : undefined,
  ];
}

export type NewItemType = 'ItemInventory' | 'ItemNonInventory' | 'ItemService';

export interface ItemFields {
  type: NewItemType;
  /** Leaf name, at most 31 characters; `parentName` is the rest of a `Parent:Child` name. */
  name: string;
  parentName?: string;
  description?: string;
  price?: string;
  taxCode?: string;
  unitOfMeasureSet?: string;
  incomeAccount: string;
  /** Inventory items only. */
  cogsAccount?: string;
  assetAccount?: string;
}

/** Renders `<ItemInventoryAdd>`, `<ItemNonInventoryAdd>` or `<ItemServiceAdd>`. */
export function itemAdd(item: ItemFields): string {
  const name = textElement('Name', fitLength(item.name, QbxmlLimits.itemName));
  const parent = fullNameRef('ParentRef', item.parentName);
  const unitSet = fullNameRef('UnitOfMeasureSetRef', item.unitOfMeasureSet);
  const taxCode = fullNameRef('SalesTaxCodeRef', item.taxCode);

  if (item.type === 'ItemInventory') {
    return element('ItemInventoryAdd', [
      name,
      parent,
      unitSet,
      taxCode,
      textElement('SalesDesc', item.description),
      textElement('SalesPrice', item.price),
      fullNameRef('IncomeAccountRef', item.incomeAccount),
      fullNameRef('COGSAccountRef', item.cogsAccount),
      fullNameRef('AssetAccountRef', item.assetAccount),
    ]);
  }

  const salesOrPurchase = element('SalesOrPurchase', [
    textElement('Desc', item.description),
    textElement('Price', item.price),
    fullNameRef('AccountRef', item.incomeAccount),
  ]);

  // ItemNonInventoryAdd puts ParentRef before ClassRef, ItemServiceAdd after; neither sets a class.
  return element(`${item.type}Add`, [name, parent, unitSet, taxCode, salesOrPurchase]);
}

export interface PaymentFields {
  customerName: string;
  arAccount?: string;
  txnDate: string;
  refNumber?: string;
  totalAmount: string;
  exchangeRate?: string;
  paymentMethod?: string;
  memo: string;
  depositAccount?: string;
  /** Invoices paid, by TxnID; none leaves the payment unapplied (a deposit on a sales order). */
  appliedTo: Array<{ txnId: string; amount: string }>;
}

/** Renders `<ReceivePaymentAdd>`. */
export function receivePaymentAdd(payment: PaymentFields): string {
  const application =
    payment.appliedTo.length === 0
      ? [textElement('IsAutoApply', 'false')]
      : payment.appliedTo.map((applied) =>
          element('AppliedToTxnAdd', [
            textElement('TxnID', applied.txnId),
            textElement('PaymentAmount', applied.amount),
          ]),
        );

  return element('ReceivePaymentAdd', [
    fullNameRef('CustomerRef', payment.customerName),
    fullNameRef('ARAccountRef', payment.arAccount),
    textElement('TxnDate', payment.txnDate),
    textElement('RefNumber', payment.refNumber && fitLength(payment.refNumber, 20)),
    textElement('TotalAmount', payment.totalAmount),
    textElement('ExchangeRate', payment.exchangeRate),
    fullNameRef('PaymentMethodRef', payment.paymentMethod),
    textElement('Memo', payment.memo),
    fullNameRef('DepositToAccountRef', payment.depositAccount),
    ...application,
  ]);
}

export interface CardRefundFields {
  customerName: string;
  refundFromAccount?: string;
  arAccount?: string;
  txnDate: string;
  refNumber?: string;
  paymentMethod?: string;
  memo: string;
  exchangeRate?: string;
  creditMemoTxnId: string;
  amount: string;
}

/** Renders `<ARRefundCreditCardAdd>`: pays a credit memo's credit back to the customer's card. */
export function arRefundCreditCardAdd(refund: CardRefundFields): string {
  return element('ARRefundCreditCardAdd', [
    fullNameRef('CustomerRef', refund.customerName),
    fullNameRef('RefundFromAccountRef', refund.refundFromAccount),
    fullNameRef('ARAccountRef', refund.arAccount),
    textElement('TxnDate', refund.txnDate),
    textElement('RefNumber', refund.refNumber),
    fullNameRef('PaymentMethodRef', refund.paymentMethod),
    textElement('Memo', refund.memo),
    textElement('ExchangeRate', refund.exchangeRate),
    element('RefundAppliedToTxnAdd', [
      textElement('TxnID', refund.creditMemoTxnId),
      textElement('RefundAmount', refund.amount),
    ]),
  ]);
}

export interface RefundCheckFields {
  bankAccount: string;
  customerName: string;
  refNumber?: string;
  txnDate: string;
  memo: string;
  exchangeRate?: string;
  /** The A/R account the credit memo credited; the check's expense line debits it back. */
  arAccount: string;
  amount: string;
  className?: string;
}

/** Renders `<CheckAdd>` that refunds a customer's credit from a bank account (non-card tenders). */
export function refundCheckAdd(check: RefundCheckFields): string {
  return element('CheckAdd', [
    fullNameRef('AccountRef', check.bankAccount),
    fullNameRef('PayeeEntityRef', check.customerName),
    textElement('RefNumber', check.refNumber),
    textElement('TxnDate', check.txnDate),
    textElement('Memo', check.memo),
    textElement('ExchangeRate', check.exchangeRate),
    element('ExpenseLineAdd', [
      fullNameRef('AccountRef', check.arAccount),
      textElement('Amount', check.amount),
      textElement('Memo', check.memo),
      fullNameRef('CustomerRef', check.customerName),
      fullNameRef('ClassRef', check.className),
    ]),
  ]);
}

export type DepositLine =
  | { kind: 'payment'; paymentTxnId: string; memo?: string }
  | {
      kind: 'other';
      entityName?: string;
      account: string;
      memo?: string;
      paymentMethod?: string;
      className?: string;
      amount: string;
    };

/** Renders `<DepositAdd>`: payments out of Undeposited Funds plus other lines (fees are negative). */
export function depositAdd(deposit: {
  txnDate: string;
  depositAccount: string;
  memo: string;
  exchangeRate?: string;
  lines: DepositLine[];
}): string {
  return element('DepositAdd', [
    textElement('TxnDate', deposit.txnDate),
    fullNameRef('DepositToAccountRef', deposit.depositAccount),
    textElement('Memo', deposit.memo),
    textElement('ExchangeRate', deposit.exchangeRate),
    ...deposit.lines.map((line) =>
      line.kind === 'payment'
        ? element('DepositLineAdd', [
            textElement('PaymentTxnID', line.paymentTxnId),
            textElement('OverrideMemo', line.memo),
          ])
        : element('DepositLineAdd', [
            fullNameRef('EntityRef', line.entityName),
            fullNameRef('AccountRef', line.account),
            textElement('Memo', line.memo),
            fullNameRef('PaymentMethodRef', line.paymentMethod),
            fullNameRef('ClassRef', line.className),
            textElement('Amount', line.amount),
          ]),
    ),
  ]);
}

export interface JournalLine {
  side: 'debit' | 'credit';
  account: string;
  amount: string;
  memo?: string;
  entityName?: string;
  className?: string;
}

/** Renders `<JournalEntryAdd>`; the caller balances debits and credits. */
export function journalEntryAdd(entry: {
  txnDate: string;
  refNumber?: string;
  memo: string;
  lines: JournalLine[];
}): string {
  return element('JournalEntryAdd', [
    textElement('TxnDate', entry.txnDate),
    textElement('RefNumber', entry.refNumber),
    textElement('Memo', entry.memo),
    ...entry.lines.map((line) =>
      element(line.side === 'debit' ? 'JournalDebitLine' : 'JournalCreditLine', [
        fullNameRef('AccountRef', line.account),
        textElement('Amount', line.amount),
        textElement('Memo', line.memo),
        fullNameRef('EntityRef', line.entityName),
        fullNameRef('ClassRef', line.className),
      ]),
    ),
  ]);
}

/** Renders `<InventoryAdjustmentAdd>` that changes quantities on hand by a difference. */
export function inventoryAdjustmentAdd(adjustment: {
  account: string;
  txnDate: string;
  refNumber?: string;
  inventorySite?: string;
  memo: string;
  /** Each line either changes the quantity on hand (`quantityDifference`) or sets it. */
  lines: Array<{ itemName: string; quantityDifference?: string; newQuantity?: string }>;
}): string {
  return element('InventoryAdjustmentAdd', [
    fullNameRef('AccountRef', adjustment.account),
    textElement('TxnDate', adjustment.txnDate),
    textElement('RefNumber', adjustment.refNumber),
    fullNameRef('InventorySiteRef', adjustment.inventorySite),
    textElement('Memo', adjustment.memo),
    ...adjustment.lines.map((line) =>
      element('InventoryAdjustmentLineAdd', [
        fullNameRef('ItemRef', line.itemName),
        element(
          'QuantityAdjustment',
          line.newQuantity === undefined
            ? textElement('QuantityDifference', line.quantityDifference)
            : textElement('NewQuantity', line.newQuantity),
        ),
      ]),
    ),
  ]);
}

/** The transaction types `TxnDel` accepts that this service posts. */
export type DeletableTxnType =
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

/** Renders the body of a `TxnDelRq` (it has no wrapper element of its own). */
export function txnDelBody(txnType: DeletableTxnType, txnId: string): string {
  return `${textElement('TxnDelType', txnType)}${textElement('TxnID', txnId)}`;
}

/** Wraps an add or mod element in its request, for example `<CustomerAddRq requestID="3">`. */
export function wrapRequest(requestName: string, requestId: string, body: string): string {
  return `<${requestName}Rq requestID="${escapeXml(requestId)}">${body}</${requestName}Rq>`;
}

/**
 * Wraps requests in a qbXML message set. `continueOnError` makes QuickBooks process every request
 * even after one fails, so each response is matched to its request by `requestID`.
 */
export function messageSet(
  requests: string[],
  version: string,
  onError: 'continueOnError' | 'stopOnError' = 'continueOnError',
): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?><?qbxml version="${version}"?>` +
    `<QBXML><QBXMLMsgsRq onError="${onError}">${requests.join('')}</QBXMLMsgsRq></QBXML>`
  );
}
