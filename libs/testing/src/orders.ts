import {
  ORDER_SCHEMA_VERSION,
  orderSchema,
  parseMessage,
  type Order,
  type OrderLine,
  type Payment,
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
