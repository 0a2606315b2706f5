import { buildLine, buildOrder } from '@qbsync/testing/dist/orders';

import { checkOrderTotals } from './order-totals';
import { buildSalesReceiptPlan } from './posting-plan';
import { buildSummaryPlan } from './summary-plan';

const tipped = buildOrder({
  channelOrderId: '5001',
  orderNumber: '#5001',
  lines: [buildLine({ unitPrice: 2000, taxable: false })],
  tips: [{ title: 'Tip for the driver', amount: 300 }],
  fees: [
    { title: 'Shopify Payments fee', gateway: 'shopify_payments', amount: 97 },
    { title: 'Currency conversion', amount: 12 },
  ],
  totals: { subtotal: 2000, discounts: 0, shipping: 0, tax: 0, total: 2300 },
});

describe('tips', () => {
  const plan = buildSalesReceiptPlan(tipped, { tipItemName: 'Gratuity' });

  it('posts a tip line on the tip item', () => {
    expect(plan.lines).toContainEqual({
      kind: 'tip',
      itemName: 'Gratuity',
      description: 'Tip for the driver',
      amount: 300,
      taxable: false,
    });
  });

  it('balances without an adjustment line', () => {
    expect(plan.adjustment).toBeUndefined();
    expect(plan.total).toBe(2300);
    expect(plan.tipTotal).toBe(300);
  });

  it('defaults the tip item to Tips', () => {
    const line = buildSalesReceiptPlan(tipped).lines.find((entry) => entry.kind === 'tip');

    expect(line?.itemName).toBe('Tips');
  });

  it('counts tips in the order totals check', () => {
    expect(checkOrderTotals(tipped)).toEqual([]);
  });
});

describe('merchant fees', () => {
  it('post as one negative fee line', () => {
    const plan = buildSalesReceiptPlan(tipped, { merchantFeeItemName: 'Merchant Fees' });
    const fee = plan.lines.find((line) => line.kind === 'fee');

    expect(fee?.amount).toBe(-109);
    expect(fee?.itemName).toBe('Merchant Fees');
    expect(fee?.description).toBe('Merchant fees: Shopify Payments fee, Currency conversion');
  });

  it('lower the plan total by the fees', () => {
    const plan = buildSalesReceiptPlan(tipped, { merchantFeeItemName: 'Merchant Fees' });

    expect(plan.feeTotal).toBe(109);
    expect(plan.channelTotal).toBe(2300);
    expect(plan.total).toBe(2191);
  });

  it('are left to the payout without a fee item', () => {
    const plan = buildSalesReceiptPlan(tipped);

    expect(plan.lines.some((line) => line.kind === 'fee')).toBe(false);
    expect(plan.feeTotal).toBeUndefined();
    expect(plan.total).toBe(2300);
  });
});

describe('summary with tips and fees', () => {
  const second = buildOrder({
    channelOrderId: '5002',
    orderNumber: '#5002',
    lines: [buildLine({ unitPrice: 1000, taxable: false })],
    tips: [{ title: 'Tip', amount: 150 }],
    fees: [{ title: 'Fee', amount: 59 }],
    totals: { subtotal: 1000, discounts: 0, shipping: 0, tax: 0, total: 1150 },
  });
  const plan = buildSummaryPlan([tipped, second], {
    day: '2025-07-02',
    baseDocNumber: 'S-20250702',
    customerName: 'Web Store',
    merchantFeeItemName: 'Merchant Fees',
  });

  it('sums tips into one line', () => {
    expect(plan.lines.filter((line) => line.kind === 'tip')).toEqual([
      { kind: 'tip', itemName: 'Tips', description: 'Tips', amount: 450, taxable: false },
    ]);
  });

  it('sums fees into one line', () => {
    expect(plan.lines.filter((line) => line.kind === 'fee')).toEqual([
      {
        kind: 'fee',
        itemName: 'Merchant Fees',
        description: 'Merchant fees',
        amount: -168,
        taxable: false,
      },
    ]);
  });

  it('totals the channel totals less fees', () => {
    expect(plan.channelTotal).toBe(3450);
    expect(plan.feeTotal).toBe(168);
    expect(plan.total).toBe(3282);
  });
});
