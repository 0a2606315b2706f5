import { z } from 'zod';

import { expected } from '../channel-support';

/**
 * The fields of Etsy Open API v3 receipts, payments and payment-account ledger entries that the
 * connector reads. Etsy sends money as `{amount, divisor, currency_code}`, where the value is
 * `amount / divisor` (4592 with divisor 100 is 45.92); timestamps are epoch seconds.
 */

export const etsyMoneySchema = z.object({
  amount: z
    .number({ error: expected('a whole number') })
    .int({ error: expected('a whole number') }),
  divisor: z
    .number({ error: expected('a positive divisor such as 100') })
    .int()
    .positive({ error: expected('a positive divisor such as 100') }),
  currency_code: z.string({ error: expected('an ISO 4217 currency code such as "USD"') }),
});

const money = etsyMoneySchema.nullish();
const text = z.string().nullish();
const epochSeconds = z
  .number({ error: expected('an epoch time in seconds') })
  .int({ error: expected('an epoch time in seconds') })
  .min(0, { error: expected('an epoch time in seconds') })
  .max(32503680000, { error: 'must be an epoch time in seconds before the year 3000' });

export const etsyTransactionSchema = z.object({
  transaction_id: z
    .number({ error: expected('the transaction id') })
    .int()
    .positive(),
  title: text,
  quantity: z
    .number({ error: expected('a whole number greater than zero') })
    .int({ error: expected('a whole number greater than zero') })
    .positive({ error: expected('a whole number greater than zero') }),
  listing_id: z.number().int().nullish(),
  product_id: z.number().int().nullish(),
  sku: text,
  is_digital: z.boolean().nullish(),
  price: etsyMoneySchema,
  shipping_cost: money,
  variations: z.array(z.object({ formatted_name: text, formatted_value: text })).default([]),
});

export const etsyReceiptSchema = z.object({
  receipt_id: z
    .number({ error: expected('the receipt id') })
    .int()
    .positive(),
  buyer_user_id: z.number().int().nullish(),
  buyer_email: text,
  name: text,
  first_line: text,
  second_line: text,
  city: text,
  state: text,
  zip: text,
  country_iso: text,
  status: z.string({ error: expected('the receipt status such as "Paid"') }),
  payment_method: text,
  message_from_buyer: text,
  is_paid: z.boolean().nullish(),
  is_shipped: z.boolean().nullish(),
  is_gift: z.boolean().nullish(),
  created_timestamp: epochSeconds,
  updated_timestamp: epochSeconds,
  grandtotal: etsyMoneySchema,
  subtotal: money,
  total_price: etsyMoneySchema,
  total_shipping_cost: money,
  total_tax_cost: money,
  total_vat_cost: money,
  discount_amt: money,
  gift_wrap_price: money,
  transactions: z
    .array(etsyTransactionSchema)
    .min(1, { error: 'a receipt needs at least one transaction' }),
  refunds: z
    .array(
      z.object({
        amount: etsyMoneySchema,
        created_timestamp: epochSeconds,
        reason: text,
        note_from_issuer: text,
        status: text,
      }),
    )
    .default([]),
});

export const etsyLedgerEntrySchema = z.object({
  entry_id: z
    .number({ error: expected('the entry id') })
    .int()
    .positive(),
  ledger_id: z.number().int().nullish(),
  sequence_number: z.number().int().nullish(),
  /** Signed, in the currency's minor unit. */
  amount: z
    .number({ error: expected('a whole number of minor units') })
    .int({ error: expected('a whole number of minor units') }),
  currency: z.string({ error: expected('an ISO 4217 currency code') }),
  description: text,
  balance: z.number().int().nullish(),
  created_timestamp: epochSeconds,
  ledger_type: z.string({ error: expected('the ledger type such as "PAYMENT_GROSS"') }),
  reference_type: text,
  reference_id: text,
});

export const etsyDepositSchema = z.object({
  /** The disbursement entry: money leaving the Etsy balance for the bank. */
  deposit: etsyLedgerEntrySchema,
  /** The entries since the previous disbursement, which the deposit pays out. */
  entries: z.array(etsyLedgerEntrySchema),
});

export type EtsyMoney = z.infer<typeof etsyMoneySchema>;
export type EtsyReceipt = z.infer<typeof etsyReceiptSchema>;
export type EtsyLedgerEntry = z.infer<typeof etsyLedgerEntrySchema>;
