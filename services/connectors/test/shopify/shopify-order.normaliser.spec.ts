import * as fs from 'fs';
import * as path from 'path';

import { buildSalesReceiptPlan, checkOrderTotals } from '@qbsync/accounting';
import { decimalToMinor, orderSchema, parseMessage, type Order } from '@qbsync/contracts';

import {
  normaliseShopifyOrder,
  type ShopifyNormaliseContext,
} from '../../src/shopify/shopify-order.normaliser';
import { ShopifyErrorCode, ShopifyPayloadError } from '../../src/shopify/shopify.errors';

type Payload = Record<string, unknown>;

interface FixtureOrder {
  file: string;
  id: number;
  payload: Payload;
}

const FIXTURE_DIR = path.resolve(__dirname, '../../../../fixtures/shopify');

const context: ShopifyNormaliseContext = {
  accountId: 'account-1',
  connectionId: 'connection-1',
  receivedAt: '2025-07-02T16:31:00Z',
  sourceKind: 'webhook',
  topic: 'orders/create',
  deliveryId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
};

/** Loads every full order in the Shopify fixtures, skipping partial `fields=` responses. */
function loadFixtureOrders(): FixtureOrder[] {
  const files = fs
    .readdirSync(FIXTURE_DIR)
    .filter((file) => file.startsWith('order-') && file.endsWith('.json'))
    .sort();

  return files.flatMap((file) => {
    const fixture = JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, file), 'utf8')) as {
      request: { url: string };
      response: { order?: Payload; orders?: Payload[] };
    };

    if (fixture.request.url.includes('fields=')) {
      return [];
    }

    const orders =
      fixture.response.orders ?? (fixture.response.order ? [fixture.response.order] : []);

    return orders.map((payload) => ({ file, id: payload.id as number, payload }));
  });
}

const fixtureOrders = loadFixtureOrders();

function fixturePayload(id: number, file?: string): Payload {
  const match = fixtureOrders.find((entry) => entry.id === id && (!file || entry.file === file));

  if (!match) {
    throw new Error(`No fixture order ${id}${file ? ` in ${file}` : ''}`);
  }

  return structuredClone(match.payload);
}

function normaliseFixture(id: number, file?: string): Order {
  return normaliseShopifyOrder(fixturePayload(id, file), context);
}

/** Builds a small valid payload: one line of 10.00 with 0.50 tax, shipping 5.00, total 15.50. */
function minimalPayload(overrides: Payload = {}): Payload {
  return {
    id: 5001,
    name: '#5001',
    created_at: '2025-07-02T11:30:00-05:00',
    currency: 'USD',
    presentment_currency: 'USD',
    taxes_included: false,
    financial_status: 'paid',
    line_items: [
      {
        id: 9001,
        sku: 'SKU-1',
        title: 'Widget',
        quantity: 1,
        price: '10.00',
        taxable: true,
        requires_shipping: true,
        gift_card: false,
        tax_lines: [{ title: 'State Tax', rate: 0.05, price: '0.50' }],
        discount_allocations: [],
      },
    ],
    shipping_lines: [{ title: 'Standard', code: 'STD', price: '5.00' }],
    tax_lines: [{ title: 'State Tax', rate: 0.05, price: '0.50' }],
    payment_gateway_names: ['shopify_payments'],
    total_line_items_price: '10.00',
    total_discounts: '0.00',
    total_shipping_price_set: {
      shop_money: { amount: '5.00', currency_code: 'USD' },
      presentment_money: { amount: '5.00', currency_code: 'USD' },
    },
    total_tax: '0.50',
    total_price: '15.50',
    ...overrides,
  };
}

function lineItem(overrides: Payload = {}): Payload {
  const [line] = minimalPayload().line_items as Payload[];

  return { ...line, ...overrides };
}

function catchPayloadError(payload: unknown, normaliseContext = context): ShopifyPayloadError {
  try {
    normaliseShopifyOrder(payload, normaliseContext);
  } catch (error) {
    if (error instanceof ShopifyPayloadError) {
      return error;
    }

    throw error;
  }

  throw new Error('Expected normaliseShopifyOrder to throw ShopifyPayloadError');
}

describe('normaliseShopifyOrder', () => {
  describe('documented example orders', () => {
    it('finds the documented orders', () => {
      const ids = new Set(fixtureOrders.map((entry) => entry.id));

      expect([...ids].sort((left, right) => left - right)).toEqual([
        450789469, 1073459963, 1073459966, 1073459969, 1073459970, 1073459972, 1073459975,
        1073459976, 1073459980, 1073459981, 1073459983,
      ]);
    });

    it.each(fixtureOrders.map((entry) => [entry.file, entry.id, entry.payload] as const))(
      '%s order %d normalises and balances',
      (_file, _id, payload) => {
        const order = normaliseShopifyOrder(structuredClone(payload), context);
        const plan = buildSalesReceiptPlan(order);
        const channelTotal = decimalToMinor(payload.total_price as string, order.currency);

        expect(parseMessage(orderSchema, order).ok).toBe(true);
        expect(checkOrderTotals(order)).toEqual([]);
        expect(order.totals.total).toBe(channelTotal);
        expect(plan.total).toBe(order.totals.total);
        expect(plan.adjustment).toBeUndefined();
      },
    );
  });

  describe('order 450789469', () => {
    const order = normaliseFixture(450789469, 'order-2026_07-08-get.json');

    it('maps the identity and dates', () => {
      expect(order).toMatchObject({
        schemaVersion: 1,
        accountId: 'account-1',
        connectionId: 'connection-1',
        channel: 'shopify',
        channelOrderId: '450789469',
        orderNumber: '#1001',
        createdAt: '2008-01-10T11:00:00-05:00',
        updatedAt: '2008-01-10T11:00:00-05:00',
        processedAt: '2008-01-10T11:00:00-05:00',
        financialStatus: 'partially_refunded',
        currency: 'USD',
        presentmentCurrency: 'USD',
        taxesIncluded: false,
      });
      expect(order.cancelledAt).toBeUndefined();
    });

    it('maps three lines with their discounts and taxes', () => {
      expect(order.lines).toHaveLength(3);
      expect(order.lines.map((line) => line.sku)).toEqual([
        'IPOD2008GREEN',
        'IPOD2008RED',
        'IPOD2008BLACK',
      ]);
      expect(order.lines.map((line) => line.discounts.map((discount) => discount.amount))).toEqual([
        [334],
        [333],
        [333],
      ]);

      for (const line of order.lines) {
        expect(line.quantity).toBe(1);
        expect(line.unitPrice).toBe(19900);
        expect(line.name).toBe('IPod Nano - 8gb');
        expect(line.discounts[0].code).toBe('TENOFF');
        expect(line.taxes).toEqual([{ name: 'State Tax', rate: '0.06', amount: 398 }]);
        expect(line.taxable).toBe(true);
        expect(line.requiresShipping).toBe(true);
        expect(line.giftCard).toBe(false);
      }
    });

    it('maps line ids, variants and properties', () => {
      expect(order.lines[0]).toMatchObject({
        lineId: '466157049',
        variantTitle: 'green',
        productId: '632910392',
        variantId: '39072856',
        customFields: [
          { name: 'Custom Engraving Front', value: 'Happy Birthday' },
          { name: 'Custom Engraving Back', value: 'Merry Christmas' },
        ],
      });
      expect(order.lines[1].customFields).toEqual([]);
    });

    it('maps totals, tax and no order-level discount', () => {
      expect(order.totals).toEqual({
        subtotal: 59700,
        discounts: 1000,
        shipping: 0,
        tax: 1194,
        total: 59894,
      });
      expect(order.taxLines).toEqual([{ name: 'State Tax', rate: '0.06', amount: 1194 }]);
      expect(order.orderDiscounts).toEqual([]);
      expect(order.shippingLines).toEqual([
        { title: 'Free Shipping', code: 'Free Shipping', price: 0, discounts: [], taxes: [] },
      ]);
    });

    it('maps the customer and addresses', () => {
      expect(order.customer).toEqual({
        channelCustomerId: '207119551',
        email: 'bob.norman@mail.example.com',
        firstName: 'Bob',
        lastName: 'Norman',
        phone: '+16136120707',
      });
      expect(order.billingAddress).toEqual({
        name: 'Bob Norman',
        line1: 'Chestnut Street 92',
        city: 'Louisville',
        region: 'Kentucky',
        regionCode: 'KY',
        postalCode: '40202',
        country: 'United States',
        countryCode: 'US',
        phone: '+1(502)-459-2181',
      });
      expect(order.shippingAddress?.line1).toBe('Chestnut Street 92');
    });

    it('maps note attributes and useful fields as custom fields', () => {
      expect(order.customFields).toEqual([
        { name: 'custom engraving', value: 'Happy Birthday' },
        { name: 'colour', value: 'green' },
        { name: 'source_name', value: 'web' },
        { name: 'po_number', value: 'ABC123' },
      ]);
      expect(order.tags).toEqual([]);
    });

    it('infers the payment from the gateway', () => {
      expect(order.payments).toEqual([
        {
          gateway: 'bogus',
          amount: 59894,
          kind: 'sale',
          status: 'success',
          processedAt: '2008-01-10T11:00:00-05:00',
        },
      ]);
    });

    it('records the source', () => {
      expect(order.source).toEqual({
        kind: 'webhook',
        topic: 'orders/create',
        deliveryId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
        receivedAt: '2025-07-02T16:31:00Z',
        rawRef: 'shopify:order:450789469',
      });
    });

    it('plans a balanced sales receipt', () => {
      const plan = buildSalesReceiptPlan(order);

      expect(plan.lines).toHaveLength(3);
      expect(plan.lines.map((line) => line.amount)).toEqual([19900, 19900, 19900]);
      expect(plan.discountTotal).toBe(1000);
      expect(plan.taxTotal).toBe(1194);
      expect(plan.total).toBe(59894);
      expect(plan.customer.displayName).toBe('Bob Norman');
      expect(plan.docNumber).toBe('1001');
      expect(plan.privateNote).toBe('shopify order 450789469 (#1001)');
    });
  });

  describe('EUR order 1073459976', () => {
    const order = normaliseFixture(1073459976);

    it('keeps euro amounts', () => {
      expect(order.currency).toBe('EUR');
      expect(order.presentmentCurrency).toBe('EUR');
      expect(order.lines).toHaveLength(1);
      expect(order.lines[0]).toMatchObject({
        sku: '',
        name: 'Big Brown Bear Boots',
        quantity: 3,
        unitPrice: 7499,
        taxes: [{ name: 'State tax', rate: '0.06', amount: 1350 }],
      });
      expect(order.lines[0].productId).toBeUndefined();
      expect(order.totals).toEqual({
        subtotal: 22497,
        discounts: 0,
        shipping: 0,
        tax: 1350,
        total: 23847,
      });
    });

    it('leaves out an empty gateway and customer', () => {
      expect(order.payments).toEqual([]);
      expect(order.customer).toEqual({});
      expect(order.billingAddress).toBeUndefined();
    });

    it('plans the euro total', () => {
      const plan = buildSalesReceiptPlan(order);

      expect(plan.currency).toBe('EUR');
      expect(plan.lines[0]).toMatchObject({ quantity: 3, unitPrice: 7499, amount: 22497 });
      expect(plan.total).toBe(23847);
      expect(plan.customer.displayName).toBe('Shopify customer');
    });
  });

  describe('fixture variants', () => {
    it('maps a cancelled order', () => {
      const order = normaliseFixture(450789469, 'order-2026_07-13-post.json');

      expect(order.cancelledAt).toBe('2025-07-02T11:31:25-05:00');
      expect(order.customFields).toContainEqual({ name: 'cancel_reason', value: 'other' });
    });

    it('splits and trims tags', () => {
      const order = normaliseFixture(450789469, 'order-2026_07-32-put.json');

      expect(order.tags).toEqual(['External', 'Inbound', 'Outbound']);
    });

    it('keeps the order note', () => {
      const order = normaliseFixture(450789469, 'order-2026_07-26-put.json');

      expect(order.customFields).toContainEqual({
        name: 'note',
        value: 'Customer contacted us about a custom engraving on this iPod',
      });
    });

    it('takes the email from the order without a customer', () => {
      const order = normaliseFixture(450789469, 'order-2026_07-31-put.json');

      expect(order.customer).toEqual({
        email: 'bob.norman@mail.example.com',
        phone: '+557734881234',
      });
      expect(buildSalesReceiptPlan(order).customer.displayName).toBe('Bob Norman');
    });

    it('maps several taxes and an untaxed line', () => {
      const order = normaliseFixture(1073459963);
      const plan = buildSalesReceiptPlan(order);

      expect(order.lines[0].taxes).toEqual([
        { name: 'State tax', rate: '0.06', amount: 781 },
        { name: 'County tax', rate: '0.025', amount: 326 },
      ]);
      expect(order.taxLines.map((tax) => tax.amount)).toEqual([1020, 425]);
      expect(plan.lines.map((line) => 'taxable' in line && line.taxable)).toEqual([
        true,
        false,
        true,
      ]);
    });

    it('names a manual discount by its title', () => {
      const order = normaliseFixture(1073459981);

      expect(order.lines[0].discounts).toEqual([{ title: 'FAKE30', amount: 1791 }]);
      expect(order.customer.firstName).toBe('John');
    });
  });

  describe('discounts', () => {
    it('keeps shipping discounts on the shipping line', () => {
      const order = normaliseShopifyOrder(
        minimalPayload({
          discount_applications: [
            { target_type: 'shipping_line', type: 'discount_code', code: 'FREESHIP' },
          ],
          shipping_lines: [
            {
              title: 'Standard',
              price: '5.00',
              discount_allocations: [{ amount: '5.00', discount_application_index: 0 }],
            },
          ],
          total_discounts: '5.00',
          total_price: '10.50',
        }),
        context,
      );

      expect(order.shippingLines[0].discounts).toEqual([{ code: 'FREESHIP', amount: 500 }]);
      expect(order.orderDiscounts).toEqual([]);
      expect(buildSalesReceiptPlan(order).total).toBe(1050);
    });

    it('records unallocated discounts at order level', () => {
      const order = normaliseShopifyOrder(
        minimalPayload({
          discount_codes: [{ code: 'WELCOME', amount: '1.00', type: 'fixed_amount' }],
          total_discounts: '1.00',
          total_price: '14.50',
        }),
        context,
      );

      expect(order.orderDiscounts).toEqual([
        { code: 'WELCOME', title: 'Order discount', amount: 100 },
      ]);
      expect(buildSalesReceiptPlan(order).discountTotal).toBe(100);
    });

    it('leaves out removed shipping lines', () => {
      const order = normaliseShopifyOrder(
        minimalPayload({
          shipping_lines: [
            { title: 'Standard', price: '5.00' },
            { title: 'Express', price: '20.00', is_removed: true },
          ],
        }),
        context,
      );

      expect(order.shippingLines.map((line) => line.title)).toEqual(['Standard']);
    });
  });

  describe('payments', () => {
    it('prefers transactions and skips refunds', () => {
      const order = normaliseShopifyOrder(
        minimalPayload({
          transactions: [
            {
              id: 1,
              kind: 'sale',
              status: 'success',
              amount: '10.50',
              gateway: 'shopify_payments',
              currency: 'USD',
            },
            { id: 2, kind: 'sale', status: 'success', amount: '5.00', gateway: 'gift_card' },
            {
              id: 3,
              kind: 'refund',
              status: 'success',
              amount: '1.00',
              gateway: 'shopify_payments',
            },
            { id: 4, kind: 'sale', status: 'failure', amount: '15.50', gateway: 'paypal' },
          ],
        }),
        context,
      );

      expect(order.payments).toEqual([
        {
          gateway: 'shopify_payments',
          amount: 1050,
          kind: 'sale',
          status: 'success',
          transactionId: '1',
        },
        {
          gateway: 'gift_card',
          amount: 500,
          kind: 'gift_card',
          status: 'success',
          transactionId: '2',
        },
        { gateway: 'paypal', amount: 1550, kind: 'sale', status: 'failure', transactionId: '4' },
      ]);
    });

    it('records the paid part of a partially paid order', () => {
      const order = normaliseShopifyOrder(
        minimalPayload({ financial_status: 'partially_paid', total_outstanding: '5.50' }),
        context,
      );

      expect(order.payments).toEqual([
        { gateway: 'shopify_payments', amount: 1000, kind: 'sale', status: 'success' },
      ]);
    });

    it('records an authorization', () => {
      const order = normaliseShopifyOrder(
        minimalPayload({ financial_status: 'authorized' }),
        context,
      );

      expect(order.payments).toMatchObject([{ kind: 'authorization', amount: 1550 }]);
    });

    it('infers nothing for a pending order', () => {
      const order = normaliseShopifyOrder(minimalPayload({ financial_status: 'pending' }), context);

      expect(order.payments).toEqual([]);
    });

    it('infers nothing from several gateways', () => {
      const order = normaliseShopifyOrder(
        minimalPayload({ payment_gateway_names: ['gift_card', 'shopify_payments'] }),
        context,
      );

      expect(order.payments).toEqual([]);
    });
  });

  describe('tips', () => {
    const tipFixture = JSON.parse(
      fs.readFileSync(path.join(FIXTURE_DIR, 'hand-written.orders-with-tips.json'), 'utf8'),
    ) as { response: { orders: Payload[] } };
    const [tipFieldPayload, tipLinePayload] = tipFixture.response.orders;

    it.each([
      ['total_tip_received', tipFieldPayload],
      ['a tip line item', tipLinePayload],
    ])('maps %s to one tip', (_name, payload) => {
      const order = normaliseShopifyOrder(structuredClone(payload), context);

      expect(order.tips).toEqual([{ title: 'Tip', amount: 500 }]);
    });

    it.each([
      ['total_tip_received', tipFieldPayload],
      ['a tip line item', tipLinePayload],
    ])('balances the order with %s to total_price', (_name, payload) => {
      const order = normaliseShopifyOrder(structuredClone(payload), context);
      const plan = buildSalesReceiptPlan(order);

      expect(checkOrderTotals(order)).toEqual([]);
      expect(order.totals.total).toBe(60394);
      expect(plan.total).toBe(60394);
      expect(plan.adjustment).toBeUndefined();
    });

    it('leaves the tip line item out of the lines and the subtotal', () => {
      const order = normaliseShopifyOrder(structuredClone(tipLinePayload), context);

      expect(order.lines.map((line) => line.lineId)).not.toContain('1071823201');
      expect(order.lines).toHaveLength(3);
      expect(order.totals.subtotal).toBe(59700);
    });

    it('keeps the subtotal when total_line_items_price leaves the tip out', () => {
      const payload = structuredClone(tipLinePayload);

      payload.total_line_items_price = '597.00';
      payload.total_line_items_price_set = null;

      const order = normaliseShopifyOrder(payload, context);

      expect(order.totals.subtotal).toBe(59700);
      expect(checkOrderTotals(order)).toEqual([]);
    });

    it('keeps a taxed line titled Tip as a product line', () => {
      const payload = minimalPayload({
        line_items: [lineItem(), lineItem({ id: 9002, title: 'Tip', sku: null })],
        total_line_items_price: '20.00',
        tax_lines: [{ title: 'State Tax', rate: 0.05, price: '1.00' }],
        total_tax: '1.00',
        total_price: '26.00',
      });

      const order = normaliseShopifyOrder(payload, context);

      expect(order.tips).toBeUndefined();
      expect(order.lines.map((line) => line.name)).toEqual(['Widget', 'Tip']);
      expect(checkOrderTotals(order)).toEqual([]);
    });

    it('keeps a line titled Tip with a product as a product line', () => {
      const payload = minimalPayload({
        line_items: [
          lineItem(),
          lineItem({ id: 9002, title: 'Tip', product_id: 632910392, tax_lines: [] }),
        ],
        total_line_items_price: '20.00',
        total_price: '25.50',
      });

      expect(normaliseShopifyOrder(payload, context).tips).toBeUndefined();
    });

    it('leaves tips absent when total_tip_received is 0.00', () => {
      expect(normaliseFixture(450789469, 'order-2026_07-08-get.json').tips).toBeUndefined();
    });

    it('leaves fees absent', () => {
      const order = normaliseShopifyOrder(structuredClone(tipFieldPayload), context);

      expect(order.fees).toBeUndefined();
    });
  });

  describe('presentment currency basis', () => {
    const money = (shop: string, presentment: string) => ({
      shop_money: { amount: shop, currency_code: 'USD' },
      presentment_money: { amount: presentment, currency_code: 'CAD' },
    });
    const payload = minimalPayload({
      presentment_currency: 'CAD',
      line_items: [
        lineItem({
          price: '10.00',
          price_set: money('10.00', '13.70'),
          tax_lines: [
            { title: 'GST', rate: 0.05, price: '0.50', price_set: money('0.50', '0.69') },
          ],
        }),
      ],
      shipping_lines: [{ title: 'Standard', price: '5.00', price_set: money('5.00', '6.85') }],
      tax_lines: [{ title: 'GST', rate: 0.05, price: '0.50', price_set: money('0.50', '0.69') }],
      total_line_items_price_set: money('10.00', '13.70'),
      total_discounts_set: money('0.00', '0.00'),
      total_shipping_price_set: money('5.00', '6.85'),
      total_tax_set: money('0.50', '0.69'),
      total_price_set: money('15.50', '21.24'),
    });

    it('uses shop amounts by default', () => {
      const order = normaliseShopifyOrder(structuredClone(payload), context);

      expect(order.currency).toBe('USD');
      expect(order.presentmentCurrency).toBe('CAD');
      expect(order.totals.total).toBe(1550);
    });

    it('uses presentment amounts on request', () => {
      const order = normaliseShopifyOrder(structuredClone(payload), {
        ...context,
        currencyBasis: 'presentment',
      });

      expect(order.currency).toBe('CAD');
      expect(order.lines[0].unitPrice).toBe(1370);
      expect(order.lines[0].taxes[0].amount).toBe(69);
      expect(order.shippingLines[0].price).toBe(685);
      expect(order.totals).toEqual({
        subtotal: 1370,
        discounts: 0,
        shipping: 685,
        tax: 69,
        total: 2124,
      });
      expect(order.payments).toEqual([
        { gateway: 'shopify_payments', amount: 2124, kind: 'sale', status: 'success' },
      ]);
      expect(buildSalesReceiptPlan(order).total).toBe(2124);
    });

    it('names a missing presentment amount', () => {
      const withoutSet = structuredClone(payload);

      delete (withoutSet.line_items as Payload[])[0].price_set;

      const error = catchPayloadError(withoutSet, { ...context, currencyBasis: 'presentment' });

      expect(error.message).toContain('line_items[0].price_set: is missing');
    });
  });

  describe('invalid payloads', () => {
    it.each([
      ['null', null],
      ['an array', []],
      ['a string', '{"id":1}'],
      ['a number', 42],
    ])('rejects a body that is %s', (received, payload) => {
      const error = catchPayloadError(payload);

      expect(error.code).toBe(ShopifyErrorCode.InvalidPayload);
      expect(error.message).toContain('(body): must be a JSON object');
      expect(error.message).toContain(`received ${received.replace(/^a /, '')}`);
    });

    const withoutId = minimalPayload();

    delete withoutId.id;

    it.each<[string, unknown, string]>([
      ['a missing id', withoutId, 'id: is missing; expected a Shopify id'],
      ['a fractional id', minimalPayload({ id: 1.5 }), 'id: must be a Shopify id'],
      [
        'an unknown currency',
        minimalPayload({ currency: 'XYZ' }),
        'currency: "XYZ" is not a supported ISO 4217 currency code',
      ],
      [
        'an unknown presentment currency',
        minimalPayload({ presentment_currency: 'ABC' }),
        'presentment_currency: "ABC" is not a supported',
      ],
      [
        'a zero quantity',
        minimalPayload({ line_items: [lineItem({ quantity: 0 })] }),
        'line_items[0].quantity: must be a whole number greater than zero',
      ],
      [
        'a negative quantity',
        minimalPayload({ line_items: [lineItem({ quantity: -2 })] }),
        'line_items[0].quantity: must be a whole number greater than zero',
      ],
      [
        'a fractional quantity',
        minimalPayload({ line_items: [lineItem({ quantity: 1.5 })] }),
        'line_items[0].quantity: must be a whole number greater than zero',
      ],
      [
        'a missing quantity',
        minimalPayload({ line_items: [lineItem({ quantity: undefined })] }),
        'line_items[0].quantity: is missing; expected a whole number greater than zero',
      ],
      [
        'a price with too many decimals',
        minimalPayload({ line_items: [lineItem({ price: '10.005' })] }),
        'line_items[0].price: "10.005" must be an amount in USD with at most 2 decimal places',
      ],
      [
        'yen with decimals',
        minimalPayload({
          currency: 'JPY',
          presentment_currency: 'JPY',
          line_items: [lineItem({ price: '1000.50' })],
        }),
        'line_items[0].price: "1000.50" must be an amount in JPY with at most 0 decimal places',
      ],
      [
        'a discount with too many decimals',
        minimalPayload({
          line_items: [lineItem({ discount_allocations: [{ amount: '0.333' }] })],
        }),
        'line_items[0].discount_allocations[0].amount: "0.333" must be an amount in USD',
      ],
      [
        'a tax with too many decimals',
        minimalPayload({
          line_items: [lineItem({ tax_lines: [{ title: 'Tax', rate: 0.05, price: '0.505' }] })],
        }),
        'line_items[0].tax_lines[0].price: "0.505" must be an amount in USD',
      ],
      [
        'a price sent as a number',
        minimalPayload({ line_items: [lineItem({ price: 10 })] }),
        'line_items[0].price: must be a decimal string such as "12.50"',
      ],
      [
        'a negative total',
        minimalPayload({ total_price: '-15.50' }),
        'total_price: must be a non-negative decimal string',
      ],
      ['a missing total', minimalPayload({ total_price: undefined }), 'total_price: is missing'],
      ['missing line items', minimalPayload({ line_items: undefined }), 'line_items: is missing'],
      [
        'no line items',
        minimalPayload({ line_items: [] }),
        'line_items: must contain at least one line item',
      ],
      [
        'a malformed date',
        minimalPayload({ created_at: '02/07/2025' }),
        'created_at: must be an ISO 8601 timestamp with offset',
      ],
      [
        'a missing taxable flag',
        minimalPayload({ line_items: [lineItem({ taxable: undefined })] }),
        'line_items[0].taxable: is missing; expected true or false',
      ],
      [
        'no name or order number',
        minimalPayload({ name: null }),
        'name: is missing, and so is order_number',
      ],
    ])('rejects %s', (_case, payload, expectedMessage) => {
      const error = catchPayloadError(payload);

      expect(error.code).toBe(ShopifyErrorCode.InvalidPayload);
      expect(error.message).toContain(expectedMessage);
    });

    it('names the order id when it is readable', () => {
      const error = catchPayloadError(minimalPayload({ line_items: [lineItem({ quantity: 0 })] }));

      expect(error.orderId).toBe('5001');
      expect(error.message).toMatch(/^Invalid Shopify order 5001: /);
    });

    it('lists every invalid field', () => {
      const error = catchPayloadError(
        minimalPayload({ currency: 'XYZ', line_items: [lineItem({ quantity: 0 })] }),
      );

      expect(error.problems).toContain('currency:');
      expect(error.problems).toContain('line_items[0].quantity:');
    });

    it('rejects a context the contract refuses', () => {
      const error = catchPayloadError(minimalPayload(), { ...context, receivedAt: 'yesterday' });

      expect(error.message).toContain('does not match the order contract');
      expect(error.message).toContain('source.receivedAt');
    });
  });
});
