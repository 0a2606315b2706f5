import { checkOrderTotals } from '@qbsync/accounting';
import { orderSchema } from '@qbsync/contracts';

import { ChannelPayloadError, type ChannelConnection } from '../channel/channel-adapter';
import { type FixtureJson, readJsonFixture } from '../channel-support/fixture-files';
import { flipByte, fuzzNormaliser, SeededRandom } from '../channel-support/payload-mutations';
import { normaliseBigCommerceOrder } from './bigcommerce-order.normaliser';
import { normaliseBigCommerceRefund } from './bigcommerce-refund.normaliser';
import {
  bigCommerceAdapter,
  BC_WEBHOOK_SECRET_HEADER,
  type BcCredentials,
} from './bigcommerce.adapter';
import { bigCommerceBenchmarkSamples } from './bigcommerce.registration';

const context = {
  accountId: 'acct-1',
  connectionId: 'conn-1',
  receivedAt: '2026-01-01T00:00:00.000Z',
  sourceKind: 'poll' as const,
};

type Json = FixtureJson;
const publishedOrders: Json[] = [
  readJsonFixture('bigcommerce/order.json') as Json,
  readJsonFixture('bigcommerce/order-actual.json') as Json,
  ...(readJsonFixture('bigcommerce/orders-list.json') as Json[]),
];
const publishedProducts = readJsonFixture('bigcommerce/order-products.json') as Json[];
const publishedTaxes = readJsonFixture('bigcommerce/order-taxes.json') as Json[];

/**
 * Wraps a published order in a bundle. The order examples come without their products, so each gets one product that
 * carries the order's own subtotal. The products example belongs to another order and is tested
 * on its own.
 */
function bundleOf(order: Json): Json {
  return {
    order,
    products: [
      {
        id: 1,
        name: 'Published order subtotal',
        sku: 'SUBTOTAL',
        quantity: 1,
        total_ex_tax: order.subtotal_ex_tax,
        total_inc_tax: order.subtotal_inc_tax,
        total_tax: order.subtotal_tax,
      },
    ],
  };
}

function payloadError(action: () => unknown): ChannelPayloadError {
  try {
    action();
  } catch (error) {
    if (error instanceof ChannelPayloadError) {
      return error;
    }

    throw error;
  }

  throw new Error('expected a ChannelPayloadError');
}

describe('normaliseBigCommerceOrder', () => {
  it.each(publishedOrders.map((order) => [order.id, order]))(
    'balances published order %s to total_inc_tax',
    (_id, order) => {
      const normalised = normaliseBigCommerceOrder(bundleOf(order), context);

      expect(checkOrderTotals(normalised)).toEqual([]);
      expect(normalised.totals.total).toBe(Math.round(Number(order.total_inc_tax) * 100));
    },
  );

  it('posts order 218 tax-inclusive because only that relation balances', () => {
    const normalised = normaliseBigCommerceOrder(bundleOf(publishedOrders[0]), context);

    expect(normalised.taxesIncluded).toBe(true);
    expect(normalised.totals).toEqual({
      subtotal: 6784,
      discounts: 1000,
      shipping: 1200,
      tax: 531,
      total: 6984,
    });
    expect(normalised.createdAt).toBe('2019-03-05T21:40:11.000Z');
  });

  it('posts order 113 before tax with its coupon', () => {
    const normalised = normaliseBigCommerceOrder(bundleOf(publishedOrders[1]), context);

    expect(normalised.taxesIncluded).toBe(false);
    expect(normalised.orderDiscounts).toEqual([{ title: 'Coupon', amount: 500 }]);
    expect(normalised.totals.total).toBe(13895);
  });

  it('maps the published products with options and discounts', () => {
    const order = {
      ...publishedOrders[1],
      subtotal_ex_tax: '55.9900',
      subtotal_inc_tax: '65.2300',
      subtotal_tax: '9.2400',
      total_ex_tax: '54.4000',
      total_inc_tax: '63.6400',
      total_tax: '9.2400',
      coupon_discount: '0.0000',
      discount_amount: '1.5900',
    };
    const normalised = normaliseBigCommerceOrder(
      { order, products: publishedProducts, taxes: [] },
      context,
    );

    expect(normalised.lines.map((line) => [line.lineId, line.sku, line.unitPrice])).toEqual([
      ['65', 'S-ORAN', 5599],
      ['66', 'ABS', 0],
    ]);
    expect(normalised.lines[0].discounts).toEqual([{ amount: 159, title: 'Manual Discount' }]);
    expect(normalised.lines[0].customFields).toContainEqual({ name: 'Size', value: 'S' });
    expect(normalised.orderDiscounts).toEqual([]);
    expect(checkOrderTotals(normalised)).toEqual([]);
  });

  it('groups the published taxes by name and rate', () => {
    const order = {
      ...publishedOrders[1],
      total_tax: '22.0400',
      total_inc_tax: '161.0000',
      total_ex_tax: '138.9600',
    };
    const normalised = normaliseBigCommerceOrder(
      { ...bundleOf(order), taxes: publishedTaxes },
      context,
    );

    expect(normalised.taxLines).toEqual([{ name: 'Tax', rate: '0.08', amount: 2204 }]);
  });

  it('treats a gift certificate as a gift card payment', () => {
    const order = {
      ...publishedOrders[1],
      gift_certificate_amount: '10.0000',
      payment_status: 'captured',
    };
    const normalised = normaliseBigCommerceOrder(bundleOf(order), context);

    expect(normalised.payments).toEqual([
      { gateway: 'gift_certificate', amount: 1000, kind: 'gift_card', status: 'success' },
      expect.objectContaining({ amount: 12895, kind: 'sale' }),
    ]);
  });

  it.each([
    ['unknown currency', (b: Json) => (b.order.currency_code = 'ABC'), 'order.currency_code'],
    ['zero quantity', (b: Json) => (b.products[0].quantity = 0), 'products.0.quantity'],
    ['negative quantity', (b: Json) => (b.products[0].quantity = -1), 'products.0.quantity'],
    ['missing products', (b: Json) => (b.products = []), 'products'],
    ['bad date', (b: Json) => (b.order.date_created = 'yesterday'), 'order.date_created'],
    ['text amount', (b: Json) => (b.order.total_inc_tax = 'ten'), 'order.total_inc_tax'],
  ])('rejects %s naming the field', (_case, change, field) => {
    const bundle = structuredClone(bundleOf(publishedOrders[1]));

    change(bundle);

    const error = payloadError(() => normaliseBigCommerceOrder(bundle, context));

    expect(error.field).toBe(field);
  });
});

describe('normaliseBigCommerceRefund', () => {
  const parent = { currency: 'USD', products: publishedProducts as never[] };

  it('maps product, shipping and unexplained amounts', () => {
    const refund = normaliseBigCommerceRefund(
      {
        id: 10,
        order_id: 149,
        created: '2026-01-02T10:00:00+00:00',
        reason: 'Damaged',
        total_amount: 70.99,
        total_tax: 5,
        items: [
          { item_type: 'PRODUCT', item_id: 65, quantity: 1, requested_amount: 55.99 },
          { item_type: 'SHIPPING', item_id: 1, requested_amount: 5 },
          { item_type: 'ORDER', item_id: 149, requested_amount: 5 },
        ],
        payments: [{ id: 3, provider_id: 'braintree', amount: 70.99, offline: false }],
      },
      parent,
      context,
    );

    expect(refund.lines).toEqual([
      {
        lineId: '65',
        sku: 'S-ORAN',
        name: 'Fog Linen Chambray Towel - Beige Stripe',
        quantity: 1,
        amount: 5599,
        tax: 0,
        restock: false,
      },
    ]);
    expect(refund.totals).toEqual({
      subtotal: 5599,
      shipping: 500,
      tax: 500,
      adjustments: 500,
      total: 7099,
    });
    expect(refund.transactions).toEqual([
      { gateway: 'braintree', amount: 7099, kind: 'other', status: 'success', transactionId: '3' },
    ]);
  });

  it('rejects an item that is not an order product', () => {
    const error = payloadError(() =>
      normaliseBigCommerceRefund(
        {
          id: 11,
          order_id: 149,
          created: '2026-01-02T10:00:00Z',
          total_amount: 1,
          items: [{ item_type: 'PRODUCT', item_id: 999, quantity: 1 }],
        },
        parent,
        context,
      ),
    );

    expect(error.field).toBe('items[0].item_id');
  });
});

describe('bigCommerceAdapter webhooks', () => {
  const credentials: BcCredentials = {
    storeHash: 'abc123',
    accessToken: 'token-1234567890',
    webhookSecret: 'a-long-webhook-secret',
  };
  const connection: ChannelConnection<BcCredentials> = {
    accountId: 'acct-1',
    connectionId: 'conn-1',
    channel: 'bigcommerce',
    credentials,
    settings: { statusFilter: [], storeFilter: [], pollIntervalMinutes: 5 },
  };
  const rawBody = Buffer.from(
    JSON.stringify({
      scope: 'store/order/created',
      store_id: '1025646',
      producer: 'stores/abc123',
      hash: 'f3b8a1',
      created_at: 1561479335,
      data: { type: 'order', id: 250 },
    }),
  );

  it('identifies the store from the producer', () => {
    expect(bigCommerceAdapter.identifyWebhook?.({ rawBody, headers: {}, receivedAt: '' })).toEqual({
      webhookKey: 'abc123',
      topic: 'store/order/created',
      deliveryId: 'f3b8a1',
    });
  });

  it('checks the custom header secret', () => {
    const good = { [BC_WEBHOOK_SECRET_HEADER]: credentials.webhookSecret };
    const bad = { [BC_WEBHOOK_SECRET_HEADER]: 'a-long-webhook-secreT' };

    expect(
      bigCommerceAdapter.verifyWebhook?.({ rawBody, headers: good, receivedAt: '' }, connection),
    ).toBe(true);
    expect(
      bigCommerceAdapter.verifyWebhook?.({ rawBody, headers: bad, receivedAt: '' }, connection),
    ).toBe(false);
    expect(
      bigCommerceAdapter.verifyWebhook?.({ rawBody, headers: {}, receivedAt: '' }, connection),
    ).toBe(false);
  });

  it('turns an order webhook into a fetch', () => {
    const events = bigCommerceAdapter.parseWebhook?.(
      { rawBody, headers: {}, receivedAt: '' },
      { connection, receivedAt: '' },
    );

    expect(events).toEqual([
      {
        kind: 'fetch',
        record: 'order',
        recordId: '250',
        channelOrderId: '250',
        revision: 'store/order/created@1561479335',
      },
    ]);
  });

  it('turns a refund webhook into a fetch of the order and its refunds', () => {
    const body = Buffer.from(
      JSON.stringify({
        scope: 'store/order/refund/created',
        producer: 'stores/abc123',
        created_at: 1561479400,
        data: { type: 'order', id: 250, refund: { refund_id: 3 } },
      }),
    );
    const events = bigCommerceAdapter.parseWebhook?.(
      { rawBody: body, headers: {}, receivedAt: '' },
      { connection, receivedAt: '' },
    );

    expect(events).toEqual([
      expect.objectContaining({ kind: 'fetch', record: 'refund', recordId: '250' }),
    ]);
  });

  it('gives two changes of one order two revisions', () => {
    const later = Buffer.from(
      JSON.stringify({
        scope: 'store/order/statusUpdated',
        producer: 'stores/abc123',
        created_at: 1561479999,
        data: { type: 'order', id: 250 },
      }),
    );
    const revisions = [rawBody, rawBody, later].map((body) => {
      const [event] =
        bigCommerceAdapter.parseWebhook?.(
          { rawBody: body, headers: {}, receivedAt: '' },
          { connection, receivedAt: '' },
        ) ?? [];

      return event?.kind === 'fetch' ? event.revision : undefined;
    });

    expect(revisions[0]).toBe(revisions[1]);
    expect(revisions[2]).not.toBe(revisions[0]);
  });

  it('ignores scopes without an order', () => {
    const body = Buffer.from(
      JSON.stringify({
        scope: 'store/product/updated',
        producer: 'stores/abc123',
        data: { type: 'product', id: 77 },
      }),
    );

    expect(
      bigCommerceAdapter.parseWebhook?.(
        { rawBody: body, headers: {}, receivedAt: '' },
        { connection, receivedAt: '' },
      ),
    ).toEqual([expect.objectContaining({ kind: 'ignored' })]);
  });

  it('rejects a webhook without the order id', () => {
    const body = Buffer.from(
      JSON.stringify({
        scope: 'store/order/created',
        producer: 'stores/abc123',
        data: { type: 'order' },
      }),
    );

    expect(() =>
      bigCommerceAdapter.parseWebhook?.(
        { rawBody: body, headers: {}, receivedAt: '' },
        { connection, receivedAt: '' },
      ),
    ).toThrow(/data\.id/);
  });

  it('signs benchmark samples with the header secret', () => {
    for (const sample of bigCommerceBenchmarkSamples()) {
      expect(
        bigCommerceAdapter.verifyWebhook?.(sample.delivery, {
          ...connection,
          credentials: sample.credentials,
        }),
      ).toBe(true);
    }
  });
});

describe('BigCommerce fuzz', () => {
  it('never crashes or accepts an invalid order', () => {
    const summary = fuzzNormaliser({
      samples: [
        ...publishedOrders.map(bundleOf),
        { order: publishedOrders[1], products: publishedProducts, taxes: publishedTaxes },
      ],
      normalise: (payload) => normaliseBigCommerceOrder(payload, context),
      check: (order) => {
        const parsed = orderSchema.safeParse(order);

        return parsed.success ? undefined : parsed.error.message;
      },
      rejection: ChannelPayloadError,
      iterations: 3000,
      seed: 218,
    });

    expect(summary.crashes).toEqual([]);
    expect(summary.invalidAccepted).toEqual([]);
    expect(summary.rejected).toBeGreaterThan(0);
  });

  it('never identifies a mangled webhook without an error', () => {
    const random = new SeededRandom(7);
    const body = Buffer.from(
      JSON.stringify({
        scope: 'store/order/created',
        producer: 'stores/abc123',
        data: { type: 'order', id: 1 },
      }),
    );

    for (let iteration = 0; iteration < 500; iteration += 1) {
      const identity = bigCommerceAdapter.identifyWebhook?.({
        rawBody: flipByte(body, random),
        headers: {},
        receivedAt: '',
      });

      expect(identity).toBeDefined();
    }
  });
});
