import {
  ORDER_SCHEMA_VERSION,
  orderSchema,
  parseMessage,
  type Order,
  type OrderLine,
  type Payment,
  type ShippingLine,
} from '@qbsync/contracts';

/** Test data builders for canonical orders; `buildOrder` validates its result against the contract. */

export function buildLine(overrides: Partial<OrderLine> = {}): OrderLine {
  return {
    lineId: '1',
    sku: 'SKU-1',
    name: 'Widget',
    quantity: 1,
    unitPrice: 1000,
    discounts: [],
    taxes: [],
    taxable: true,
    requiresShipping: true,
    giftCard: false,
    customFields: [],
    ...overrides,
  };
}

export function buildShippingLine(overrides: Partial<ShippingLine> = {}): ShippingLine {
  return {
    title: 'Standard Shipping',
    price: 500,
    discounts: [],
    taxes: [],
    ...overrides,
  };
}

export function buildPayment(overrides: Partial<Payment> = {}): Payment {
  return {
    gateway: 'shopify_payments',
    amount: 1000,
    kind: 'sale',
    status: 'success',
    ...overrides,
  };
}

export function buildOrder(overrides: Partial<Order> = {}): Order {
  const order: Order = {
    schemaVersion: ORDER_SCHEMA_VERSION,
    accountId: 'account-1',
    connectionId: 'connection-1',
    channel: 'shopify',
    channelOrderId: '1000',
    orderNumber: '#1000',
    createdAt: '2025-07-02T11:30:00-05:00',
    updatedAt: '2025-07-02T11:30:00-05:00',
    currency: 'USD',
    presentmentCurrency: 'USD',
    taxesIncluded: false,
    customer: {},
    lines: [buildLine()],
    shippingLines: [],
    orderDiscounts: [],
    taxLines: [],
    payments: [],
    totals: { subtotal: 1000, discounts: 0, shipping: 0, tax: 0, total: 1000 },
    tags: [],
    customFields: [],
    source: {
      kind: 'webhook',
      receivedAt: '2025-07-02T16:30:05Z',
      rawRef: 'shopify:order:1000',
    },
    ...overrides,
  };

  const result = parseMessage(orderSchema, order);

  if (!result.ok) {
    throw new Error(`Test order is not a valid contract order: ${result.error}`);
  }

  return result.value;
}
