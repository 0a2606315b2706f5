import { z } from 'zod';

import {
  CHANNELS,
  currencyCode,
  customFieldSchema,
  isoTimestamp,
  minorAmount,
  nonNegativeMinorAmount,
  orderSourceSchema,
  paymentSchema,
  taxLineSchema,
} from '../order/order.schema';

/** One order line the channel refunded, in the order's currency and minor unit. */
export const refundLineSchema = z.object({
  /** The refunded order line's `lineId`, so the credit reuses the original line's item. */
  lineId: z.string().min(1),
  sku: z.string(),
  name: z.string().min(1),
  quantity: z.number().int().positive('must be a whole number greater than zero'),
  /** Refunded amount for the line before tax, net of the line's discounts. */
  amount: nonNegativeMinorAmount,
  tax: nonNegativeMinorAmount,
  /** True when the goods went back to stock, so the credit takes the item's quantity back too. */
  restock: z.boolean(),
});

/** Money refunded that belongs to no line: a goodwill amount, a fee, a rounding difference. */
export const refundAdjustmentSchema = z.object({
  reason: z.string().min(1),
  /** Positive when the customer got more back, negative when the merchant kept some. */
  amount: minorAmount,
});

/** The channel's own refund totals; a credit document must reproduce `total` to the cent. */
export const refundTotalsSchema = z.object({
  subtotal: nonNegativeMinorAmount,
  shipping: nonNegativeMinorAmount,
  tax: nonNegativeMinorAmount,
  adjustments: minorAmount,
  total: minorAmount,
});

export const REFUND_SCHEMA_VERSION = 1;

/**
 * A refund (or a cancellation of paid goods) as the channel reported it. Each `channelRefundId`
 * posts once; the original order is found by `channelOrderId`.
 */
export const refundSchema = z.object({
  schemaVersion: z.literal(REFUND_SCHEMA_VERSION),
  accountId: z.string().min(1),
  connectionId: z.string().min(1),
  channel: z.enum(CHANNELS),
  channelOrderId: z.string().min(1),
  orderNumber: z.string().min(1),
  channelRefundId: z.string().min(1),
  createdAt: isoTimestamp,
  processedAt: isoTimestamp.optional(),
  /** Pending refunds wait; only completed ones post. */
  status: z.enum(['pending', 'completed', 'failed']),
  kind: z.enum(['refund', 'cancellation']),
  reason: z.string().optional(),
  currency: currencyCode,
  lines: z.array(refundLineSchema),
  shipping: z.object({ amount: nonNegativeMinorAmount, tax: nonNegativeMinorAmount }),
  adjustments: z.array(refundAdjustmentSchema),
  taxLines: z.array(taxLineSchema),
  /** The money movements back to the customer, one per tender. */
  transactions: z.array(paymentSchema),
  totals: refundTotalsSchema,
  customFields: z.array(customFieldSchema),
  source: orderSourceSchema,
});

export type Refund = z.infer<typeof refundSchema>;
export type RefundLine = z.infer<typeof refundLineSchema>;
export type RefundAdjustment = z.infer<typeof refundAdjustmentSchema>;
export type RefundTotals = z.infer<typeof refundTotalsSchema>;
