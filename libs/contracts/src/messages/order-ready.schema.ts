import { z } from 'zod';

import { orderSchema } from '../order/order.schema';

/** QuickBooks document kinds an order can be posted as. */
export const DOCUMENT_KINDS = [
  'sales_receipt',
  'invoice',
  'refund_receipt',
  'credit_memo',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** An order after the account's rules ran, addressed to one QuickBooks target. */
export const orderReadySchema = z.object({
  order: orderSchema,
  target: z.enum(['qbo', 'qbd']),
  documentKind: z.enum(DOCUMENT_KINDS),
  /** The rule-set version that rewrote the order; 0 when the account has no rules yet. */
  ruleSetVersion: z.number().int().nonnegative(),
  appliedRules: z.array(z.string()),
});

export type OrderReady = z.infer<typeof orderReadySchema>;
