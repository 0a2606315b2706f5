import { z } from 'zod';

import { orderSchema } from '../order/order.schema';
import { payoutSchema } from '../payout/payout.schema';
import { refundSchema } from '../refund/refund.schema';
import { postingOverridesSchema } from './posting-overrides.schema';

/** QuickBooks document kinds a channel document can be posted as; part of the ledger's key. */
export const DOCUMENT_KINDS = [
  'sales_receipt',
  'invoice',
  'payment',
  'estimate',
  'sales_order',
  'refund_receipt',
  'credit_memo',
  'deposit',
  'journal_entry',
] as const;

export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const POSTING_TARGETS = ['qbo', 'qbd'] as const;
export type PostingTarget = (typeof POSTING_TARGETS)[number];

/** An order after the account's rules ran, addressed to one QuickBooks target. */
export const orderReadySchema = z.object({
  order: orderSchema,
  target: z.enum(POSTING_TARGETS),
  documentKind: z.enum(DOCUMENT_KINDS),
  /** The rule-set version that rewrote the order; 0 when the account has no rules yet. */
  ruleSetVersion: z.number().int().nonnegative(),
  appliedRules: z.array(z.string()),
  /** Decisions of the rules beyond the order's own fields; absent when no rule made any. */
  overrides: postingOverridesSchema.optional(),
});

export type OrderReady = z.infer<typeof orderReadySchema>;

/** A refund after the account's rules ran, addressed to one QuickBooks target. */
export const refundReadySchema = z.object({
  refund: refundSchema,
  target: z.enum(POSTING_TARGETS),
  ruleSetVersion: z.number().int().nonnegative(),
  appliedRules: z.array(z.string()),
  overrides: postingOverridesSchema.optional(),
});

export type RefundReady = z.infer<typeof refundReadySchema>;

/** A payout routed to the account's QuickBooks target for deposit matching or a summary. */
export const payoutReadySchema = z.object({
  payout: payoutSchema,
  target: z.enum(POSTING_TARGETS),
  /**
   * A re-sync that posts the deposit even when some payout transactions match no document,
   * with their amounts on a line to the clearing account.
   */
  force: z.boolean().optional(),
});

export type PayoutReady = z.infer<typeof payoutReadySchema>;
