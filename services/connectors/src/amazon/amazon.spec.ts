import { checkOrderTotals } from '@qbsync/accounting';
import { orderSchema, payoutSchema, refundSchema } from '@qbsync/contracts';

import { ChannelPayloadError } from '../channel/channel-adapter';
import {
  type FixtureJson,
  readJsonFixture,
  readTextFixture,
} from '../channel-support/fixture-files';
import { fuzzNormaliser, SeededRandom } from '../channel-support/payload-mutations';
import { normaliseAmazonEventGroup, normaliseAmazonRefundEvent } from './amazon-finance.normaliser';
import { normaliseAmazonOrder } from './amazon-order.normaliser';
import { parseAmazonSettlementReport } from './amazon-settlement.parser';

type Json = FixtureJson;
const context = {
  accountId: 'acct-1',
  connectionId: 'conn-1',
  receivedAt: '2026-01-01T00:00:00.000Z',
  sourceKind: 'poll' as const,
};
const payloadOf = (file: string): Json => (readJsonFixture(`amazon/${file}`) as Json).payload;
const sandboxOrder = payloadOf('orders-v0.getOrder.sandbox-1.json');
const sandboxItems = payloadOf('orders-v0.getOrderItems.sandbox-1.json').OrderItems;
const exampleItems = payloadOf('orders-v0.getOrderItems.example.json').OrderItems;
const handOrder = payloadOf('hand-written.getOrder.json');
const handItems = payloadOf('hand-written.getOrderItems.json').OrderItems;
const handEvents = payloadOf('hand-written.financial-events-group.json').FinancialEvents;
const handGroup = payloadOf('hand-written.financial-event-groups.json').FinancialEventGroupList[0];

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

describe('normaliseAmazonOrder', () => {
  it('balances the published sandbox order to OrderTotal', () => {
    const order = normaliseAmazonOrder({ order: sandboxOrder, items: sandboxItems }, context);

    expect(order.channelOrderId).toBe('902-1845936-5435065');
    expect(order.lines).toEqual([
      expect.objectContaining({ sku: 'NABetaASINB00551Q3CS', quantity: 1, unitPrice: 1000 }),
    ]);
    expect(order.totals).toEqual({
      subtotal: 1000,
      discounts: 0,
      shipping: 0,
      tax: 101,
      total: 1101,
    });
    expect(checkOrderTotals(order)).toEqual([]);
  });

  it('balances a shipped order with a shipping promotion', () => {
    const order = normaliseAmazonOrder({ order: handOrder, items: handItems }, context);

    expect(order.lines[0]).toMatchObject({ quantity: 2, unitPrice: 1500 });
    expect(order.shippingLines).toEqual([
      {
        title: 'Shipping',
        price: 499,
        discounts: [{ title: 'Shipping discount', amount: 499 }],
        taxes: [],
      },
    ]);
    expect(order.totals.total).toBe(3248);
    expect(checkOrderTotals(order)).toEqual([]);
  });

  it('rounds an uneven item price into a line discount', () => {
    const items = structuredClone(handItems);

    items[0].QuantityOrdered = 3;
    items[0].ItemPrice.Amount = '10.00';

    const order = { ...handOrder, OrderTotal: { CurrencyCode: 'USD', Amount: '12.48' } };
    const normalised = normaliseAmazonOrder({ order, items }, context);

    expect(normalised.lines[0]).toMatchObject({
      unitPrice: 334,
      discounts: [{ title: 'Rounding', amount: 2 }],
    });
    expect(checkOrderTotals(normalised)).toEqual([]);
  });

  it('rejects the published JPY example with cents', () => {
    const order = { ...sandboxOrder, OrderTotal: { CurrencyCode: 'JPY', Amount: '100' } };
    const error = payloadError(() => normaliseAmazonOrder({ order, items: exampleItems }, context));

    expect(error.field).toBe('items[0].ItemPrice.Amount');
    expect(error.message).toMatch(/at most 0 decimal places/);
  });

  it('rejects a Pending order without prices', () => {
    const pending = payloadOf('orders-v0.getOrder.example.json');
    const error = payloadError(() =>
      normaliseAmazonOrder({ order: pending, items: sandboxItems }, context),
    );

    expect(error.field).toBe('order.OrderStatus');
  });

  it.each([
    [
      'item in another currency',
      (b: Json) => (b.items[0].ItemTax.CurrencyCode = 'EUR'),
      'items[0].ItemTax.CurrencyCode',
    ],
    [
      'unknown currency',
      (b: Json) => (b.order.OrderTotal.CurrencyCode = 'ZZZ'),
      'order.OrderTotal.CurrencyCode',
    ],
    [
      'negative quantity',
      (b: Json) => (b.items[0].QuantityOrdered = -1),
      'items.0.QuantityOrdered',
    ],
    ['only cancelled items', (b: Json) => (b.items[0].QuantityOrdered = 0), 'items'],
    ['no items', (b: Json) => (b.items = []), 'items'],
    [
      'negative price',
      (b: Json) => (b.items[0].ItemPrice.Amount = '-1.00'),
      'items[0].ItemPrice.Amount',
    ],
  ])('rejects %s naming the field', (_case, change, field) => {
    const bundle = structuredClone({ order: handOrder, items: handItems });

    change(bundle);

    expect(payloadError(() => normaliseAmazonOrder(bundle, context)).field).toBe(field);
  });
});

describe('normaliseAmazonEventGroup', () => {
  it('sums the events to the settlement total', () => {
    const payout = normaliseAmazonEventGroup({ group: handGroup, events: handEvents }, context);
    const net = payout.transactions.reduce((sum, transaction) => sum + transaction.net, 0);

    expect(payout.amount).toBe(614);
    expect(net).toBe(payout.amount);
    expect(payout.status).toBe('paid');
    expect(payout.date).toBe('2024-03-06');
    expect(payout.transactions.map((item) => [item.type, item.gross, item.fee, item.net])).toEqual([
      ['charge', 3248, 1241, 2007],
      ['tax_withheld', -248, 0, -248],
      ['refund', -1299, -115, -1184],
      ['tax_withheld', 99, 0, 99],
      ['fee', 0, 310, -310],
      ['adjustment', 650, 0, 650],
      ['advertising', -400, 0, -400],
    ]);
  });

  it.each([
    'finances-v0.listFinancialEventsByGroupId.sandbox-1.json',
    'finances-v0.listFinancialEventsByOrderId.sandbox-1.json',
    'finances-v0.listFinancialEvents.sandbox-1.json',
  ])('maps the published events of %s', (file) => {
    const group = payloadOf('finances-v0.listFinancialEventGroups.sandbox-1.json')
      .FinancialEventGroupList[0];
    const payout = normaliseAmazonEventGroup(
      { group, events: payloadOf(file).FinancialEvents },
      context,
    );

    expect(payoutSchema.safeParse(payout).success).toBe(true);
    expect(payout.amount).toBe(1034);
  });

  it('rejects mixed currencies naming the event', () => {
    const events = structuredClone(handEvents);

    events.ServiceFeeEventList[0].FeeList[0].FeeAmount.CurrencyCode = 'EUR';

    expect(
      payloadError(() => normaliseAmazonEventGroup({ group: handGroup, events }, context)).field,
    ).toBe('ServiceFeeEventList[0].FeeList[0].CurrencyCode');
  });
});

describe('normaliseAmazonRefundEvent', () => {
  it('maps the refunded item and its tax', () => {
    const refund = normaliseAmazonRefundEvent(handEvents.RefundEventList[0], context);

    expect(refund.channelRefundId).toBe('113-8871002-5512345@2024-03-03T16:40:00.000Z');
    expect(refund.lines).toEqual([
      {
        lineId: '50911763521077',
        sku: 'TOWEL-1',
        name: 'TOWEL-1',
        quantity: 1,
        amount: 1200,
        tax: 99,
        restock: false,
      },
    ]);
    expect(refund.totals.total).toBe(1299);
    expect(refundSchema.safeParse(refund).success).toBe(true);
  });

  it('rejects an event without charges', () => {
    const event = { ...handEvents.RefundEventList[0], ShipmentItemAdjustmentList: [] };

    expect(payloadError(() => normaliseAmazonRefundEvent(event, context)).field).toBe(
      'ShipmentItemAdjustmentList',
    );
  });
});

describe('parseAmazonSettlementReport', () => {
  const report = readTextFixture('amazon/hand-written.settlement-report-v2.tsv');

  it('balances the settlement rows to total-amount', () => {
    const payout = parseAmazonSettlementReport(report, context);
    const net = payout.transactions.reduce((sum, transaction) => sum + transaction.net, 0);

    expect(payout.payoutId).toBe('11796400482');
    expect(payout.amount).toBe(1175);
    expect(net).toBe(1175);
    expect(payout.date).toBe('2024-03-17');
    expect(payout.periodStart).toBe('2024-03-01T00:00:00.000Z');
    expect(payout.transactions.find((item) => item.type === 'charge')).toMatchObject({
      channelOrderId: '113-5071520-2310641',
      gross: 3248,
      fee: 1241,
      net: 2007,
    });
    expect(
      payout.transactions.filter((item) => item.type === 'reserve').map((item) => item.net),
    ).toEqual([5000, -500]);
  });

  it('reads European dates', () => {
    const european = report.replace('2024-03-17 00:00:00 UTC', '17.03.2024 00:00:00 UTC');

    expect(parseAmazonSettlementReport(european, context).date).toBe('2024-03-17');
  });

  it('rejects a bad amount naming the row', () => {
    const broken = report.replace('\t-7.16\t', '\t-7.1.6\t');

    expect(payloadError(() => parseAmazonSettlementReport(broken, context)).field).toBe(
      'row 8 amount',
    );
  });

  it('rejects a file without the settlement columns', () => {
    expect(payloadError(() => parseAmazonSettlementReport('a\tb\n1\t2\n', context)).field).toBe(
      'settlement-id',
    );
  });
});

describe('Amazon fuzz', () => {
  it('never crashes or accepts an invalid order', () => {
    const summary = fuzzNormaliser({
      samples: [
        { order: sandboxOrder, items: sandboxItems },
        { order: handOrder, items: handItems },
      ],
      normalise: (payload) => normaliseAmazonOrder(payload, context),
      check: (result) => {
        const parsed = orderSchema.safeParse(result);

        return parsed.success ? undefined : parsed.error.message;
      },
      rejection: ChannelPayloadError,
      iterations: 3000,
      seed: 1101,
    });

    expect(summary.crashes).toEqual([]);
    expect(summary.invalidAccepted).toEqual([]);
  });

  it('never crashes on mangled settlement data', () => {
    const summary = fuzzNormaliser({
      samples: [{ group: handGroup, events: handEvents }],
      normalise: (payload) => normaliseAmazonEventGroup(payload, context),
      check: (result) => {
        const parsed = payoutSchema.safeParse(result);

        return parsed.success ? undefined : parsed.error.message;
      },
      rejection: ChannelPayloadError,
      iterations: 2000,
      seed: 614,
    });

    expect(summary.crashes).toEqual([]);
    expect(summary.invalidAccepted).toEqual([]);
  });

  it('never crashes on a mangled settlement report', () => {
    const random = new SeededRandom(11);
    const report = readTextFixture('amazon/hand-written.settlement-report-v2.tsv');

    for (let iteration = 0; iteration < 300; iteration += 1) {
      const cut = report.slice(0, random.integer(report.length));
      const position = random.integer(report.length);
      const mangled =
        report.slice(0, position) +
        String.fromCharCode(random.integer(128)) +
        report.slice(position + 1);

      for (const text of [cut, mangled]) {
        try {
          parseAmazonSettlementReport(text, context);
        } catch (error) {
          expect(error).toBeInstanceOf(ChannelPayloadError);
        }
      }
    }
  });
});
