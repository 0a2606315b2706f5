import {
  buildLine,
  buildOrder,
  buildSampleShopifyOrder,
  buildShippingLine,
} from '@qbsync/testing/dist/orders';

import { AccountingError } from './accounting.errors';
import { type ItemPlanLine } from './posting-plan.types';
import { buildSummaryPlan } from './summary-plan';

const options = { day: '2008-01-10', baseDocNumber: 'S-20080110', customerName: 'Shopify' };

describe('buildSummaryPlan', () => {
  const sample = buildSampleShopifyOrder();
  const second = buildOrder({
    channelOrderId: '450789470',
    orderNumber: '#1002',
    lines: [
      buildLine({
        lineId: 'x',
        sku: 'IPOD2008GREEN',
        name: 'IPod Nano - 8gb',
        unitPrice: 19900,
        quantity: 2,
      }),
      buildLine({ lineId: 'y', sku: 'CASE', name: 'Case', unitPrice: 1500 }),
    ],
    shippingLines: [buildShippingLine({ price: 500 })],
    taxLines: [{ name: 'State Tax', rate: '0.06', amount: 2478 }],
    totals: { subtotal: 41300, discounts: 0, shipping: 500, tax: 2478, total: 44278 },
  });
  const plan = buildSummaryPlan([sample, second], options);
  const items = plan.lines.filter((line) => line.kind === 'item') as ItemPlanLine[];

  it('sums quantities by SKU', () => {
    const green = items.find((line) => line.sku === 'IPOD2008GREEN');

    expect(green?.quantity).toBe(3);
    expect(green?.amount).toBe(59700);
  });

  it('keeps one line per SKU', () => {
    expect(items.map((line) => line.sku).sort()).toEqual([
      'CASE',
      'IPOD2008BLACK',
      'IPOD2008GREEN',
      'IPOD2008RED',
    ]);
  });

  it('posts shipping as one line', () => {
    expect(plan.lines.filter((line) => line.kind === 'shipping')).toEqual([
      expect.objectContaining({ amount: 500, itemName: 'Shipping' }),
    ]);
  });

  it('sums tax as one amount', () => {
    expect(plan.taxTotal).toBe(1194 + 2478);
    expect(plan.taxLines).toEqual([{ name: 'Sales Tax', rate: '0', amount: 3672 }]);
  });

  it('reproduces the sum of the channel totals', () => {
    expect(plan.channelTotal).toBe(59894 + 44278);
    expect(plan.total).toBe(plan.channelTotal);
  });

  it('lists the orders in the memo', () => {
    expect(plan.privateNote).toBe(
      'shopify summary 2008-01-10: #1001 (450789469), #1002 (450789470)',
    );
  });

  it('numbers late summaries with a suffix', () => {
    expect(plan.docNumber).toBe('S-20080110');
    expect(buildSummaryPlan([second], { ...options, sequence: 1 }).docNumber).toBe('S-20080110-1');
  });

  it('posts to the summary customer on the day', () => {
    expect(plan.customer).toEqual({ displayName: 'Shopify' });
    expect(plan.txnDate).toBe('2008-01-10');
  });

  it('rejects mixed currencies', () => {
    expect(() =>
      buildSummaryPlan(
        [sample, buildOrder({ currency: 'EUR', presentmentCurrency: 'EUR' })],
        options,
      ),
    ).toThrow(AccountingError);
  });

  it('rejects no orders', () => {
    expect(() => buildSummaryPlan([], options)).toThrow('at least one order');
  });
});
