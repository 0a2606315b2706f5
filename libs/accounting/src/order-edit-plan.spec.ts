import { buildLine, buildOrder, buildShippingLine } from '@qbsync/testing/dist/orders';

import { AccountingError } from './accounting.errors';
import { buildOrderEditPlan } from './order-edit-plan';
import { type ItemPlanLine } from './posting-plan.types';

const options = {
  editDay: '2025-07-05',
  docNumber: 'S-20250702-E1',
  customerName: 'Web Store',
  taxItemName: 'Sales Tax',
  discountItemName: 'Discount',
  giftCardItemName: 'Gift Card Liability',
};

const summarized = buildOrder({
  channelOrderId: '7001',
  orderNumber: '#7001',
  lines: [
    buildLine({ lineId: 'a', sku: 'MUG', unitPrice: 1200, quantity: 2 }),
    buildLine({ lineId: 'b', sku: 'CAP', unitPrice: 1500 }),
  ],
  shippingLines: [buildShippingLine({ price: 500 })],
  taxLines: [{ name: 'State Tax', rate: '0.05', amount: 195 }],
  totals: { subtotal: 3900, discounts: 0, shipping: 500, tax: 195, total: 4595 },
});

describe('buildOrderEditPlan', () => {
  it('returns nothing when no amount changed', () => {
    const edited = { ...summarized, updatedAt: '2025-07-05T10:00:00Z', tags: ['gift'] };

    expect(buildOrderEditPlan(summarized, edited, options)).toBeUndefined();
  });

  describe('an added item', () => {
    const edited = buildOrder({
      ...summarized,
      updatedAt: '2025-07-05T10:00:00Z',
      lines: [
        buildLine({ lineId: 'a', sku: 'MUG', unitPrice: 1200, quantity: 3 }),
        buildLine({ lineId: 'b', sku: 'CAP', unitPrice: 1500 }),
      ],
      taxLines: [{ name: 'State Tax', rate: '0.05', amount: 255 }],
      totals: { subtotal: 5100, discounts: 0, shipping: 500, tax: 255, total: 5855 },
    });
    const plan = buildOrderEditPlan(summarized, edited, options);

    it('posts a correcting sales receipt', () => {
      expect(plan?.documentKind).toBe('sales_receipt');
      expect(plan?.total).toBe(1260);
      expect(plan?.difference).toBe(1260);
    });

    it('posts the quantity difference', () => {
      const items = plan?.lines.filter((line) => line.kind === 'item') as ItemPlanLine[];

      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ sku: 'MUG', quantity: 1, unitPrice: 1200, amount: 1200 });
    });

    it('posts the tax change on the tax item', () => {
      expect(plan?.lines).toContainEqual({
        kind: 'adjustment',
        itemName: 'Sales Tax',
        description: 'Sales tax change',
        amount: 60,
      });
    });

    it('dates the correction on the edit', () => {
      expect(plan?.txnDate).toBe('2025-07-05');
      expect(plan?.docNumber).toBe('S-20250702-E1');
      expect(plan?.privateNote).toContain('correction of 12.60 USD');
    });
  });

  describe('a removed item', () => {
    const edited = buildOrder({
      ...summarized,
      updatedAt: '2025-07-05T10:00:00Z',
      lines: [buildLine({ lineId: 'a', sku: 'MUG', unitPrice: 1200, quantity: 2 })],
      shippingLines: [buildShippingLine({ price: 0 })],
      taxLines: [{ name: 'State Tax', rate: '0.05', amount: 120 }],
      totals: { subtotal: 2400, discounts: 0, shipping: 0, tax: 120, total: 2520 },
    });
    const plan = buildOrderEditPlan(summarized, edited, options);

    it('posts a refund receipt of the difference', () => {
      expect(plan?.documentKind).toBe('refund_receipt');
      expect(plan?.total).toBe(2075);
      expect(plan?.difference).toBe(-2075);
    });

    it('gives back the item, shipping and tax', () => {
      expect(plan?.lines.find((line) => line.kind === 'item')).toMatchObject({
        sku: 'CAP',
        quantity: 1,
        amount: 1500,
      });
      expect(plan?.lines.find((line) => line.kind === 'shipping')?.amount).toBe(500);
      expect(plan?.lines.find((line) => line.kind === 'adjustment')?.amount).toBe(75);
    });

    it('sums its lines to the total', () => {
      expect(plan?.lines.reduce((sum, line) => sum + line.amount, 0)).toBe(2075);
    });
  });

  it('rejects two different orders', () => {
    const other = buildOrder({ ...summarized, channelOrderId: '7002' });

    expect(() => buildOrderEditPlan(summarized, other, options)).toThrow(AccountingError);
  });
});
