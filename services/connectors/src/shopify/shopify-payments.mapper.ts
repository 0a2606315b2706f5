import { type Payment } from '@qbsync/contracts';

import { type ShopifyMappingContext } from './shopify-order.mappers';
import { type ShopifyTransaction } from './shopify-order.schema';

/** Financial statuses under which the buyer has paid the whole order at some point. */
const PAID_IN_FULL_STATUSES = new Set(['paid', 'partially_refunded', 'refunded']);
/** Transaction kinds that bring money in; refunds, voids and cash change are left out. */
const INCOMING_KINDS: Record<string, Payment['kind']> = {
  sale: 'sale',
  capture: 'capture',
  authorization: 'authorization',
};
const STATUSES: Record<string, Payment['status']> = {
  success: 'success',
  pending: 'pending',
  failure: 'failure',
  error: 'failure',
};
const GIFT_CARD_GATEWAY = 'gift_card';

/**
 * Maps the order's tenders. Transactions, when the fetcher attached them, are the source because
 * they carry each tender's gateway, amount and id. Without usable transactions, the payment is
 * inferred from `payment_gateway_names` and `financial_status`.
 */
export function mapPayments(context: ShopifyMappingContext): Payment[] {
  const fromTransactions = mapTransactions(context);

  if (fromTransactions.length > 0) {
    return fromTransactions;
  }

  return inferPaymentFromGateways(context);
}

function mapTransactions(context: ShopifyMappingContext): Payment[] {
  const { payload, money } = context;

  return (payload.transactions ?? []).flatMap((transaction, index) => {
    const kind = INCOMING_KINDS[transaction.kind];

    // NOTE: a transaction in another currency than the order's amounts cannot be converted here,
    // so it is skipped and the payment is inferred from the gateway names instead.
    if (kind === undefined || !isInCurrency(transaction, money.currency)) {
      return [];
    }

    const gateway = transaction.gateway?.trim() || 'unknown';
    const payment: Payment = {
      gateway,
      amount: money.toMinor(transaction.amount, `transactions[${index}].amount`),
      kind: gateway === GIFT_CARD_GATEWAY ? 'gift_card' : kind,
      status: STATUSES[transaction.status] ?? 'pending',
    };

    if (transaction.id !== null && transaction.id !== undefined) {
      payment.transactionId = String(transaction.id);
    }

    if (transaction.processed_at) {
      payment.processedAt = transaction.processed_at;
    }

    return [payment];
  });
}

/**
 * Infers one payment from the only gateway name: the whole total when the order was paid in full,
 * the total less `total_outstanding` when partially paid, and an authorization when authorized.
 */
function inferPaymentFromGateways(context: ShopifyMappingContext): Payment[] {
  const { payload, money } = context;
  const gateways = (payload.payment_gateway_names ?? [])
    .map((name) => name.trim())
    .filter((name) => name.length > 0);

  // With several gateways (a gift card plus a card, say) the split between them is unknown
  // without transactions, so no payment is inferred.
  if (gateways.length !== 1) {
    return [];
  }

  const total = money.read(payload.total_price, payload.total_price_set, 'total_price');
  const status = payload.financial_status ?? '';
  const gateway = gateways[0];
  const kind: Payment['kind'] = gateway === GIFT_CARD_GATEWAY ? 'gift_card' : 'sale';
  const base = { gateway, status: 'success' as const };
  const processedAt = payload.processed_at ? { processedAt: payload.processed_at } : {};

  if (PAID_IN_FULL_STATUSES.has(status)) {
    return [{ ...base, ...processedAt, kind, amount: total }];
  }

  const outstanding = payload.total_outstanding
    ? money.readShopOnly(payload.total_outstanding, 'total_outstanding')
    : undefined;

  if (status === 'partially_paid' && outstanding !== undefined && total > outstanding) {
    return [{ ...base, ...processedAt, kind, amount: total - outstanding }];
  }

  if (status === 'authorized') {
    return [{ ...base, ...processedAt, kind: 'authorization', amount: total }];
  }

  return [];
}

function isInCurrency(transaction: ShopifyTransaction, currency: string): boolean {
  return !transaction.currency || transaction.currency === currency;
}
