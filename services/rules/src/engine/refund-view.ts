import { type Order, type Refund } from '@qbsync/contracts';

/**
 * Presents a refund as an order, so the same compiled rules can test its channel, store, SKUs,
 * payment methods and custom fields. Fields a refund does not have (customer, addresses, shipping
 * methods, tags) read as empty; a line's unit price is its refunded amount per unit.
 */
export function refundAsOrder(refund: Refund): Order {
  return {
    schemaVersion: 1,
    accountId: refund.accountId,
    connectionId: refund.connectionId,
    channel: refund.channel,
    channelOrderId: refund.channelOrderId,
    orderNumber: refund.orderNumber,
    createdAt: refund.createdAt,
    updatedAt: refund.createdAt,
    ...(refund.processedAt ? { processedAt: refund.processedAt } : {}),
    financialStatus: refund.status,
    currency: refund.currency,
    presentmentCurrency: refund.currency,
    taxesIncluded: false,
    customer: {},
    lines: refund.lines.map((line) => ({
      lineId: line.lineId,
      sku: line.sku,
      name: line.name,
      quantity: line.quantity,
      unitPrice: Math.round(line.amount / line.quantity),
      discounts: [],
      taxes: [],
      taxable: line.tax > 0,
      requiresShipping: false,
      giftCard: false,
      customFields: [],
    })),
    shippingLines: [],
    orderDiscounts: [],
    taxLines: refund.taxLines,
    payments: refund.transactions,
    totals: {
      subtotal: refund.totals.subtotal,
      discounts: 0,
      shipping: refund.totals.shipping,
      tax: refund.totals.tax,
      total: refund.totals.total,
    },
    tags: [],
    customFields: refund.customFields,
    source: refund.source,
  };
}
