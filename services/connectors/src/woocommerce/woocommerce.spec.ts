import { checkOrderTotals } from '@qbsync/accounting';
import { orderSchema, refundSchema } from '@qbsync/contracts';

import { ChannelPayloadError, type ChannelConnection } from '../channel/channel-adapter';
import { type FixtureJson, readJsonFixture } from '../channel-support/fixture-files';
import {
  flipByte,
  fuzzNormaliser,
  SeededRandom,
  truncateJson,
} from '../channel-support/payload-mutations';
import { normaliseWooOrder } from './woocommerce-order.normaliser';
import { normaliseWooRefund } from './woocommerce-refund.normaliser';
import { signWooWebhook } from './woocommerce-signature';
import { wooCommerceAdapter, type WooCredentials } from './woocommerce.adapter';
import { wooBenchmarkSamples } from './woocommerce.registration';

const context = {
  accountId: 'acct-1',
  connectionId: 'conn-1',
  receivedAt: '2026-01-01T00:00:00.000Z',
  sourceKind: 'poll' as const,
};
const createdOrder = readJsonFixture('woocommerce/order-create.json') as Record<string, unknown>;
const listedOrders = readJsonFixture('woocommerce/orders-list.json') as Record<string, unknown>[];
const refunds = readJsonFixture('woocommerce/refunds-list.json') as Record<string, unknown>[];
const tippedOrder = readJsonFixture('woocommerce/hand-written.order-with-tip.json') as Json;

type Json = FixtureJson;

function withChanges(changes: (order: Json) => void): Record<string, unknown> {
  const copy = structuredClone(createdOrder) as Json;

  changes(copy);

  return copy;
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

describe('normaliseWooOrder', () => {
  it('maps the published order 727', () => {
    const order = normaliseWooOrder(createdOrder, context);

    expect(order.channelOrderId).toBe('727');
    expect(order.orderNumber).toBe('727');
    expect(order.createdAt).toBe('2017-03-22T19:28:02.000Z');
    expect(order.lines.map((line) => [line.sku, line.quantity, line.unitPrice])).toEqual([
      ['', 2, 300],
      ['Bar3', 1, 1200],
    ]);
    expect(order.lines[0].taxes).toEqual([{ name: 'State Tax', rate: '0', amount: 45 }]);
    expect(order.shippingLines).toEqual([
      { title: 'Flat Rate', code: 'flat_rate', price: 1000, discounts: [], taxes: [] },
    ]);
    expect(order.totals).toEqual({
      subtotal: 1800,
      discounts: 0,
      shipping: 1000,
      tax: 135,
      total: 2935,
    });
    expect(order.payments).toEqual([
      {
        gateway: 'bacs',
        amount: 2935,
        kind: 'sale',
        status: 'success',
        processedAt: '2017-03-22T19:28:08.000Z',
      },
    ]);
  });

  it.each([createdOrder, ...listedOrders].map((order) => [order.id, order]))(
    'balances published order %s to its total',
    (_id, payload) => {
      const order = normaliseWooOrder(payload, context);

      expect(checkOrderTotals(order)).toEqual([]);
      expect(order.totals.total).toBe(Math.round(Number(payload.total) * 100));
    },
  );

  it('turns coupons into line discounts', () => {
    const order = normaliseWooOrder(
      withChanges((copy) => {
        copy.line_items[1].total = '10.00';
        copy.line_items[1].total_tax = '0.75';
        copy.line_items[1].taxes[0].total = '0.75';
        copy.cart_tax = '1.20';
        copy.total_tax = '1.20';
        copy.discount_total = '2.00';
        copy.tax_lines[0].tax_total = '1.20';
        copy.total = '27.20';
        copy.coupon_lines = [{ id: 9, code: 'save2', discount: '2.00', discount_tax: '0.15' }];
      }),
      context,
    );

    expect(order.lines[1].discounts).toEqual([{ amount: 200, code: 'save2' }]);
    expect(checkOrderTotals(order)).toEqual([]);
  });

  it('maps fees as lines and negative fees as discounts', () => {
    const order = normaliseWooOrder(
      withChanges((copy) => {
        copy.fee_lines = [
          { id: 50, name: 'Gift wrap', total: '5.00', total_tax: '0.00', taxes: [] },
          { id: 51, name: 'Gift card', total: '-4.00', total_tax: '0.00', taxes: [] },
        ];
        copy.total = '30.35';
      }),
      context,
    );

    expect(order.lines.map((line) => line.name)).toContain('Gift wrap');
    expect(order.orderDiscounts).toEqual([{ title: 'Gift card', amount: 400 }]);
    expect(checkOrderTotals(order)).toEqual([]);
  });

  it('maps a Tip fee line to tips', () => {
    const order = normaliseWooOrder(tippedOrder, context);

    expect(order.tips).toEqual([{ title: 'Tip', amount: 500 }]);
    expect(order.lines.map((line) => line.name)).not.toContain('Tip');
    expect(order.lines.map((line) => line.name)).toContain('Gift wrap');
    expect(order.fees).toBeUndefined();
  });

  it('balances the tipped order to its total', () => {
    const order = normaliseWooOrder(tippedOrder, context);

    expect(checkOrderTotals(order)).toEqual([]);
    expect(order.totals.total).toBe(3635);
    expect(order.totals.subtotal).toBe(2000);
  });

  it.each(['Tips', 'gratuity', ' Gratuities '])('maps a fee line named %j to tips', (name) => {
    const copy = structuredClone(tippedOrder);

    copy.fee_lines[0].name = name;

    expect(normaliseWooOrder(copy, context).tips).toEqual([{ title: name.trim(), amount: 500 }]);
  });

  it.each(['Tip jar donation', 'Tipping point fee', 'Service charge'])(
    'keeps a fee line named %j as a line',
    (name) => {
      const copy = structuredClone(tippedOrder);

      copy.fee_lines[0].name = name;

      const order = normaliseWooOrder(copy, context);

      expect(order.tips).toBeUndefined();
      expect(order.lines.map((line) => line.name)).toContain(name);
      expect(checkOrderTotals(order)).toEqual([]);
    },
  );

  it('keeps a taxed Tip fee line as a line', () => {
    const copy = structuredClone(tippedOrder);

    copy.fee_lines[0].total_tax = '0.40';
    copy.fee_lines[0].taxes = [{ id: 75, total: '0.4', subtotal: '' }];
    copy.total_tax = '1.75';
    copy.cart_tax = '1.75';
    copy.tax_lines[0].tax_total = '1.75';
    copy.total = '36.75';

    const order = normaliseWooOrder(copy, context);

    expect(order.tips).toBeUndefined();
    expect(order.lines.find((line) => line.name === 'Tip')?.taxes).toEqual([
      expect.objectContaining({ amount: 40 }),
    ]);
    expect(checkOrderTotals(order)).toEqual([]);
  });

  it('rounds an uneven line total into a discount', () => {
    const order = normaliseWooOrder(
      withChanges((copy) => {
        copy.line_items[0].quantity = 3;
        copy.line_items[0].subtotal = '10.00';
        copy.line_items[0].total = '10.00';
        copy.total = '33.35';
      }),
      context,
    );

    expect(order.lines[0].unitPrice).toBe(334);
    expect(order.lines[0].discounts).toEqual([{ amount: 2 }]);
    expect(checkOrderTotals(order)).toEqual([]);
  });

  it.each([
    ['unknown currency', (o: Json) => (o.currency = 'XYZ'), 'currency'],
    ['zero quantity', (o: Json) => (o.line_items[0].quantity = 0), 'line_items.0.quantity'],
    ['negative quantity', (o: Json) => (o.line_items[1].quantity = -2), 'line_items.1.quantity'],
    ['fractional cents', (o: Json) => (o.total = '29.355'), 'total'],
    ['missing line items', (o: Json) => (o.line_items = []), 'line_items'],
    ['missing id', (o: Json) => delete o.id, 'id'],
    ['total above subtotal', (o: Json) => (o.line_items[0].total = '7.00'), 'line_items[0].total'],
  ])('rejects %s naming the field', (_case, change, field) => {
    const error = payloadError(() => normaliseWooOrder(withChanges(change), context));

    expect(error.field).toBe(field);
    expect(error.message).toContain(
      field.replace(/\.(\d+)/g, '[$1]').replace('[0].total', '[0].total'),
    );
  });

  it('rejects a body that is not an object', () => {
    expect(() => normaliseWooOrder([createdOrder], context)).toThrow(/must be a JSON object/);
  });
});

describe('normaliseWooRefund', () => {
  const parent = { id: 723, number: '723', currency: 'USD' };

  it('maps a refunded line to the original line', () => {
    const refund = normaliseWooRefund(refunds[1], parent, context);

    expect(refund.channelRefundId).toBe('724');
    expect(refund.lines).toEqual([
      {
        lineId: '311',
        sku: '',
        name: 'Woo Album #2',
        quantity: 1,
        amount: 900,
        tax: 0,
        restock: false,
      },
    ]);
    expect(refund.totals).toEqual({
      subtotal: 900,
      shipping: 0,
      tax: 0,
      adjustments: 0,
      total: 900,
    });
    expect(refundSchema.safeParse(refund).success).toBe(true);
  });

  it('maps an amount-only refund to an adjustment', () => {
    const refund = normaliseWooRefund(refunds[0], parent, context);

    expect(refund.lines).toEqual([]);
    expect(refund.adjustments).toEqual([{ reason: 'Refund not allocated to lines', amount: 1000 }]);
    expect(refund.totals.total).toBe(1000);
  });

  it('balances the order refunds to the order', () => {
    const total = refunds
      .map((item) => normaliseWooRefund(item, parent, context).totals.total)
      .reduce((sum, amount) => sum + amount, 0);
    const order = listedOrders.find((item) => item.id === 723) as { refunds: { total: string }[] };

    expect(total).toBe(-order.refunds.reduce((sum, item) => sum + Number(item.total) * 100, 0));
  });

  it('rejects a zero refunded quantity', () => {
    const copy = structuredClone(refunds[1]) as Json;

    copy.line_items[0].quantity = 0;

    expect(payloadError(() => normaliseWooRefund(copy, parent, context)).field).toBe(
      'line_items[0].quantity',
    );
  });
});

describe('wooCommerceAdapter webhooks', () => {
  const credentials: WooCredentials = {
    storeUrl: 'https://example.com',
    consumerKey: 'ck_test',
    consumerSecret: 'cs_test',
    webhookSecret: 'webhook-secret',
  };
  const connection: ChannelConnection<WooCredentials> = {
    accountId: 'acct-1',
    connectionId: 'conn-1',
    channel: 'woocommerce',
    credentials,
    settings: { statusFilter: [], storeFilter: [], pollIntervalMinutes: 5 },
  };
  const rawBody = Buffer.from(JSON.stringify(createdOrder));
  const headers = {
    'x-wc-webhook-source': 'https://Example.com/',
    'x-wc-webhook-topic': 'order.created',
    'x-wc-webhook-signature': signWooWebhook(rawBody, credentials.webhookSecret),
    'x-wc-webhook-delivery-id': '77',
  };
  const parseContext = { connection, receivedAt: context.receivedAt, topic: 'order.created' };

  it('identifies the store from X-WC-Webhook-Source', () => {
    expect(wooCommerceAdapter.identifyWebhook?.({ rawBody, headers, receivedAt: '' })).toEqual({
      webhookKey: 'example.com',
      deliveryId: '77',
      topic: 'order.created',
    });
    expect(wooCommerceAdapter.webhookKey?.(credentials)).toBe('example.com');
  });

  it('accepts a correct signature', () => {
    expect(
      wooCommerceAdapter.verifyWebhook?.({ rawBody, headers, receivedAt: '' }, connection),
    ).toBe(true);
  });

  it('rejects a signature made with another secret', () => {
    const forged = { ...headers, 'x-wc-webhook-signature': signWooWebhook(rawBody, 'other') };

    expect(
      wooCommerceAdapter.verifyWebhook?.({ rawBody, headers: forged, receivedAt: '' }, connection),
    ).toBe(false);
  });

  it('parses an order delivery with a revision per modification', () => {
    const events = wooCommerceAdapter.parseWebhook?.(
      { rawBody, headers, receivedAt: '' },
      parseContext,
    );

    expect(events).toHaveLength(1);
    expect(events?.[0]).toMatchObject({ kind: 'order', revision: '727@2017-03-22T19:28:08.000Z' });
  });

  it('gives a redelivery the same revision', () => {
    const first = wooCommerceAdapter.parseWebhook?.(
      { rawBody, headers, receivedAt: '' },
      parseContext,
    );
    const second = wooCommerceAdapter.parseWebhook?.(
      { rawBody, headers: { ...headers, 'x-wc-webhook-delivery-id': '78' }, receivedAt: '' },
      parseContext,
    );

    expect(second?.[0]).toMatchObject({ revision: (first?.[0] as { revision: string }).revision });
  });

  it('ignores the ping sent when a webhook is saved', () => {
    const ping = Buffer.from('webhook_id=12');

    expect(
      wooCommerceAdapter.parseWebhook?.(
        { rawBody: ping, headers: {}, receivedAt: '' },
        { ...parseContext, topic: undefined },
      ),
    ).toEqual([{ kind: 'ignored', reason: 'WooCommerce webhook ping' }]);
  });

  it('rejects a truncated delivery as invalid JSON', () => {
    const truncated = rawBody.subarray(0, 100);

    expect(() =>
      wooCommerceAdapter.parseWebhook?.(
        { rawBody: truncated, headers, receivedAt: '' },
        parseContext,
      ),
    ).toThrow(/is not valid JSON/);
  });

  it('requires HTTPS for the store URL', () => {
    const result = wooCommerceAdapter.credentialSchema.safeParse({
      ...credentials,
      storeUrl: 'http://shop.example.com',
    });

    expect(result.success).toBe(false);
  });

  it('builds signed benchmark samples', () => {
    for (const sample of wooBenchmarkSamples()) {
      expect(
        wooCommerceAdapter.verifyWebhook?.(sample.delivery, {
          ...connection,
          credentials: sample.credentials,
        }),
      ).toBe(true);
    }
  });
});

describe('WooCommerce fuzz', () => {
  it('never crashes or accepts an invalid order', () => {
    const summary = fuzzNormaliser({
      samples: [createdOrder, ...listedOrders],
      normalise: (payload) => normaliseWooOrder(payload, context),
      check: (order) => {
        const parsed = orderSchema.safeParse(order);

        return parsed.success ? undefined : parsed.error.message;
      },
      rejection: ChannelPayloadError,
      iterations: 3000,
      seed: 727,
    });

    expect(summary.crashes).toEqual([]);
    expect(summary.invalidAccepted).toEqual([]);
    expect(summary.rejected).toBeGreaterThan(0);
  });

  it('rejects every tampered or truncated delivery', () => {
    const random = new SeededRandom(42);
    const secret = 'webhook-secret';
    const body = Buffer.from(JSON.stringify(createdOrder));
    const signature = signWooWebhook(body, secret);
    const connection = {
      credentials: { webhookSecret: secret },
    } as ChannelConnection<WooCredentials>;

    for (let iteration = 0; iteration < 500; iteration += 1) {
      const tampered = flipByte(body, random);
      const headers = { 'x-wc-webhook-signature': signature };

      expect(
        wooCommerceAdapter.verifyWebhook?.(
          { rawBody: tampered, headers, receivedAt: '' },
          connection,
        ),
      ).toBe(false);

      const truncated = Buffer.from(truncateJson(createdOrder, random));

      expect(() =>
        wooCommerceAdapter.parseWebhook?.(
          { rawBody: truncated, headers, receivedAt: '' },
          { connection, receivedAt: '', topic: 'order.created' },
        ),
      ).toThrow(ChannelPayloadError);
    }
  });
});
