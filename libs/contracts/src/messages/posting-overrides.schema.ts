import { z } from 'zod';

/**
 * What the account's rules decided about how an order posts, beyond rewriting the order itself.
 * Every field is optional: an absent field leaves the connection's setting in force. Names are
 * QuickBooks names (an account's full name, a class's full name), resolved by the service that
 * posts; a name it cannot resolve fails the order with the rule's name in the message.
 */
export const TRANSACTION_TYPES = [
  'sales_receipt',
  'invoice',
  'invoice_with_payment',
  'estimate',
  'sales_order',
  'sales_order_with_payment',
  'sales_order_invoice_payment',
  'summary_sales_receipt',
  'summary_invoice',
  'summary_sales_order',
  'summary_payout',
  'do_not_sync',
] as const;

export type TransactionType = (typeof TRANSACTION_TYPES)[number];

export const lineOverridesSchema = z.object({
  /** The order line these overrides apply to. */
  lineId: z.string().min(1),
  itemName: z.string().min(1).optional(),
  className: z.string().min(1).optional(),
  taxCode: z.string().min(1).optional(),
  unitOfMeasure: z.string().min(1).optional(),
  inventorySite: z.string().min(1).optional(),
  description: z.string().optional(),
});

export const postingOverridesSchema = z.object({
  transactionType: z.enum(TRANSACTION_TYPES).optional(),
  /** The document date (YYYY-MM-DD), when a rule maps it from another order date. */
  transactionDate: z.iso.date().optional(),
  dueDate: z.iso.date().optional(),
  shipDate: z.iso.date().optional(),
  customerName: z.string().min(1).optional(),
  className: z.string().min(1).optional(),
  location: z.string().min(1).optional(),
  salesRep: z.string().min(1).optional(),
  arAccount: z.string().min(1).optional(),
  depositAccount: z.string().min(1).optional(),
  paymentMethod: z.string().min(1).optional(),
  terms: z.string().min(1).optional(),
  priceLevel: z.string().min(1).optional(),
  /** Tax code for the whole document, and for shipping and discount lines. */
  taxCode: z.string().min(1).optional(),
  shippingTaxCode: z.string().min(1).optional(),
  discountTaxCode: z.string().min(1).optional(),
  shippingItem: z.string().min(1).optional(),
  discountItem: z.string().min(1).optional(),
  memo: z.string().optional(),
  lines: z.array(lineOverridesSchema).default([]),
});

export type PostingOverrides = z.infer<typeof postingOverridesSchema>;
export type LineOverrides = z.infer<typeof lineOverridesSchema>;
