import {
  ORDER_SCHEMA_VERSION,
  orderSchema,
  parseMessage,
  REFUND_SCHEMA_VERSION,
  refundSchema,
  type Order,
  type OrderLine,
  type Payment,
  type Refund,
  type RefundLine,
  type ShippingLine,
} from '@qbsync/contracts';

/**
 * Test data builders for canonical orders; `buildOrder` validates its result against the contract.
 * Imported as `@qbsync/testing/dist/orders`, apart from the index, so that starting servers does
 * not load the contracts library.
 */

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

/**
 * Shopify's documented sample order 450789469: three lines of 199.00, discount code TENOFF 10.00
 * allocated 3.34/3.33/3.33, 6% state tax of 3.98 per line computed before the discount.
 */
export function buildSampleShopifyOrder(): Order {
  const stateTax = { name: 'State Tax', rate: '0.06', amount: 398 };
  const line = (lineId: string, sku: string, variantTitle: string, discount: number): OrderLine =>
    buildLine({
      lineId,
      sku,
      name: 'IPod Nano - 8gb',
      variantTitle,
      unitPrice: 19900,
      discounts: [{ code: 'TENOFF', amount: discount }],
      taxes: [stateTax],
    });

  return buildOrder({
    channelOrderId: '450789469',
    orderNumber: '#1001',
    createdAt: '2008-01-10T11:00:00-05:00',
    updatedAt: '2008-01-10T11:00:00-05:00',
    processedAt: '2008-01-10T11:00:00-05:00',
    financialStatus: 'partially_refunded',
    customer: {
      channelCustomerId: '207119551',
      email: 'bob.norman@mail.example.com',
      firstName: 'Bob',
      lastName: 'Norman',
      phone: '+16136120707',
    },
    billingAddress: {
      name: 'Bob Norman',
      line1: 'Chestnut Street 92',
      city: 'Louisville',
      region: 'Kentucky',
      regionCode: 'KY',
      postalCode: '40202',
      country: 'United States',
      countryCode: 'US',
    },
    lines: [
      line('466157049', 'IPOD2008GREEN', 'green', 334),
      line('518995019', 'IPOD2008RED', 'red', 333),
      line('703073504', 'IPOD2008BLACK', 'black', 333),
    ],
    shippingLines: [buildShippingLine({ title: 'Free Shipping', price: 0 })],
    taxLines: [{ name: 'State Tax', rate: '0.06', amount: 1194 }],
    payments: [{ gateway: 'bogus', amount: 59894, kind: 'sale', status: 'success' }],
    totals: { subtotal: 59700, discounts: 1000, shipping: 0, tax: 1194, total: 59894 },
    source: {
      kind: 'webhook',
      receivedAt: '2008-01-10T16:00:05Z',
      rawRef: 'shopify:order:450789469',
    },
  });
}

export function buildRefundLine(overrides: Partial<RefundLine> = {}): RefundLine {
  return {
    lineId: '1',
    sku: 'SKU-1',
    name: 'Widget',
    quantity: 1,
    amount: 1000,
    tax: 0,
    restock: true,
    ...overrides,
  };
}

/** Builds a completed refund of `buildOrder()`'s order 1000, validated against the contract. */
export function buildRefund(overrides: Partial<Refund> = {}): Refund {
  const refund: Refund = {
    schemaVersion: REFUND_SCHEMA_VERSION,
    accountId: 'account-1',
    connectionId: 'connection-1',
    channel: 'shopify',
    channelOrderId: '1000',
    orderNumber: '#1000',
    channelRefundId: '9000',
    createdAt: '2025-07-03T10:00:00-05:00',
    status: 'completed',
    kind: 'refund',
    currency: 'USD',
    lines: [buildRefundLine()],
    shipping: { amount: 0, tax: 0 },
    adjustments: [],
    taxLines: [],
    transactions: [buildPayment({ kind: 'other', amount: 1000, transactionId: 'refund-9000' })],
    totals: { subtotal: 1000, shipping: 0, tax: 0, adjustments: 0, total: 1000 },
    customFields: [],
    source: {
      kind: 'webhook',
      receivedAt: '2025-07-03T15:00:05Z',
      rawRef: 'shopify:refund:9000',
    },
    ...overrides,
  };

  const result = parseMessage(refundSchema, refund);

  if (!result.ok) {
    throw new Error(`Test refund is not a valid contract refund: ${result.error}`);
  }

  return result.value;
}

/**
 * Shopify's documented refund 509562969 of sample order 450789469: the black iPod restocked,
 * 195.66 plus 3.98 tax, and a refund transaction of 209.00, so 9.36 is a refund discrepancy that
 * Shopify reports as an order adjustment.
 */
export function buildSampleShopifyRefund(): Refund {
  return buildRefund({
    channelOrderId: '450789469',
    orderNumber: '#1001',
    channelRefundId: '509562969',
    createdAt: '2025-07-02T11:38:15-05:00',
    processedAt: '2025-07-02T11:38:15-05:00',
    reason: 'it broke during shipping',
    lines: [
      buildRefundLine({
        lineId: '703073504',
        sku: 'IPOD2008BLACK',
        name: 'IPod Nano - 8gb - black',
        amount: 19566,
        tax: 398,
        restock: true,
      }),
    ],
    adjustments: [{ reason: 'Refund discrepancy', amount: 936 }],
    taxLines: [{ name: 'State Tax', rate: '0.06', amount: 398 }],
    transactions: [
      buildPayment({
        gateway: 'bogus',
        kind: 'other',
        amount: 20900,
        transactionId: '179259969',
        processedAt: '2005-08-05T12:59:12-04:00',
      }),
    ],
    totals: { subtotal: 19566, shipping: 0, tax: 398, adjustments: 936, total: 20900 },
    source: {
      kind: 'webhook',
      receivedAt: '2025-07-02T16:38:20Z',
      rawRef: 'shopify:refund:509562969',
    },
  });
}
