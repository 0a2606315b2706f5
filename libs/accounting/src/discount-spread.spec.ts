import {
  buildLine,
  buildOrder,
  buildSampleShopifyOrder,
  buildShippingLine,
} from '@qbsync/testing/dist/orders';

import { buildSalesReceiptPlan } from './posting-plan';
import { type ItemPlanLine } from './posting-plan.types';

describe('buildSalesReceiptPlan with spread discounts', () => {
  describe('Shopify sample order 450789469', () => {
    const plan = buildSalesReceiptPlan(buildSampleShopifyOrder(), { discountPosting: 'spread' });
    const items = plan.lines as ItemPlanLine[];

    it('lowers each line by its allocation', () => {
      expect(items.map((line) => line.amount)).toEqual([19566, 19567, 19567]);
    });

    it('posts no discount line', () => {
      expect(plan.discountTotal).toBe(0);
      expect(plan.discountByTaxability).toEqual({ taxable: 0, nonTaxable: 0 });
    });

    it('still reproduces the channel total', () => {
      expect(plan.total).toBe(59894);
      expect(plan.adjustment).toBeUndefined();
    });
  });

  it('splits a net that does not divide by the quantity', () => {
    const order = buildOrder({
      lines: [buildLine({ quantity: 3, unitPrice: 1000 })],
      orderDiscounts: [{ code: 'TEN', amount: 1000 }],
      totals: { subtotal: 3000, discounts: 1000, shipping: 0, tax: 0, total: 2000 },
    });
    const items = buildSalesReceiptPlan(order, { discountPosting: 'spread' })
      .lines as ItemPlanLine[];

    expect(items.map((line) => [line.quantity, line.unitPrice])).toEqual([
      [1, 666],
      [2, 667],
    ]);
  });

  it('allocates the order discount by net amount', () => {
    const order = buildOrder({
      lines: [
        buildLine({ lineId: 'a', unitPrice: 3000 }),
        buildLine({ lineId: 'b', unitPrice: 1000 }),
      ],
      orderDiscounts: [{ amount: 400 }],
      totals: { subtotal: 4000, discounts: 400, shipping: 0, tax: 0, total: 3600 },
    });
    const items = buildSalesReceiptPlan(order, { discountPosting: 'spread' })
      .lines as ItemPlanLine[];

    expect(items.map((line) => line.amount)).toEqual([2700, 900]);
  });

  it('keeps shipping discounts as a discount', () => {
    const order = buildOrder({
      shippingLines: [buildShippingLine({ price: 500, discounts: [{ amount: 500 }] })],
      totals: { subtotal: 1000, discounts: 500, shipping: 500, tax: 0, total: 1000 },
    });
    const plan = buildSalesReceiptPlan(order, { discountPosting: 'spread' });

    expect(plan.discountTotal).toBe(500);
    expect(plan.discountByTaxability).toEqual({ taxable: 0, nonTaxable: 500 });
  });

  it('falls back to a discount line when a discount exceeds its line', () => {
    const order = buildOrder({
      lines: [buildLine({ unitPrice: 1000, discounts: [{ amount: 1500 }] })],
      shippingLines: [buildShippingLine({ price: 1000 })],
      totals: { subtotal: 1000, discounts: 1500, shipping: 1000, tax: 0, total: 500 },
    });
    const plan = buildSalesReceiptPlan(order, { discountPosting: 'spread' });

    expect(plan.discountTotal).toBe(1500);
    expect(plan.lines[0]!.amount).toBe(1000);
  });
});
