import {
  type CompanyLists,
  type DocumentKind,
  type LineOverrides,
  type PostingOverrides,
  TRANSACTION_TYPES,
  type TransactionType,
} from '@qbsync/contracts';

import { type ActionKind } from './rule.model';

/**
 * Kind of value an action takes: free text, a date (YYYY-MM-DD), a whole number of at least 2, a
 * QuickBooks transaction type, a currency code, or nothing (an exclusion).
 */
export type ActionValueType =
  'text' | 'date' | 'multiplier' | 'transaction_type' | 'currency' | 'none';

type CompanyListName = Exclude<
  keyof CompanyLists,
  'accountId' | 'target' | 'refreshedAt' | 'homeCurrency'
>;

type OrderOverrideKey = Exclude<keyof PostingOverrides, 'lines'>;
type LineOverrideKey = Exclude<keyof LineOverrides, 'lineId'>;

export interface ActionDefinition {
  kind: ActionKind;
  label: string;
  /** Line actions run once per line that the conditions select. */
  level: 'order' | 'line';
  valueType: ActionValueType;
  /** The override key the action sets; absent for actions that rewrite the order itself. */
  override?: OrderOverrideKey;
  lineOverride?: LineOverrideKey;
  /** The company list a value must exist in, when QuickBooks keeps such a list. */
  list?: CompanyListName;
  /** Whether the action also applies to refunds (class, deposit account, item and SKU maps). */
  refunds: boolean;
}

const definitions: ActionDefinition[] = [
  {
    kind: 'order_number',
    label: 'Map Order Number',
    level: 'order',
    valueType: 'text',
    refunds: false,
  },
  {
    kind: 'order_status',
    label: 'Map Order Status',
    level: 'order',
    valueType: 'text',
    refunds: false,
  },
  {
    kind: 'currency',
    label: 'Map Currency Code',
    level: 'order',
    valueType: 'currency',
    list: 'currencies',
    refunds: false,
  },
  { kind: 'po_number', label: 'Map PO Number', level: 'order', valueType: 'text', refunds: false },
  {
    kind: 'billing_company',
    label: 'Map Billing Address Company',
    level: 'order',
    valueType: 'text',
    refunds: false,
  },
  {
    kind: 'transaction_type',
    label: 'Map Transaction Type',
    level: 'order',
    valueType: 'transaction_type',
    override: 'transactionType',
    refunds: false,
  },
  {
    kind: 'do_not_import',
    label: 'Do Not Import Order to QuickBooks',
    level: 'order',
    valueType: 'none',
    refunds: false,
  },
  {
    kind: 'order_date',
    label: 'Map Order Date',
    level: 'order',
    valueType: 'date',
    override: 'transactionDate',
    refunds: false,
  },
  {
    kind: 'due_date',
    label: 'Map Due Date',
    level: 'order',
    valueType: 'date',
    override: 'dueDate',
    refunds: false,
  },
  {
    kind: 'ship_date',
    label: 'Map Order Ship Date',
    level: 'order',
    valueType: 'date',
    override: 'shipDate',
    refunds: false,
  },
  {
    kind: 'class',
    label: 'Map Order Class',
    level: 'order',
    valueType: 'text',
    override: 'className',
    list: 'classes',
    refunds: true,
  },
  {
    kind: 'location',
    label: 'Map Location',
    level: 'order',
    valueType: 'text',
    override: 'location',
    list: 'locations',
    refunds: true,
  },
  {
    kind: 'sales_rep',
    label: 'Map Sales Rep',
    level: 'order',
    valueType: 'text',
    override: 'salesRep',
    list: 'salesReps',
    refunds: false,
  },
  {
    kind: 'ar_account',
    label: 'Map Order A/R Account',
    level: 'order',
    valueType: 'text',
    override: 'arAccount',
    list: 'accounts',
    refunds: false,
  },
  {
    kind: 'deposit_account',
    label: 'Map Deposit Account',
    level: 'order',
    valueType: 'text',
    override: 'depositAccount',
    list: 'accounts',
    refunds: true,
  },
  {
    kind: 'payment_method',
    label: 'Map Payment Method',
    level: 'order',
    valueType: 'text',
    override: 'paymentMethod',
    list: 'paymentMethods',
    refunds: true,
  },
  {
    kind: 'terms',
    label: 'Map Sales Terms',
    level: 'order',
    valueType: 'text',
    override: 'terms',
    list: 'terms',
    refunds: false,
  },
  {
    kind: 'price_level',
    label: 'Map Order Price Level',
    level: 'order',
    valueType: 'text',
    override: 'priceLevel',
    list: 'priceLevels',
    refunds: false,
  },
  {
    kind: 'tax_code',
    label: 'Map Sales Tax Code',
    level: 'order',
    valueType: 'text',
    override: 'taxCode',
    list: 'taxCodes',
    refunds: true,
  },
  {
    kind: 'shipping_tax_code',
    label: 'Map Shipping Line Tax Code',
    level: 'order',
    valueType: 'text',
    override: 'shippingTaxCode',
    list: 'taxCodes',
    refunds: true,
  },
  {
    kind: 'discount_tax_code',
    label: 'Map Discount Tax Code',
    level: 'order',
    valueType: 'text',
    override: 'discountTaxCode',
    list: 'taxCodes',
    refunds: false,
  },
  {
    kind: 'shipping_item',
    label: 'Map Shipping Method (shipping item)',
    level: 'order',
    valueType: 'text',
    override: 'shippingItem',
    refunds: true,
  },
  {
    kind: 'discount_item',
    label: 'Map Discount Item',
    level: 'order',
    valueType: 'text',
    override: 'discountItem',
    refunds: false,
  },
  {
    kind: 'customer_name',
    label: 'Map Customer Name',
    level: 'order',
    valueType: 'text',
    override: 'customerName',
    refunds: true,
  },
  {
    kind: 'memo',
    label: 'Map Memo',
    level: 'order',
    valueType: 'text',
    override: 'memo',
    refunds: true,
  },
  { kind: 'sku', label: 'Map SKU', level: 'line', valueType: 'text', refunds: true },
  {
    kind: 'quantity_multiplier',
    label: 'Multiply quantity',
    level: 'line',
    valueType: 'multiplier',
    refunds: false,
  },
  {
    kind: 'item',
    label: 'Map Product (QuickBooks item)',
    level: 'line',
    valueType: 'text',
    lineOverride: 'itemName',
    refunds: true,
  },
  {
    kind: 'line_class',
    label: 'Map Class on Line Items',
    level: 'line',
    valueType: 'text',
    lineOverride: 'className',
    list: 'classes',
    refunds: true,
  },
  {
    kind: 'line_tax_code',
    label: 'Map Tax Code on Order Items',
    level: 'line',
    valueType: 'text',
    lineOverride: 'taxCode',
    list: 'taxCodes',
    refunds: true,
  },
  {
    kind: 'unit_of_measure',
    label: 'Map Unit of Measure',
    level: 'line',
    valueType: 'text',
    lineOverride: 'unitOfMeasure',
    list: 'unitsOfMeasure',
    refunds: false,
  },
  {
    kind: 'inventory_site',
    label: 'Map Inventory Site',
    level: 'line',
    valueType: 'text',
    lineOverride: 'inventorySite',
    list: 'inventorySites',
    refunds: false,
  },
  {
    kind: 'line_description',
    label: 'Map Line Description',
    level: 'line',
    valueType: 'text',
    lineOverride: 'description',
    refunds: true,
  },
];

export const ACTIONS: ReadonlyMap<ActionKind, ActionDefinition> = new Map(
  definitions.map((definition) => [definition.kind, definition]),
);

export function actionDefinition(kind: ActionKind): ActionDefinition {
  return ACTIONS.get(kind)!;
}

/**
 * Reads a transaction type as accountants write it ("Sales Receipts", "invoice", "Sales Order")
 * or as the contract names it (sales_receipt). Returns undefined for anything else.
 */
export function parseTransactionType(value: string): TransactionType | undefined {
  const normalized = value
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  const candidates = [normalized, normalized.replace(/s$/, ''), normalized.replace(/s_/g, '_')];

  return TRANSACTION_TYPES.find((type) => candidates.includes(type));
}

/** Returns the QuickBooks document kind of a transaction type, or null when it does not post. */
export function documentKindFor(type: TransactionType): DocumentKind | null {
  switch (type) {
    case 'sales_receipt':
    case 'summary_sales_receipt':
    case 'summary_payout':
      return 'sales_receipt';
    case 'invoice':
    case 'invoice_with_payment':
    case 'summary_invoice':
      return 'invoice';
    case 'estimate':
      return 'estimate';
    case 'sales_order':
    case 'sales_order_with_payment':
    case 'sales_order_invoice_payment':
    case 'summary_sales_order':
      return 'sales_order';
    case 'do_not_sync':
      return null;
  }
}
