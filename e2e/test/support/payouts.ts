import { type Payout, type PayoutTransaction, Subjects } from '@qbsync/contracts';
import { JSONCodec, type NatsConnection } from 'nats';

/** The Shopify sample order's total in cents (598.94), which each order of the test payouts repeats. */
export const SAMPLE_ORDER_TOTAL = 59894;

/** Builds a payout transaction whose net is its gross less its fee unless `overrides` sets it. */
export function payoutTransaction(overrides: Partial<PayoutTransaction>): PayoutTransaction {
  const gross = overrides.gross ?? 0;
  const fee = overrides.fee ?? 0;

  return { transactionId: 't', type: 'charge', gross, fee, net: gross - fee, ...overrides };
}

/**
 * Builds a paid Shopify Payments payout dated 2008-01-14. Its amount is the sum of the
 * transactions' nets unless `amount` is given, which lets a test send a payout that does not add up.
 */
export function buildPayout(
  accountId: string,
  payoutId: string,
  transactions: PayoutTransaction[],
  amount?: number,
): Payout {
  return {
    schemaVersion: 1,
    accountId,
    connectionId: 'shopify-payments',
    channel: 'shopify',
    payoutId,
    status: 'paid',
    date: '2008-01-14',
    currency: 'USD',
    amount: amount ?? transactions.reduce((sum, entry) => sum + entry.net, 0),
    transactions,
    source: {
      kind: 'poll',
      receivedAt: '2008-01-14T10:00:00Z',
      rawRef: `shopify:payout:${payoutId}`,
    },
  };
}

/**
 * Publishes the payout as the Shopify connector does, and the rules service routes it to the
 * account's target. Each `delivery` gets its own JetStream message id, so a test can redeliver.
 */
export async function publishPayout(
  nats: NatsConnection,
  payout: Payout,
  delivery: string,
): Promise<void> {
  await nats.jetstream().publish(Subjects.PayoutReceived, JSONCodec().encode(payout), {
    msgID: `payout:${payout.accountId}:${payout.payoutId}:${delivery}`,
  });
}
