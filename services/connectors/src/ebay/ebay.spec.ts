import { checkOrderTotals } from '@qbsync/accounting';
import { orderSchema, payoutSchema } from '@qbsync/contracts';

import { ChannelPayloadError } from '../channel/channel-adapter';
import { type FixtureJson, readJsonFixture } from '../channel-support/fixture-files';
import { fuzzNormaliser } from '../channel-support/payload-mutations';
import { normaliseEbayOrder, normaliseEbayPayout, normaliseEbayRefunds } from './ebay.normaliser';

type Json = FixtureJson;
const context = {
  accountId: 'acct-1',
  connectionId: 'conn-1',
  receivedAt: '2026-01-01T00:00:00.000Z',
  sourceKind: 'poll' as const,
};
const usOrder = (readJsonFixture('ebay/get-orders.json') as Json).orders[0];
const euOrder = (readJsonFixture('ebay/get-orders-eur.json') as Json).orders[0];
const payout = (readJsonFixture('ebay/get-payouts.json') as Json).payouts[0];
const transactions = (readJsonFixture('ebay/get-transactions.json') as Json).transactions;

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

describe('normaliseEbayOrder', () => {
  it.each([
    ['US order with collect-and-remit tax', usOrder],
    ['EUR order with VAT', euOrder],
  ])('balances the %s to pricingSummary.total', (_name, raw) => {
    const order = normaliseEbayOrder(raw, context);

    expect(checkOrderTotals(order)).toEqual([]);
    expect(order.totals.total).toBe(Math.round(Number(raw.pricingSummary.total.value) * 100));
  });

  it.each([
    ['US order', usOrder],
    ['EUR order', euOrder],
  ])('maps totalMarketplaceFee of the %s to fees', (_name, raw) => {
    const order = normaliseEbayOrder(raw, context);

    expect(order.fees).toEqual([{ title: 'eBay marketplace fees', gateway: 'ebay', amount: 652 }]);
    expect(checkOrderTotals(order)).toEqual([]);
  });

  it('keeps marketplace fees out of the total', () => {
    const copy = structuredClone(usOrder);

    copy.totalMarketplaceFee.value = '20.00';

    expect(normaliseEbayOrder(copy, context).totals).toEqual(
      normaliseEbayOrder(usOrder, context).totals,
    );
  });

  it('leaves fees absent without totalMarketplaceFee', () => {
    const copy = structuredClone(usOrder);

    delete copy.totalMarketplaceFee;

    expect(normaliseEbayOrder(copy, context).fees).toBeUndefined();
  });

  it('rejects a negative totalMarketplaceFee', () => {
    const copy = structuredClone(usOrder);

    copy.totalMarketplaceFee.value = '-6.52';

    expect(payloadError(() => normaliseEbayOrder(copy, context)).field).toBe(
      'totalMarketplaceFee.value',
    );
  });

  it('maps promotions, shipping discount and remitted tax', () => {
    const order = normaliseEbayOrder(usOrder, context);

    expect(order.orderNumber).toBe('1042');
    expect(order.lines[0]).toMatchObject({
      sku: 'MUG-BLUE',
      quantity: 2,
      unitPrice: 1500,
      discounts: [{ amount: 500, code: '5012345601', title: 'Buy 2, save $5' }],
      taxes: [],
    });
    expect(order.lines[0].customFields).toContainEqual({
      name: 'ebay_collect_and_remit_state_sales_tax',
      value: '248',
    });
    expect(order.shippingLines).toEqual([
      {
        title: 'USPSPriority',
        price: 650,
        discounts: [{ title: 'Shipping discount', amount: 150 }],
        taxes: [],
      },
    ]);
    expect(order.payments).toEqual([
      expect.objectContaining({
        gateway: 'ebay',
        amount: 4500,
        status: 'success',
        transactionId: '5T1234567A890123B',
      }),
    ]);
  });

  it.each([
    [
      'mixed currency',
      (o: Json) => (o.lineItems[0].lineItemCost.currency = 'GBP'),
      'lineItems[0].lineItemCost.currency',
    ],
    [
      'unknown currency',
      (o: Json) => (o.pricingSummary.total.currency = 'XXQ'),
      'pricingSummary.total.currency',
    ],
    ['zero quantity', (o: Json) => (o.lineItems[0].quantity = 0), 'lineItems.0.quantity'],
    [
      'fractional cents',
      (o: Json) => (o.pricingSummary.total.value = '45.001'),
      'pricingSummary.total.value',
    ],
    ['no line items', (o: Json) => (o.lineItems = []), 'lineItems'],
  ])('rejects %s naming the field', (_case, change, field) => {
    const copy = structuredClone(usOrder);

    change(copy);

    expect(payloadError(() => normaliseEbayOrder(copy, context)).field).toBe(field);
  });
});

describe('normaliseEbayRefunds', () => {
  it('maps the towel refund to its line item', () => {
    const [refund] = normaliseEbayRefunds(usOrder, context);

    expect(refund.channelRefundId).toBe('5049012345');
    expect(refund.lines).toEqual([
      {
        lineId: '10051234567802',
        sku: 'TOWEL-1',
        name: 'Linen tea towel',
        quantity: 1,
        amount: 1750,
        tax: 0,
        restock: false,
      },
    ]);
    expect(refund.totals.total).toBe(1750);
    expect(refund.status).toBe('completed');
  });
});

describe('normaliseEbayPayout', () => {
  it('sums the transactions to the payout amount', () => {
    const normalised = normaliseEbayPayout({ payout, transactions }, context);
    const net = normalised.transactions.reduce((sum, item) => sum + item.net, 0);

    expect(normalised.amount).toBe(2433);
    expect(net).toBe(2433);
    expect(
      normalised.transactions.map((item) => [item.type, item.gross, item.fee, item.net]),
    ).toEqual([
      ['charge', 4500, 652, 3848],
      ['refund', -1750, 0, -1750],
      ['fee', 0, 215, -215],
      ['shipping_label', -550, 0, -550],
      ['adjustment', 1100, 0, 1100],
    ]);
    expect(normalised.transactions[0].channelOrderId).toBe('12-11234-56789');
    expect(normalised.status).toBe('paid');
  });

  it('rejects a transaction without a booking entry', () => {
    const altered = structuredClone(transactions);

    delete altered[1].bookingEntry;

    expect(
      payloadError(() => normaliseEbayPayout({ payout, transactions: altered }, context)).field,
    ).toBe('transactions.1.bookingEntry');
  });
});

describe('eBay fuzz', () => {
  it('never crashes or accepts an invalid order', () => {
    const summary = fuzzNormaliser({
      samples: [usOrder, euOrder],
      normalise: (payload) => normaliseEbayOrder(payload, context),
      check: (result) => {
        const parsed = orderSchema.safeParse(result);

        return parsed.success ? undefined : parsed.error.message;
      },
      rejection: ChannelPayloadError,
      iterations: 3000,
      seed: 4500,
    });

    expect(summary.crashes).toEqual([]);
    expect(summary.invalidAccepted).toEqual([]);
  });

  it('never crashes on a mangled payout', () => {
    const summary = fuzzNormaliser({
      samples: [{ payout, transactions }],
      normalise: (payload) => normaliseEbayPayout(payload, context),
      check: (result) => {
        const parsed = payoutSchema.safeParse(result);

        return parsed.success ? undefined : parsed.error.message;
      },
      rejection: ChannelPayloadError,
      iterations: 1500,
      seed: 2433,
    });

    expect(summary.crashes).toEqual([]);
    expect(summary.invalidAccepted).toEqual([]);
  });
});
