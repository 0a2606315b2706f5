import { checkOrderTotals } from '@qbsync/accounting';
import { orderSchema, payoutSchema } from '@qbsync/contracts';

import { ChannelPayloadError, type ChannelConnection } from '../channel/channel-adapter';
import { type FixtureJson, readJsonFixture } from '../channel-support/fixture-files';
import { flipByte, fuzzNormaliser, SeededRandom } from '../channel-support/payload-mutations';
import { normaliseSquarePayout, normaliseSquareRefund } from './square-finance.normaliser';
import { normaliseSquareOrder } from './square-order.normaliser';
import { signSquareWebhook } from './square-signature';
import { squareAdapter, type SquareCredentials } from './square.adapter';
import { squareBenchmarkSamples } from './square.registration';

type Json = FixtureJson;
const context = {
  accountId: 'acct-1',
  connectionId: 'conn-1',
  receivedAt: '2026-01-01T00:00:00.000Z',
  sourceKind: 'poll' as const,
};
const order = (readJsonFixture('square/retrieve-order.json') as Json).order as Json;
const searchedOrders = (readJsonFixture('square/search-orders.json') as Json).orders as Json[];
const refundEvent = readJsonFixture('square/webhook-refund-updated.json') as Json;
const returnOrder = (readJsonFixture('square/retrieve-return-order.json') as Json).order;
const payout = (readJsonFixture('square/get-payout.json') as Json).payout;
const entries = (readJsonFixture('square/list-payout-entries.json') as Json)
  .payout_entries as Json[];
const skus = new Map([
  ['VAR-MUG-BLUE', 'MUG-BLUE'],
  ['VAR-TOWEL', 'TOWEL-1'],
]);

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

describe('normaliseSquareOrder', () => {
  it('maps lines, delivery and tenders', () => {
    const normalised = normaliseSquareOrder(order, context, { skuByVariationId: skus });

    expect(normalised.lines.map((line) => [line.sku, line.quantity, line.unitPrice])).toEqual([
      ['MUG-BLUE', 2, 1500],
      ['TOWEL-1', 1, 1000],
    ]);
    expect(normalised.lines[0].discounts).toEqual([{ title: 'Spring sale', amount: 300 }]);
    expect(normalised.lines[0].taxes).toEqual([
      { name: 'State Sales Tax', rate: '0.085', amount: 230 },
    ]);
    expect(normalised.shippingLines).toEqual([
      { title: 'Delivery', price: 500, discounts: [], taxes: [] },
    ]);
    expect(normalised.payments.map((payment) => [payment.kind, payment.amount])).toEqual([
      ['gift_card', 1000],
      ['sale', 3607],
    ]);
    expect(normalised.orderNumber).toBe('web-1042');
  });

  it('maps total_tip_money to tips, outside the lines', () => {
    const normalised = normaliseSquareOrder(order, context);

    expect(normalised.tips).toEqual([{ title: 'Tip', amount: 200 }]);
    expect(normalised.lines.map((line) => line.name)).not.toContain('Tip');
    expect(normalised.totals.subtotal).toBe(4000);
  });

  it('maps tender processing fees to fees', () => {
    const normalised = normaliseSquareOrder(order, context);

    expect(normalised.fees).toEqual([
      { title: 'Square processing fee (CARD tender)', gateway: 'square', amount: 134 },
    ]);
  });

  it('balances the tipped sample to total_money', () => {
    const normalised = normaliseSquareOrder(order, context);

    expect(checkOrderTotals(normalised)).toEqual([]);
    expect(normalised.totals.total).toBe(order.total_money.amount);
  });

  it('keeps processing fees out of the total', () => {
    const withFee = normaliseSquareOrder(order, context);
    const copy = structuredClone(order);

    copy.tenders[1].processing_fee_money.amount = 999;

    expect(normaliseSquareOrder(copy, context).totals).toEqual(withFee.totals);
  });

  it('leaves fees absent before Square computes them', () => {
    const copy = structuredClone(order);

    for (const tender of copy.tenders) {
      delete tender.processing_fee_money;
    }

    expect(normaliseSquareOrder(copy, context).fees).toBeUndefined();
  });

  it('leaves tips absent without a tip', () => {
    const copy = structuredClone(order);

    copy.total_tip_money.amount = 0;
    copy.total_money.amount -= 200;

    const normalised = normaliseSquareOrder(copy, context);

    expect(normalised.tips).toBeUndefined();
    expect(checkOrderTotals(normalised)).toEqual([]);
  });

  it.each(searchedOrders.map((item) => [item.id, item]))(
    'balances order %s to total_money',
    (_id, item) => {
      const normalised = normaliseSquareOrder(item, context);

      expect(checkOrderTotals(normalised)).toEqual([]);
      expect(normalised.totals.total).toBe(item.total_money.amount);
    },
  );

  it('reads JPY amounts as whole yen', () => {
    const normalised = normaliseSquareOrder(searchedOrders[1], context);

    expect(normalised.currency).toBe('JPY');
    expect(normalised.totals.total).toBe(4607);
  });

  it.each([
    ['unknown currency', (o: Json) => (o.total_money.currency = 'QQQ'), 'total_money.currency'],
    [
      'mixed currency',
      (o: Json) => (o.line_items[0].base_price_money.currency = 'EUR'),
      'line_items[0].base_price_money.currency',
    ],
    ['zero quantity', (o: Json) => (o.line_items[0].quantity = '0'), 'line_items[0].quantity'],
    [
      'fractional quantity',
      (o: Json) => (o.line_items[0].quantity = '1.5'),
      'line_items[0].quantity',
    ],
    ['negative quantity', (o: Json) => (o.line_items[0].quantity = '-1'), 'line_items.0.quantity'],
    ['fractional amount', (o: Json) => (o.total_money.amount = 46.07), 'total_money.amount'],
    ['no line items', (o: Json) => (o.line_items = []), 'line_items'],
    [
      'negative processing fee',
      (o: Json) => (o.tenders[1].processing_fee_money.amount = -5),
      'tenders[1].processing_fee_money.amount',
    ],
  ])('rejects %s naming the field', (_case, change, field) => {
    const copy = structuredClone(order);

    change(copy);

    expect(payloadError(() => normaliseSquareOrder(copy, context)).field).toBe(field);
  });
});

describe('normaliseSquareRefund', () => {
  it('maps the returned towel to its order line', () => {
    const refund = normaliseSquareRefund(refundEvent.data.object.refund, context, { returnOrder });

    expect(refund.channelOrderId).toBe(order.id);
    expect(refund.lines).toEqual([
      {
        lineId: 'li-towel',
        sku: '',
        name: 'Tea Towel',
        quantity: 1,
        amount: 900,
        tax: 77,
        restock: false,
      },
    ]);
    expect(refund.totals).toEqual({
      subtotal: 900,
      shipping: 0,
      tax: 77,
      adjustments: 0,
      total: 977,
    });
  });

  it('keeps an amount-only refund as an adjustment', () => {
    const refund = normaliseSquareRefund(refundEvent.data.object.refund, context);

    expect(refund.adjustments).toEqual([{ reason: 'Towel arrived torn', amount: 977 }]);
    expect(refund.status).toBe('completed');
  });

  it('keeps a pending refund pending', () => {
    const pending = { ...refundEvent.data.object.refund, status: 'PENDING' };

    expect(normaliseSquareRefund(pending, context).status).toBe('pending');
  });
});

describe('normaliseSquarePayout', () => {
  it('sums its entries to the payout amount', () => {
    const normalised = normaliseSquarePayout({ payout, entries }, context, {
      orderIdByPaymentId: new Map([['PAY-CARD-1', order.id]]),
    });
    const net = normalised.transactions.reduce((sum, entry) => sum + entry.net, 0);

    expect(net).toBe(normalised.amount);
    expect(normalised.amount).toBe(2671);
    expect(normalised.status).toBe('paid');
    expect(normalised.date).toBe('2024-03-05');
    expect(
      normalised.transactions.map((entry) => [entry.type, entry.gross, entry.fee, entry.net]),
    ).toEqual([
      ['charge', 3607, 134, 3473],
      ['refund', -977, -28, -949],
      ['reserve', 147, 0, 147],
    ]);
    expect(normalised.transactions[0].channelOrderId).toBe(order.id);
    expect(payoutSchema.safeParse(normalised).success).toBe(true);
  });

  it('rejects an entry whose net is not gross less fee', () => {
    const altered = structuredClone(entries);

    altered[0].net_amount_money.amount = 3500;

    expect(
      payloadError(() => normaliseSquarePayout({ payout, entries: altered }, context)).field,
    ).toBe('entries[0].net_amount_money');
  });
});

describe('squareAdapter webhooks', () => {
  const credentials: SquareCredentials = {
    accessToken: 'token-1234567890',
    merchantId: '6SSW7HV8K2ST5',
    locationIds: [],
    webhookSignatureKey: 'signature-key',
    notificationUrl: 'https://connectors.example.com/webhooks/square',
  };
  const connection: ChannelConnection<SquareCredentials> = {
    accountId: 'acct-1',
    connectionId: 'conn-1',
    channel: 'square',
    credentials,
    settings: { statusFilter: [], storeFilter: [], pollIntervalMinutes: 5 },
  };
  const rawBody = Buffer.from(JSON.stringify(refundEvent));
  const signature = signSquareWebhook(
    credentials.notificationUrl,
    rawBody,
    credentials.webhookSignatureKey,
  );
  const delivery = {
    rawBody,
    headers: { 'x-square-hmacsha256-signature': signature },
    receivedAt: '',
  };

  it('signs over the notification URL and the body', () => {
    expect(squareAdapter.verifyWebhook?.(delivery, connection)).toBe(true);
  });

  it('rejects a signature made for another URL', () => {
    const other = signSquareWebhook(
      'https://attacker.example/hook',
      rawBody,
      credentials.webhookSignatureKey,
    );

    expect(
      squareAdapter.verifyWebhook?.(
        { ...delivery, headers: { 'x-square-hmacsha256-signature': other } },
        connection,
      ),
    ).toBe(false);
  });

  it('identifies the merchant and event', () => {
    expect(squareAdapter.identifyWebhook?.(delivery)).toEqual({
      webhookKey: '6SSW7HV8K2ST5',
      deliveryId: refundEvent.event_id,
      topic: 'refund.updated',
    });
  });

  it('parses a refund event into a refund', () => {
    const events = squareAdapter.parseWebhook?.(delivery, {
      connection,
      receivedAt: context.receivedAt,
    });

    expect(events).toEqual([
      expect.objectContaining({ kind: 'refund', revision: 'PAY-CARD-1_R1@completed' }),
    ]);
  });

  it('parses a payout event for enrichment', () => {
    const body = Buffer.from(JSON.stringify(readJsonFixture('square/webhook-payout-paid.json')));
    const events = squareAdapter.parseWebhook?.(
      { rawBody: body, headers: {}, receivedAt: '' },
      { connection, receivedAt: context.receivedAt },
    );

    expect(events?.[0]).toMatchObject({
      kind: 'payout',
      payout: { amount: 2671, transactions: [] },
    });
  });

  it('turns an order event into a fetch of its version', () => {
    const body = Buffer.from(JSON.stringify(readJsonFixture('square/webhook-order-updated.json')));
    const events = squareAdapter.parseWebhook?.(
      { rawBody: body, headers: {}, receivedAt: '' },
      { connection, receivedAt: context.receivedAt },
    );

    expect(events).toEqual([
      {
        kind: 'fetch',
        record: 'order',
        recordId: 'CAISEHl2pP6DZxDQ1ZUzzGzTmL4gAQ',
        channelOrderId: 'CAISEHl2pP6DZxDQ1ZUzzGzTmL4gAQ',
        revision: 'CAISEHl2pP6DZxDQ1ZUzzGzTmL4gAQ@4',
      },
    ]);
  });

  it('fetches a created order without a version by event id', () => {
    const body = Buffer.from(
      JSON.stringify({
        merchant_id: '6SSW7HV8K2ST5',
        type: 'order.created',
        event_id: 'event-without-version',
        data: {
          type: 'order_created',
          id: 'ORDER-NEW-1',
          object: { order_created: { order_id: 'ORDER-NEW-1', state: 'OPEN' } },
        },
      }),
    );
    const events = squareAdapter.parseWebhook?.(
      { rawBody: body, headers: {}, receivedAt: '' },
      { connection, receivedAt: context.receivedAt },
    );

    expect(events).toEqual([
      expect.objectContaining({
        kind: 'fetch',
        recordId: 'ORDER-NEW-1',
        revision: 'event-event-without-version',
      }),
    ]);
  });

  it('verifies the benchmark samples', () => {
    for (const sample of squareBenchmarkSamples()) {
      expect(
        squareAdapter.verifyWebhook?.(sample.delivery, {
          ...connection,
          credentials: sample.credentials,
        }),
      ).toBe(true);
    }
  });
});

describe('Square fuzz', () => {
  it('never crashes or accepts an invalid order', () => {
    const summary = fuzzNormaliser({
      samples: searchedOrders,
      normalise: (payload) => normaliseSquareOrder(payload, context),
      check: (result) => {
        const parsed = orderSchema.safeParse(result);

        return parsed.success ? undefined : parsed.error.message;
      },
      rejection: ChannelPayloadError,
      iterations: 3000,
      seed: 4607,
    });

    expect(summary.crashes).toEqual([]);
    expect(summary.invalidAccepted).toEqual([]);
  });

  it('never crashes on a mangled payout', () => {
    const summary = fuzzNormaliser({
      samples: [{ payout, entries }],
      normalise: (payload) => normaliseSquarePayout(payload, context),
      check: (result) => {
        const parsed = payoutSchema.safeParse(result);

        return parsed.success ? undefined : parsed.error.message;
      },
      rejection: ChannelPayloadError,
      iterations: 1500,
      seed: 2671,
    });

    expect(summary.crashes).toEqual([]);
    expect(summary.invalidAccepted).toEqual([]);
  });

  it('rejects every tampered delivery', () => {
    const random = new SeededRandom(3);
    const key = 'signature-key';
    const url = 'https://connectors.example.com/webhooks/square';
    const body = Buffer.from(JSON.stringify(refundEvent));
    const signature = signSquareWebhook(url, body, key);
    const connection = {
      credentials: { webhookSignatureKey: key, notificationUrl: url },
    } as ChannelConnection<SquareCredentials>;

    for (let iteration = 0; iteration < 500; iteration += 1) {
      const tampered = flipByte(body, random);

      expect(
        squareAdapter.verifyWebhook?.(
          {
            rawBody: tampered,
            headers: { 'x-square-hmacsha256-signature': signature },
            receivedAt: '',
          },
          connection,
        ),
      ).toBe(false);
    }
  });
});
