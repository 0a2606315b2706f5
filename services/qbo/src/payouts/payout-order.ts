import { type Order, ORDER_SCHEMA_VERSION, type Payout } from '@qbsync/contracts';

/**
 * Returns an order-shaped stand-in for a payout, for the reference resolver, which reads the
 * order only for customer matching, tax jurisdiction and addresses. A payout has none of those:
 * its receipt posts to the summary customer with its tax as a line, and its addresses are cleared.
 * The stand-in is never validated against the order contract: it has no lines of its own.
 */
export function payoutAsOrder(payout: Payout): Order {
  return {
    schemaVersion: ORDER_SCHEMA_VERSION,
    accountId: payout.accountId,
    connectionId: payout.connectionId,
    channel: payout.channel,
    channelOrderId: `payout:${payout.payoutId}`,
    orderNumber: payout.payoutId,
    createdAt: `${payout.date}T00:00:00Z`,
    updatedAt: payout.source.receivedAt,
    currency: payout.currency,
    presentmentCurrency: payout.currency,
    taxesIncluded: false,
    customer: {},
    lines: [],
    shippingLines: [],
    orderDiscounts: [],
    taxLines: [],
    payments: [],
    totals: { subtotal: 0, discounts: 0, shipping: 0, tax: 0, total: payout.amount },
    tags: [],
    customFields: [],
    source: payout.source,
  } as Order;
}
