import { z } from 'zod';

import {
  CHANNELS,
  currencyCode,
  isoTimestamp,
  minorAmount,
  orderSourceSchema,
} from '../order/order.schema';

/** What moved money in a payout, in the terms deposit matching uses. */
export const PAYOUT_TRANSACTION_TYPES = [
  'charge',
  'refund',
  'adjustment',
  'fee',
  'reserve',
  'chargeback',
  'chargeback_reversal',
  'shipping_label',
  'advertising',
  'tax_withheld',
  'transfer',
  'other',
] as const;

export type PayoutTransactionType = (typeof PAYOUT_TRANSACTION_TYPES)[number];

/**
 * One balance transaction inside a payout. Amounts are signed, in the payout's minor unit:
 * money toward the merchant is positive, `fee` is the processor's charge (positive when charged)
 * and `net = gross - fee`.
 */
export const payoutTransactionSchema = z
  .object({
    transactionId: z.string().min(1),
    type: z.enum(PAYOUT_TRANSACTION_TYPES),
    channelOrderId: z.string().optional(),
    orderNumber: z.string().optional(),
    /** The charge, refund or dispute id at the processor (Stripe `ch_...`, PayPal id). */
    sourceId: z.string().optional(),
    description: z.string().optional(),
    gross: minorAmount,
    fee: minorAmount,
    net: minorAmount,
    processedAt: isoTimestamp.optional(),
  })
  .refine((transaction) => transaction.gross - transaction.fee === transaction.net, {
    message: 'net must equal gross minus fee',
    path: ['net'],
  });

export const PAYOUT_SCHEMA_VERSION = 1;

/**
 * A processor payout or marketplace settlement: the money that reached (or will reach) the bank.
 * Deposit matching turns it into one bank deposit equal to `amount` to the cent.
 */
export const payoutSchema = z.object({
  schemaVersion: z.literal(PAYOUT_SCHEMA_VERSION),
  accountId: z.string().min(1),
  connectionId: z.string().min(1),
  channel: z.enum(CHANNELS),
  payoutId: z.string().min(1),
  status: z.enum(['scheduled', 'in_transit', 'paid', 'failed', 'cancelled']),
  /** The day the money reached the bank, or is expected to (YYYY-MM-DD). */
  date: z.iso.date(),
  currency: currencyCode,
  /** Net amount paid to the bank; negative when the merchant owed the processor. */
  amount: minorAmount,
  /** The settlement period, for marketplaces that settle by period (Amazon, Walmart). */
  periodStart: isoTimestamp.optional(),
  periodEnd: isoTimestamp.optional(),
  transactions: z.array(payoutTransactionSchema),
  source: orderSourceSchema,
});

export type Payout = z.infer<typeof payoutSchema>;
export type PayoutTransaction = z.infer<typeof payoutTransactionSchema>;
