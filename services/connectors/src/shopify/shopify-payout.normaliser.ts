import {
  decimalToMinor,
  describeIssues,
  isKnownCurrency,
  parseMessage,
  PAYOUT_SCHEMA_VERSION,
  type Payout,
  type PayoutTransaction,
  type PayoutTransactionType,
  payoutSchema,
} from '@qbsync/contracts';
import { z } from 'zod';

import { ShopifyPayloadError } from './shopify.errors';

const amountText = z.union([z.string(), z.number()]).transform(String);
const id = z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).transform(String);

/** A Shopify Payments payout (shopify_payments/payouts.json). */
export const shopifyPayoutSchema = z.object({
  id,
  status: z.string(),
  date: z.iso.date(),
  currency: z.string(),
  amount: amountText,
});

/** A Shopify Payments balance transaction (shopify_payments/balance/transactions.json). */
export const shopifyBalanceTransactionSchema = z.object({
  id,
  type: z.string(),
  payout_id: id.nullish(),
  currency: z.string(),
  amount: amountText,
  fee: amountText,
  net: amountText,
  source_id: id.nullish(),
  source_type: z.string().nullish(),
  source_order_id: id.nullish(),
  source_order_transaction_id: id.nullish(),
  processed_at: z.iso.datetime({ offset: true }).nullish(),
});

export type ShopifyPayout = z.infer<typeof shopifyPayoutSchema>;
export type ShopifyBalanceTransaction = z.infer<typeof shopifyBalanceTransactionSchema>;

const PAYOUT_STATUS: Record<string, Payout['status']> = {
  scheduled: 'scheduled',
  in_transit: 'in_transit',
  paid: 'paid',
  failed: 'failed',
  canceled: 'cancelled',
  cancelled: 'cancelled',
};

const TRANSACTION_TYPE: Record<string, PayoutTransactionType> = {
  charge: 'charge',
  refund: 'refund',
  adjustment: 'adjustment',
  dispute: 'chargeback',
  reserve: 'reserve',
  application_fee: 'fee',
  shipping_label: 'shipping_label',
  tax: 'tax_withheld',
  transfer: 'transfer',
  payout_failure: 'transfer',
  payout_cancellation: 'transfer',
};

export interface ShopifyPayoutContext {
  accountId: string;
  connectionId: string;
  receivedAt: string;
  /** Orders by id, to add the order name to each charge and refund. */
  orderNames?: ReadonlyMap<string, string>;
}

/**
 * Converts a Shopify Payments payout and its balance transactions into the payout contract.
 * The `payout` balance transaction (the transfer to the bank itself) is left out, because the
 * payout's own amount is that transfer. Throws `ShopifyPayloadError` naming the field.
 */
export function normaliseShopifyPayout(
  payoutPayload: unknown,
  transactionPayloads: readonly unknown[],
  context: ShopifyPayoutContext,
): Payout {
  const payout = parseOrThrow(shopifyPayoutSchema, payoutPayload, 'payout');

  if (!isKnownCurrency(payout.currency)) {
    throw new ShopifyPayloadError(
      `payout ${payout.id} currency: "${payout.currency}" is not a supported ISO 4217 currency code`,
    );
  }

  const toMinor = (value: string, path: string): number => {
    try {
      return decimalToMinor(value, payout.currency);
    } catch (error) {
      throw new ShopifyPayloadError(
        `payout ${payout.id} ${path}: ${(error as Error).message}`,
        undefined,
        {
          cause: error,
        },
      );
    }
  };
  const transactions: PayoutTransaction[] = [];

  transactionPayloads.forEach((payload, index) => {
    const path = `transactions[${index}]`;
    const transaction = parseOrThrow(shopifyBalanceTransactionSchema, payload, path);

    if (transaction.type === 'payout') {
      return;
    }

    const gross = toMinor(transaction.amount, `${path}.amount`);
    const fee = toMinor(transaction.fee, `${path}.fee`);
    const net = toMinor(transaction.net, `${path}.net`);

    if (gross - fee !== net) {
      throw new ShopifyPayloadError(
        `payout ${payout.id} ${path}: net ${transaction.net} is not amount ${transaction.amount} less fee ${transaction.fee}`,
      );
    }

    const mapped: PayoutTransaction = {
      transactionId: transaction.id,
      type: TRANSACTION_TYPE[transaction.type] ?? 'other',
      gross,
      fee,
      net,
    };

    if (transaction.source_order_id) {
      mapped.channelOrderId = transaction.source_order_id;
      const name = context.orderNames?.get(transaction.source_order_id);

      if (name) {
        mapped.orderNumber = name;
      }
    }

    if (transaction.source_order_transaction_id) {
      mapped.sourceId = transaction.source_order_transaction_id;
    } else if (transaction.source_id) {
      mapped.sourceId = transaction.source_id;
    }

    if (transaction.type && !TRANSACTION_TYPE[transaction.type]) {
      mapped.description = `Shopify balance transaction type ${transaction.type}`;
    }

    if (transaction.processed_at) {
      mapped.processedAt = transaction.processed_at;
    }

    transactions.push(mapped);
  });

  const result: Payout = {
    schemaVersion: PAYOUT_SCHEMA_VERSION,
    accountId: context.accountId,
    connectionId: context.connectionId,
    channel: 'shopify',
    payoutId: payout.id,
    status: PAYOUT_STATUS[payout.status] ?? 'scheduled',
    date: payout.date,
    currency: payout.currency,
    amount: toMinor(payout.amount, 'amount'),
    transactions,
    source: {
      kind: 'poll',
      receivedAt: context.receivedAt,
      rawRef: `shopify:payout:${payout.id}`,
    },
  };
  const checked = parseMessage(payoutSchema, result);

  if (!checked.ok) {
    throw new ShopifyPayloadError(
      `the normalised payout ${payout.id} does not match the payout contract (${checked.error})`,
    );
  }

  return checked.value;
}

function parseOrThrow<S extends z.ZodType>(schema: S, payload: unknown, path: string): z.infer<S> {
  const parsed = schema.safeParse(payload);

  if (!parsed.success) {
    throw new ShopifyPayloadError(`${path}: ${describeIssues(parsed.error.issues)}`);
  }

  return parsed.data;
}
