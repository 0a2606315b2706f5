import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

import { checkOrderTotals } from '@qbsync/accounting';
import { type Refund } from '@qbsync/contracts';

import { normaliseShopifyOrder } from '../../src/shopify/shopify-order.normaliser';
import { normaliseShopifyPayout } from '../../src/shopify/shopify-payout.normaliser';
import { normaliseShopifyRefund } from '../../src/shopify/shopify-refund.normaliser';
import { ShopifyPayloadError } from '../../src/shopify/shopify.errors';

const SHOPIFY_DIR = path.resolve(__dirname, '../../../../fixtures/shopify');

interface Fixture {
  request: { method: string; url: string };
  response: Record<string, unknown>;
}

function readFixtures(prefix: string): { file: string; fixture: Fixture }[] {
  return readdirSync(SHOPIFY_DIR)
    .filter((file) => file.startsWith(prefix))
    .sort()
    .map((file) => ({
      file,
      fixture: JSON.parse(readFileSync(path.join(SHOPIFY_DIR, file), 'utf8')) as Fixture,
    }));
}

const context = {
  accountId: 'account-1',
  connectionId: 'connection-1',
  receivedAt: '2026-07-01T12:00:00Z',
  sourceKind: 'poll' as const,
};

/** Every complete order in the fixtures (responses to `fields=` requests hold partial orders). */
const sampleOrders = readFixtures('order-')
  .filter(({ fixture }) => !fixture.request.url.includes('fields='))
  .flatMap(({ file, fixture }) => {
    const orders = (fixture.response.orders as Record<string, unknown>[] | undefined) ?? [];
    const single = fixture.response.order as Record<string, unknown> | undefined;

    return [...orders, ...(single ? [single] : [])]
      .filter((order) => Array.isArray(order.line_items) && order.line_items.length > 0)
      .map((order) => ({ name: `${file} order ${String(order.id)}`, order }));
  });

/** Refunds Shopify recorded (not the refunds/calculate suggestions, which have no id). */
const sampleRefunds = readFixtures('refund-')
  .filter(({ fixture }) => !fixture.request.url.includes('calculate'))
  .flatMap(({ file, fixture }) => {
    const refunds = (fixture.response.refunds as Record<string, unknown>[] | undefined) ?? [];
    const single = fixture.response.refund as Record<string, unknown> | undefined;

    return [...refunds, ...(single ? [single] : [])].map((refund) => ({
      name: `${file} refund ${String(refund.id)}`,
      refund,
    }));
  });

describe('Shopify sample orders', () => {
  it('finds the samples', () => {
    expect(sampleOrders.length).toBeGreaterThan(20);
  });

  it.each(sampleOrders)('$name balances to its totals', ({ order }) => {
    const normalised = normaliseShopifyOrder(order, context);

    expect(checkOrderTotals(normalised)).toEqual([]);
  });

  it.each(sampleOrders)("$name keeps Shopify's total", ({ order }) => {
    const normalised = normaliseShopifyOrder(order, context);

    expect(normalised.totals.total).toBe(Math.round(Number(order.total_price) * 100));
  });
});

describe('Shopify sample refunds', () => {
  it('finds the samples', () => {
    expect(sampleRefunds.length).toBeGreaterThan(1);
  });

  it.each(sampleRefunds)('$name balances', ({ refund }) => {
    const { totals } = normaliseShopifyRefund(refund, { ...context, currency: 'USD' });

    expect(totals.subtotal + totals.shipping + totals.tax + totals.adjustments).toBe(totals.total);
  });

  it.each(sampleRefunds)('$name totals the successful refund transactions', ({ refund }) => {
    const normalised: Refund = normaliseShopifyRefund(refund, { ...context, currency: 'USD' });
    const transactions =
      (refund.transactions as { kind: string; status: string; amount: string }[]) ?? [];
    const refunded = transactions
      .filter((transaction) => transaction.kind === 'refund' && transaction.status === 'success')
      .reduce((sum, transaction) => sum + Math.round(Number(transaction.amount) * 100), 0);

    expect(normalised.totals.total).toBe(refunded);
  });

  it('names a negative refunded quantity', () => {
    const refund = structuredClone(sampleRefunds[0].refund) as {
      refund_line_items: { quantity: number }[];
    };

    refund.refund_line_items[0].quantity = -1;

    expect(() => normaliseShopifyRefund(refund, { ...context, currency: 'USD' })).toThrow(
      /refund_line_items\[0\]\.quantity/,
    );
  });

  it('names an unknown currency', () => {
    expect(() =>
      normaliseShopifyRefund(sampleRefunds[0].refund, { ...context, currency: 'XXY' }),
    ).toThrow(ShopifyPayloadError);
  });
});

describe('Shopify payout', () => {
  const payout = readFixtures('payout-2026_07-03')[0].fixture.response.payout;
  const transactions = [
    {
      id: 1,
      type: 'charge',
      currency: 'USD',
      amount: '44.52',
      fee: '1.32',
      net: '43.20',
      source_order_id: 450789469,
    },
    { id: 2, type: 'refund', currency: 'USD', amount: '-3.54', fee: '-0.23', net: '-3.31' },
    { id: 3, type: 'adjustment', currency: 'USD', amount: '2.13', fee: '0.12', net: '2.01' },
    { id: 4, type: 'payout', currency: 'USD', amount: '-41.90', fee: '0.00', net: '-41.90' },
  ];

  it('nets its balance transactions to the amount', () => {
    const normalised = normaliseShopifyPayout(payout, transactions, context);

    expect(normalised.amount).toBe(4190);
    expect(normalised.transactions.reduce((sum, transaction) => sum + transaction.net, 0)).toBe(
      4190,
    );
  });

  it('leaves out the transfer itself', () => {
    const normalised = normaliseShopifyPayout(payout, transactions, context);

    expect(normalised.transactions.map((transaction) => transaction.type)).toEqual([
      'charge',
      'refund',
      'adjustment',
    ]);
  });

  it('names a net that is not amount less fee', () => {
    const broken = [{ ...transactions[0], net: '43.00' }];

    expect(() => normaliseShopifyPayout(payout, broken, context)).toThrow(
      /transactions\[0\]: net 43.00/,
    );
  });
});
