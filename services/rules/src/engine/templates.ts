import { type RuleInput } from './rule.model';

export interface RuleTemplate {
  id: string;
  goal: string;
  /** The rule the template creates; the caller may change its values before saving it. */
  rule: RuleInput;
}

/** The catalogue of common rules, shipped as starting points. */
export const RULE_TEMPLATES: readonly RuleTemplate[] = [
  {
    id: 'skip_sku_contains',
    goal: 'Skip orders holding a digital SKU',
    rule: {
      name: 'Skip digital SKUs',
      type: 'template',
      template: 'skip_sku_contains',
      conditions: [{ field: 'line.sku', comparison: 'contains', value: 'DIGITAL' }],
      action: { kind: 'do_not_import' },
    },
  },
  {
    id: 'skip_old_orders',
    goal: 'Skip orders created before a date',
    rule: {
      name: 'Skip orders before 2022',
      type: 'template',
      template: 'skip_old_orders',
      conditions: [{ field: 'order_date', comparison: 'less_than', value: '2022-01-01' }],
      action: { kind: 'do_not_import' },
    },
  },
  {
    id: 'skip_stores',
    goal: 'Skip orders from chosen channels',
    rule: {
      name: 'Skip marketplace orders',
      type: 'template',
      template: 'skip_stores',
      conditions: [{ field: 'channel', comparison: 'in_list', values: ['amazon', 'ebay'] }],
      action: { kind: 'do_not_import' },
    },
  },
  {
    id: 'channel_sales_receipts',
    goal: 'Post a channel as sales receipts',
    rule: {
      name: 'Amazon as sales receipts',
      type: 'template',
      template: 'channel_sales_receipts',
      conditions: [{ field: 'channel', comparison: 'equals', value: 'amazon' }],
      action: { kind: 'transaction_type', value: 'Sales Receipts' },
    },
  },
  {
    id: 'paypal_deposit_account',
    goal: 'Deposit PayPal payments to a PayPal account',
    rule: {
      name: 'PayPal deposit account',
      type: 'template',
      template: 'paypal_deposit_account',
      conditions: [{ field: 'payment_method', comparison: 'contains', value: 'paypal' }],
      action: { kind: 'deposit_account', value: 'PayPal' },
    },
  },
  {
    id: 'class_per_channel',
    goal: 'Give a channel its own class',
    rule: {
      name: 'Amazon class',
      type: 'template',
      template: 'class_per_channel',
      conditions: [{ field: 'channel', comparison: 'equals', value: 'amazon' }],
      action: { kind: 'class', value: 'Amazon' },
    },
  },
  {
    id: 'one_shipping_item',
    goal: 'Post every shipping method to one item',
    rule: {
      name: 'One shipping item',
      type: 'template',
      template: 'one_shipping_item',
      conditions: [{ field: 'shipping_method', comparison: 'map_all' }],
      action: { kind: 'shipping_item', value: 'Shipping' },
    },
  },
  {
    id: 'po_from_field',
    goal: 'Copy the PO number from its custom field',
    rule: {
      name: 'PO number from field',
      type: 'template',
      template: 'po_from_field',
      conditions: [{ field: 'custom.purchase_order', comparison: 'exists' }],
      action: { kind: 'po_number' },
    },
  },
  {
    id: 'ship_date_from_field',
    goal: 'Copy the ship date from the ship_date custom field',
    rule: {
      name: 'Ship date from field',
      type: 'template',
      template: 'ship_date_from_field',
      conditions: [{ field: 'ship_date', comparison: 'exists' }],
      action: { kind: 'ship_date' },
    },
  },
  {
    id: 'reference_as_order_number',
    goal: "Use the channel's reference number as the order number",
    rule: {
      name: 'Reference number as order number',
      type: 'template',
      template: 'reference_as_order_number',
      conditions: [{ field: 'reference_number', comparison: 'map_all' }],
      action: { kind: 'order_number' },
    },
  },
  {
    id: 'unpaid_status',
    goal: 'Mark orders with a balance due as awaiting payment',
    rule: {
      name: 'Unpaid to awaiting payment',
      type: 'template',
      template: 'unpaid_status',
      conditions: [{ field: 'balance_due', comparison: 'greater_than', value: '0' }],
      action: { kind: 'order_status', value: 'awaiting_payment' },
    },
  },
  {
    id: 'ship_date_as_order_date',
    goal: 'Date the document on the ship date (Amazon)',
    rule: {
      name: 'Ship date as order date',
      type: 'template',
      template: 'ship_date_as_order_date',
      conditions: [{ field: 'ship_date', comparison: 'exists' }],
      action: { kind: 'order_date' },
    },
  },
  {
    id: 'unpaid_as_invoice',
    goal: 'Post orders with a balance due as invoices, so they stay unpaid until paid',
    rule: {
      name: 'Unpaid orders as invoices',
      type: 'template',
      template: 'unpaid_as_invoice',
      conditions: [{ field: 'balance_due', comparison: 'greater_than', value: '0' }],
      action: { kind: 'transaction_type', value: 'Invoice' },
    },
  },
];
