import { orderSchema } from './order/order.schema';
import { type ParseResult, parseMessage } from './validation';

function validOrder(): Record<string, unknown> {
  return {
    schemaVersion: 1,
    accountId: 'account-1',
    connectionId: 'connection-1',
    channel: 'shopify',
    channelOrderId: '450789469',
    orderNumber: '#1001',
    createdAt: '2008-01-10T11:00:00-05:00',
    updatedAt: '2008-01-10T11:00:00-05:00',
    currency: 'USD',
    presentmentCurrency: 'USD',
    taxesIncluded: false,
    customer: { firstName: 'Bob', lastName: 'Norman' },
    lines: [
      {
        lineId: '1',
        sku: 'IPOD2008GREEN',
        name: 'IPod Nano - 8gb',
        quantity: 1,
        unitPrice: 19900,
        discounts: [],
        taxes: [],
        taxable: true,
        requiresShipping: true,
        giftCard: false,
        customFields: [],
      },
    ],
    shippingLines: [],
    orderDiscounts: [],
    taxLines: [],
    payments: [],
    totals: { subtotal: 19900, discounts: 0, shipping: 0, tax: 0, total: 19900 },
    tags: [],
    customFields: [{ name: 'colour', value: 'green' }],
    source: {
      kind: 'webhook',
      receivedAt: '2026-12-04T10:00:00Z',
      rawRef: 'shopify:order:450789469',
    },
  };
}

/** Returns the error of a failed parse, and fails the test when the parse succeeded. */
function errorOf(result: ParseResult<unknown>): string {
  if (result.ok) {
    throw new Error('expected the order to be rejected, but it was accepted');
  }

  return result.error;
}

describe('parseMessage', () => {
  it('accepts a valid order', () => {
    expect(parseMessage(orderSchema, validOrder()).ok).toBe(true);
  });

  it('names the path of an invalid line field', () => {
    const order = validOrder();

    (order.lines as Array<Record<string, unknown>>)[0]!.quantity = 0;

    const result = parseMessage(orderSchema, order);

    expect(errorOf(result)).toMatch(
      /^lines\[0\]\.quantity: must be a whole number greater than zero/,
    );
  });

  it('rejects an unknown currency by name', () => {
    const result = parseMessage(orderSchema, { ...validOrder(), currency: 'ABC' });

    expect(errorOf(result)).toMatch(/^currency: is not a currency the product knows/);
  });

  it('rejects a fractional amount', () => {
    const result = parseMessage(orderSchema, {
      ...validOrder(),
      totals: { subtotal: 19900, discounts: 0, shipping: 0, tax: 0, total: 199.0001 },
    });

    expect(errorOf(result)).toMatch(/^totals\.total:/);
  });

  it('rejects an order without lines', () => {
    const result = parseMessage(orderSchema, { ...validOrder(), lines: [] });

    expect(errorOf(result)).toMatch(/an order needs at least one line/);
  });
});
