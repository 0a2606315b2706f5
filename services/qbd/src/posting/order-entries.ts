import {
  AccountingError,
  buildSalesReceiptPlan,
  type PlanCustomer,
  type PlanLine,
  type PostingPlan,
} from '@qbsync/accounting';
import { type OrderReady, type PostingOverrides, type TransactionType } from '@qbsync/contracts';

import { type CogsSource } from '../cogs/cogs-entries';
import { formatAddress, formatAmount, QbxmlLimits } from '../qbxml/qbxml-fields';
import {
  customerAdd,
  customerMod,
  type NewItemType,
  receivePaymentAdd,
  type SalesDocument,
  type SalesDocumentType,
  salesDocumentAdd,
  type SalesLine,
} from '../qbxml/qbxml-requests';
import {
  type EntryKind,
  type EntryOrigin,
  type EntryReference,
  type QueueEntryDocument,
} from '../queue/queue-entry.schema';
import { nextSeq } from '../queue/queue.repository';
import { customerAddEntry, itemAddEntry } from './list-entries';
import { customerNameFor, itemNameForSku } from './qbd-names';
import { type QbdSettings } from './qbd-settings';

/** Facts from the local list copy about the names an order uses, read before building. */
export interface OrderListFacts {
  /** Existing customer with this name: ListID and EditSequence, for a contact update. */
  customer?: { listId: string; editSequence?: string };
  /** Lower-case full names of items that exist (by full or leaf name) and their full names. */
  items: Map<string, string>;
  /** QuickBooks' name of the order's currency when it is not the home currency. */
  currencyName?: string;
  /** The price level a rule named, when the list copy has it. */
  priceLevel?: { perItem: boolean; itemKeys: Set<string> };
}

export type OrderEntriesResult =
  | {
      outcome: 'queued';
      entries: QueueEntryDocument[];
      transactionId: string;
      notes: string[];
      /** The document that books the sale (sales receipt or invoice), for its COGS journal entry. */
      sale?: CogsSource;
    }
  | { outcome: 'rejected'; message: string; fix: string }
  | { outcome: 'skipped'; message: string };

/** Marks a place in a request body where a dependency's TxnID goes once QuickBooks assigned it. */
export function txnIdPlaceholder(entryId: string): string {
  return `{{TxnID:${entryId}}}`;
}

/** Transaction types QuickBooks Desktop posts for one order, and the documents each needs. */
interface PostingShape {
  document: SalesDocumentType;
  /** A payment applied to the document (invoices), or unapplied (sales orders). */
  payment?: 'applied' | 'unapplied';
  /** An invoice created from the sales order, then the payment applied to it. */
  invoiceFromSalesOrder?: boolean;
}

function resolveShape(ready: OrderReady): PostingShape | { skip: string } {
  const type: TransactionType = ready.overrides?.transactionType ?? defaultType(ready.documentKind);

  switch (type) {
    case 'sales_receipt':
      return { document: 'SalesReceipt' };
    case 'invoice':
      return { document: 'Invoice' };
    case 'invoice_with_payment':
      return { document: 'Invoice', payment: 'applied' };
    case 'estimate':
      return { document: 'Estimate' };
    case 'sales_order':
      return { document: 'SalesOrder' };
    case 'sales_order_with_payment':
      return { document: 'SalesOrder', payment: 'unapplied' };
    case 'sales_order_invoice_payment':
      return { document: 'SalesOrder', invoiceFromSalesOrder: true, payment: 'applied' };
    case 'do_not_sync':
      return { skip: 'A rule set the transaction type to do not sync, so nothing was posted' };
    case 'summary_sales_receipt':
    case 'summary_invoice':
    case 'summary_sales_order':
      return {
        skip: `Transaction type ${type} posts the order in its day's summary, not as a document of its own`,
      };
    default:
      return {
        skip: `Transaction type ${type} is not posted to QuickBooks Desktop, so nothing was posted`,
      };
  }
}

function defaultType(documentKind: OrderReady['documentKind']): TransactionType {
  switch (documentKind) {
    case 'invoice':
      return 'invoice';
    case 'estimate':
      return 'estimate';
    case 'sales_order':
      return 'sales_order';
    default:
      return 'sales_receipt';
  }
}

const LEDGER_KIND: Record<SalesDocumentType, string> = {
  SalesReceipt: 'sales_receipt',
  Invoice: 'invoice',
  SalesOrder: 'sales_order',
  Estimate: 'estimate',
  CreditMemo: 'credit_memo',
};

/**
 * Builds the queue entries that post one order: the customer and items it needs (each its own
 * entry, shared by every order that uses the name), the sales document, and the invoice and
 * payment that follow it. The qbXML is built here, ahead of the Web Connector's poll, so a
 * session only substitutes TxnIDs. Pure apart from the clock.
 */
export function buildOrderEntries(
  ready: OrderReady,
  settings: QbdSettings,
  homeCurrency: string,
  facts: OrderListFacts,
): OrderEntriesResult {
  const { order } = ready;
  const overrides: PostingOverrides = ready.overrides ?? { lines: [] };
  const shape = resolveShape(ready);

  if ('skip' in shape) {
    return { outcome: 'skipped', message: shape.skip };
  }

  let plan: PostingPlan;

  try {
    plan = buildSalesReceiptPlan(order, {
      docNumberPrefix: settings.docNumberPrefix,
      docNumberMaxLength: QbxmlLimits.refNumber,
      shippingItemName: overrides.shippingItem ?? settings.shippingItem,
      adjustmentItemName: settings.adjustmentItem,
    });
  } catch (error) {
    if (error instanceof AccountingError) {
      return {
        outcome: 'rejected',
        message: error.message,
        fix: 'Check the order in the channel: its lines, discounts, shipping and tax must add up to its total. Correct it there and it re-syncs.',
      };
    }

    throw error;
  }

  const notes: string[] = [];
  const now = new Date();
  const accountId = order.accountId;
  const foreignCurrency = order.currency !== homeCurrency;
  const customer = resolveCustomerName(
    plan.customer,
    overrides,
    settings,
    order.currency,
    foreignCurrency,
  );

  if (customer.cut) {
    notes.push(`customer name cut to ${QbxmlLimits.customerName} characters: ${customer.name}`);
  }

  const transactionId = `${accountId}|${order.channel}|${order.channelOrderId}|${ready.documentKind}`;
  const origin: EntryOrigin = {
    entity: 'order',
    channel: order.channel,
    channelOrderId: order.channelOrderId,
    orderNumber: order.orderNumber,
    connectionId: order.connectionId,
    currency: order.currency,
    channelTotal: order.totals.total,
    ruleSetVersion: ready.ruleSetVersion,
    notes,
  };
  const base = { accountId, createdAt: now, updatedAt: now, attempts: 0, transientFailures: 0 };
  const entries: QueueEntryDocument[] = [];
  const dependsOn: string[] = [];
  const references: EntryReference[] = [];

  // The customer is created when the list copy lacks it, and updated when the option is on.
  if (!facts.customer) {
    const customerEntry = customerAddEntry(
      base,
      origin,
      customer.name,
      customerAdd({
        name: customer.name,
        companyName: plan.customer.companyName,
        firstName: plan.customer.givenName,
        lastName: plan.customer.familyName,
        billAddress: plan.customer.billingAddress,
        shipAddress: plan.customer.shippingAddress,
        phone: plan.customer.phone,
        email: plan.customer.email,
        taxCode: overrides.taxCode,
        currencyName: foreignCurrency ? facts.currencyName : undefined,
      }),
    );

    entries.push(customerEntry);
    dependsOn.push(customerEntry._id);
  } else if (settings.updateCustomerContact && facts.customer.editSequence) {
    const modId = `${transactionId}|customer-mod`;

    entries.push({
      ...base,
      _id: modId,
      seq: nextSeq(),
      kind: 'customer',
      requestName: 'CustomerMod',
      body: customerMod(facts.customer.listId, '{{EditSequence}}', {
        billAddress: plan.customer.billingAddress,
        shipAddress: plan.customer.shippingAddress,
        phone: plan.customer.phone,
        email: plan.customer.email,
      }),
      dependsOn: [],
      references: [],
      listName: customer.name,
      listType: 'Customer',
      features: [],
      state: 'queued',
      origin,
    });
    dependsOn.push(modId);
  }

  // Items: each SKU the order uses, created by the missing product action when QuickBooks lacks it.
  const lineBuild = buildLines(plan, overrides, settings, facts, notes);

  if ('failure' in lineBuild) {
    return { outcome: 'rejected', message: lineBuild.failure, fix: lineBuild.fix };
  }

  for (const item of lineBuild.newItems) {
    const itemEntry = itemAddEntry(
      base,
      origin,
      item,
      {
        taxCode: settings.taxMode === 'tax_codes' ? undefined : settings.nonTaxableCode,
        incomeAccount: settings.incomeAccount,
        cogsAccount: settings.cogsAccount,
        assetAccount: settings.assetAccount,
      },
      [
        { listType: 'Account', name: settings.incomeAccount, source: 'the income account setting' },
        ...(item.type === 'ItemInventory'
          ? [
              {
                listType: 'Account',
                name: settings.cogsAccount,
                source: 'the COGS account setting',
              },
              {
                listType: 'Account',
                name: settings.assetAccount,
                source: 'the inventory asset account setting',
              },
            ]
          : []),
      ],
    );

    entries.push(itemEntry);
    dependsOn.push(itemEntry._id);
  }

  references.push(...lineBuild.references);
  const className = overrides.className ?? settings.defaultClass;
  const memo = overrides.memo ? `${overrides.memo} ${plan.privateNote}` : plan.privateNote;
  const refNumber =
    settings.useNextQuickBooksNumber || plan.docNumberTruncated ? undefined : plan.docNumber;

  if (plan.docNumberTruncated) {
    notes.push(
      `order number ${order.orderNumber} is longer than QuickBooks' ${QbxmlLimits.refNumber}-character RefNumber, so QuickBooks numbered the document`,
    );
  }

  const addressNotes = [plan.customer.billingAddress, plan.customer.shippingAddress]
    .filter((address) => address !== undefined)
    .flatMap((address) => formatAddress(address).truncated);

  if (addressNotes.length > 0) {
    notes.push(`address text cut to fit QuickBooks: ${addressNotes.join('; ')}`);
  }

  const document: SalesDocument = {
    type: shape.document,
    customerName: customer.name,
    className,
    arAccount:
      shape.document === 'SalesReceipt' ? undefined : (overrides.arAccount ?? settings.arAccount),
    txnDate: overrides.transactionDate ?? plan.txnDate,
    refNumber,
    billAddress: plan.customer.billingAddress,
    shipAddress: plan.customer.shippingAddress,
    terms: overrides.terms,
    paymentMethod: shape.document === 'SalesReceipt' ? overrides.paymentMethod : undefined,
    dueDate: overrides.dueDate,
    salesRep: overrides.salesRep,
    shipDate: overrides.shipDate,
    itemSalesTax: settings.taxMode === 'tax_codes' ? settings.itemSalesTax : undefined,
    memo,
    customerTaxCode: overrides.taxCode,
    depositAccount:
      shape.document === 'SalesReceipt'
        ? (overrides.depositAccount ?? settings.depositAccount)
        : undefined,
    exchangeRate: foreignCurrency ? order.exchangeRate : undefined,
    lines: lineBuild.lines,
  };

  addDocumentReferences(references, document, overrides);
  const features = lineBuild.features;
  const lookup = (txnType: string) => ({
    txnType,
    refNumber,
    txnDate: document.txnDate,
    // The whole note, so order 1000 does not match the memo of order 10001.
    memoStamp: plan.privateNote,
  });

  entries.push({
    ...base,
    _id: transactionId,
    seq: nextSeq(),
    kind: 'transaction',
    requestName: `${shape.document}Add`,
    body: salesDocumentAdd(document),
    dependsOn: [...dependsOn],
    references,
    lookup: lookup(shape.document),
    orderKey: `order|${order.channel}|${order.channelOrderId}`,
    documentKind: LEDGER_KIND[shape.document],
    customerName: customer.name,
    features,
    state: 'queued',
    origin,
  });

  let payableId = transactionId;

  if (shape.invoiceFromSalesOrder) {
    const invoiceId = `${transactionId}|invoice`;

    entries.push({
      ...base,
      _id: invoiceId,
      seq: nextSeq(),
      kind: 'transaction',
      requestName: 'InvoiceAdd',
      body: salesDocumentAdd({
        ...document,
        type: 'Invoice',
        arAccount: overrides.arAccount ?? settings.arAccount,
        linkToTxnIds: [txnIdPlaceholder(transactionId)],
      }),
      dependsOn: [transactionId],
      references,
      lookup: lookup('Invoice'),
      documentKind: 'invoice',
      customerName: customer.name,
      features,
      state: 'queued',
      origin,
    });
    payableId = invoiceId;
  }

  const paid = paidAmount(ready);

  if (shape.payment && paid > 0) {
    const paymentId = `${transactionId}|payment`;
    const amount = formatAmount(Math.min(paid, plan.total), order.currency);
    const payment = order.payments.find(
      (candidate) => candidate.status === 'success' && candidate.kind !== 'gift_card',
    );

    entries.push({
      ...base,
      _id: paymentId,
      seq: nextSeq(),
      kind: 'payment',
      requestName: 'ReceivePaymentAdd',
      body: receivePaymentAdd({
        customerName: customer.name,
        arAccount: overrides.arAccount ?? settings.arAccount,
        txnDate: document.txnDate,
        refNumber: payment?.transactionId ?? refNumber,
        totalAmount: amount,
        exchangeRate: document.exchangeRate,
        paymentMethod: overrides.paymentMethod,
        memo,
        depositAccount: overrides.depositAccount ?? settings.depositAccount,
        appliedTo:
          shape.payment === 'applied' ? [{ txnId: txnIdPlaceholder(payableId), amount }] : [],
      }),
      dependsOn: [payableId],
      references: references.filter((reference) => reference.listType !== 'Item'),
      lookup: { ...lookup('ReceivePayment'), refNumber: undefined },
      documentKind: 'payment',
      customerName: customer.name,
      features: [],
      state: 'queued',
      origin,
    });
  } else if (shape.payment) {
    notes.push('the order has no settled payment, so no payment was posted');
  }

  return {
    outcome: 'queued',
    entries,
    transactionId,
    notes,
    sale: saleOf(shape, document, {
      accountId,
      transactionId,
      homeCurrency,
      memo,
      refNumber,
      origin,
    }),
  };
}

/**
 * Returns the document that books the sale's cost: the sales receipt or invoice, or the invoice
 * created from a sales order. Estimates and sales orders alone book no sale.
 */
function saleOf(
  shape: PostingShape,
  document: SalesDocument,
  fields: {
    accountId: string;
    transactionId: string;
    homeCurrency: string;
    memo: string;
    refNumber?: string;
    origin: EntryOrigin;
  },
): CogsSource | undefined {
  let transactionId: string;

  if (shape.document === 'SalesReceipt' || shape.document === 'Invoice') {
    transactionId = fields.transactionId;
  } else if (shape.invoiceFromSalesOrder) {
    transactionId = `${fields.transactionId}|invoice`;
  } else {
    return undefined;
  }

  return {
    accountId: fields.accountId,
    transactionId,
    txnDate: document.txnDate,
    refNumber: fields.refNumber,
    memo: fields.memo,
    customerName: document.customerName,
    className: document.className,
    currency: fields.homeCurrency,
    origin: fields.origin,
    lines: document.lines
      .filter((line) => line.quantity !== undefined)
      .map((line) => ({
        itemName: line.itemName,
        quantity: Number(line.quantity),
        className: line.className,
      })),
  };
}

export function resolveCustomerName(
  planCustomer: PlanCustomer,
  overrides: PostingOverrides,
  settings: QbdSettings,
  currency: string,
  foreignCurrency: boolean,
): { name: string; cut: boolean } {
  const base = overrides.customerName ?? planCustomer.displayName;

  if (foreignCurrency && settings.currencyCustomers) {
    // `<customer name> <ISO code>`: a QuickBooks customer's currency is fixed by its first
    // transaction, so each currency gets its own customer. The code must survive the cut.
    const suffix = ` ${currency}`;
    const room = QbxmlLimits.customerName - suffix.length;
    const fitted = customerNameFor(base);
    const name = `${fitted.name.slice(0, room).trim()}${suffix}`;

    return { name, cut: fitted.cut || fitted.name.length > room };
  }

  return customerNameFor(base);
}

function paidAmount(ready: OrderReady): number {
  return ready.order.payments
    .filter(
      (payment) =>
        payment.status === 'success' && (payment.kind === 'sale' || payment.kind === 'capture'),
    )
    .reduce((sum, payment) => sum + payment.amount, 0);
}

export interface NewItem {
  fullName: string;
  type: NewItemType;
  description: string;
}

export interface LineBuild {
  lines: SalesLine[];
  newItems: NewItem[];
  references: EntryReference[];
  features: string[];
}

/**
 * Turns the plan's lines into qbXML lines with their items, classes, tax codes, sites and units,
 * and lists the items QuickBooks must get first.
 */
export function buildLines(
  plan: PostingPlan,
  overrides: PostingOverrides,
  settings: QbdSettings,
  facts: OrderListFacts,
  notes: string[],
): LineBuild | { failure: string; fix: string } {
  const currency = plan.currency;
  const lines: SalesLine[] = [];
  const newItems = new Map<string, NewItem>();
  const references: EntryReference[] = [];
  const features = new Set<string>();
  const lineOverrides = new Map(overrides.lines.map((line) => [line.lineId, line]));
  const lineItemTax = settings.taxMode === 'line_item';
  const codeFor = (taxable: boolean, override?: string): string | undefined =>
    override ??
    overrides.taxCode ??
    (lineItemTax || !taxable ? settings.nonTaxableCode : settings.taxableCode);
  const ensureItem = (fullName: string, type: NewItemType, description: string): string => {
    const existing = facts.items.get(fullName.toLowerCase());

    if (existing) {
      return existing;
    }

    if (!newItems.has(fullName.toLowerCase())) {
      newItems.set(fullName.toLowerCase(), { fullName, type, description });
    }

    return fullName;
  };
  const missingType: NewItemType =
    settings.missingItemAction === 'create_inventory' ? 'ItemInventory' : 'ItemNonInventory';

  for (const line of plan.lines) {
    const amount = formatAmount(line.amount, currency);

    if (line.kind !== 'item') {
      lines.push(
        nonProductLine(
          line,
          amount,
          ensureItem,
          codeFor(false, line.kind === 'shipping' ? overrides.shippingTaxCode : undefined),
        ),
      );
      continue;
    }

    const override = lineOverrides.get(line.lineId);
    let itemName: string;

    if (override?.itemName) {
      itemName = override.itemName;
      references.push({
        listType: 'Item',
        name: itemName,
        source: `the Map SKU rule for line ${line.lineId}`,
      });
    } else if (line.sku.trim() === '') {
      itemName = ensureItem(settings.blankSkuItem, 'ItemNonInventory', 'Order lines without a SKU');
      notes.push(
        `line "${line.name}" has no SKU, so it posted to item ${settings.blankSkuItem}; map it to a QuickBooks item`,
      );
    } else {
      const { name, cut } = itemNameForSku(line.sku);

      if (cut) {
        notes.push(
          `SKU ${line.sku} is longer than QuickBooks' ${QbxmlLimits.itemName}-character item name, so the item is ${name}`,
        );
      }

      if (!facts.items.has(name.toLowerCase()) && settings.missingItemAction === 'fail') {
        return {
          failure: `SKU ${line.sku} matches no QuickBooks item and the missing product action is "Flag order as error and map"`,
          fix: `Create item ${name} in QuickBooks, or add a Map SKU rule for ${line.sku}, then re-sync the order`,
        };
      }

      itemName = ensureItem(name, missingType, line.description || line.name);
    }

    const site = override?.inventorySite ?? settings.defaultSite;
    const unitOfMeasure = override?.unitOfMeasure;

    if (site) {
      features.add('inventorySites');
      references.push({
        listType: 'InventorySite',
        name: site,
        source: override?.inventorySite
          ? `the Map Inventory Site rule for line ${line.lineId}`
          : 'the default site setting',
      });
    }

    if (unitOfMeasure) {
      features.add('unitsOfMeasure');
    }

    const priceLevel = pickPriceLevel(overrides.priceLevel, itemName, facts, notes);

    lines.push({
      itemName,
      description: override?.description ?? line.description,
      quantity: String(line.quantity),
      rate: formatAmount(line.unitPrice, currency),
      priceLevel,
      unitOfMeasure: unitOfMeasure?.slice(0, QbxmlLimits.unitOfMeasure),
      className: override?.className,
      amount,
      inventorySite: site,
      taxCode: codeFor(line.taxable, override?.taxCode),
    });
    if (override?.className) {
      references.push({
        listType: 'Class',
        name: override.className,
        source: `the Map Class on Line Items rule for line ${line.lineId}`,
      });
    }
  }

  appendDiscountLines(plan, overrides, settings, lines, ensureItem, codeFor);

  if (lineItemTax && plan.taxTreatment === 'exclusive' && plan.taxTotal > 0) {
    lines.push({
      itemName: ensureItem(
        settings.salesTaxLineItem,
        'ItemService',
        'Sales tax the channel charged',
      ),
      description: plan.taxLines.map((tax) => `${tax.name} ${tax.rate}`).join(', ') || 'Sales tax',
      amount: formatAmount(plan.taxTotal, currency),
      taxCode: settings.nonTaxableCode,
    });
  }

  if (plan.giftCardTotal > 0 && plan.documentKind === 'sales_receipt') {
    lines.push({
      itemName: ensureItem(settings.giftCardItem, 'ItemService', 'Gift card redeemed'),
      description: 'Gift card redeemed',
      amount: formatAmount(-plan.giftCardTotal, currency),
      taxCode: settings.nonTaxableCode,
    });
  }

  return { lines, newItems: [...newItems.values()], references, features: [...features] };
}

function nonProductLine(
  line: Exclude<PlanLine, { kind: 'item' }>,
  amount: string,
  ensureItem: (fullName: string, type: NewItemType, description: string) => string,
  taxCode: string | undefined,
): SalesLine {
  return {
    itemName: ensureItem(line.itemName, 'ItemService', line.description),
    description: line.description,
    amount,
    taxCode,
  };
}

/**
 * Adds the discount as negative lines on the discount item: one for what reduces taxable lines
 * and one for the rest, so QuickBooks taxes the discounted amounts in `tax_codes` mode.
 */
function appendDiscountLines(
  plan: PostingPlan,
  overrides: PostingOverrides,
  settings: QbdSettings,
  lines: SalesLine[],
  ensureItem: (fullName: string, type: NewItemType, description: string) => string,
  codeFor: (taxable: boolean, override?: string) => string | undefined,
): void {
  if (plan.discountTotal <= 0) {
    return;
  }

  const itemName = ensureItem(
    overrides.discountItem ?? settings.discountItem,
    'ItemService',
    'Order discounts',
  );
  const parts =
    settings.taxMode === 'tax_codes'
      ? [
          { amount: plan.discountByTaxability.taxable, taxable: true },
          { amount: plan.discountByTaxability.nonTaxable, taxable: false },
        ]
      : [{ amount: plan.discountTotal, taxable: false }];

  for (const part of parts) {
    if (part.amount > 0) {
      lines.push({
        itemName,
        description: 'Discount',
        amount: formatAmount(-part.amount, plan.currency),
        taxCode: codeFor(part.taxable, overrides.discountTaxCode),
      });
    }
  }
}

/**
 * Returns the price level for a line, or undefined to keep the channel price: a per-item level
 * that does not price the item keeps the channel price, with a note naming both.
 */
function pickPriceLevel(
  levelName: string | undefined,
  itemName: string,
  facts: OrderListFacts,
  notes: string[],
): string | undefined {
  if (!levelName) {
    return undefined;
  }

  if (facts.priceLevel?.perItem && !facts.priceLevel.itemKeys.has(itemName.toLowerCase())) {
    notes.push(`item ${itemName} is not in price level ${levelName}, so it kept the channel price`);

    return undefined;
  }

  return levelName;
}

function addDocumentReferences(
  references: EntryReference[],
  document: SalesDocument,
  overrides: PostingOverrides,
): void {
  const add = (listType: string, name: string | undefined, source: string): void => {
    if (name) {
      references.push({ listType, name, source });
    }
  };

  add(
    'Class',
    document.className,
    overrides.className ? 'the Map Order Class rule' : 'the default class setting',
  );
  add(
    'Account',
    document.arAccount,
    overrides.arAccount ? 'the Map Order A/R Account rule' : 'the A/R account setting',
  );
  add(
    'Account',
    document.depositAccount,
    overrides.depositAccount ? 'the Map Deposit Account rule' : 'the deposit account setting',
  );
  add('Terms', document.terms, 'the terms rule');
  add('PaymentMethod', document.paymentMethod, 'the payment method rule');
  add('SalesRep', document.salesRep, 'the sales rep rule');
  add('ItemSalesTax', document.itemSalesTax, 'the sales tax item setting');
  add('SalesTaxCode', document.customerTaxCode, 'the Map Sales Tax Code rule');
  add('PriceLevel', overrides.priceLevel, 'the Map Order Price Level rule');
}

/** Kinds in the order the queue sends them when positions tie. */
export const KIND_ORDER: Record<EntryKind, number> = {
  customer: 0,
  item: 1,
  transaction: 2,
  payment: 3,
  refund: 4,
  deposit: 5,
  journal: 6,
};
