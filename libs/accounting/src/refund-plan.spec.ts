import {
  buildLine,
  buildOrder,
  buildRefund,
  buildRefundLine,
  buildSampleShopifyOrder,
  buildSampleShopifyRefund,
} from '@qbsync/testing/dist/orders';

import {
  AccountingError,
  AccountingErrorCode,
  OrderDoesNotBalanceError,
} from './accounting.errors';
import { formatSequencedDocNumber } from './document-fields';
import { buildRefundPlan, SHOPIFY_NO_RESTOCK_ITEM_NAME } from './refund-plan';
import { type RefundItemPlanLine } from './refund-plan.types';

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }

  throw new Error('Expected the action to throw');
}

describe('buildRefundPlan', () => {
  describe('Shopify sample refund 509562969', () => {
    const plan = buildRefundPlan(buildSampleShopifyRefund(), buildSampleShopifyOrder());

    it('credits only the refunded line', () => {
      expect(plan.lines[0]).toMatchObject({
        kind: 'item',
        sku: 'IPOD2008BLACK',
        description: 'IPod Nano - 8gb - black',
        quantity: 1,
        unitPrice: 19566,
        amount: 19566,
        taxable: true,
        restock: true,
        lineId: '703073504',
      });
    });

    it('posts the refund discrepancy as an adjustment line', () => {
      expect(plan.lines[1]).toEqual({
        kind: 'adjustment',
        itemName: 'Refund Adjustment',
        description: 'Refund discrepancy',
        amount: 936,
      });
      expect(plan.lines).toHaveLength(2);
    });

    it('reproduces the channel refund total', () => {
      expect(plan.subtotal).toBe(20502);
      expect(plan.taxTotal).toBe(398);
      expect(plan.total).toBe(20900);
      expect(plan.channelTotal).toBe(20900);
      expect(plan.adjustment).toBeUndefined();
    });

    it('numbers the first refund like the sale', () => {
      expect(plan.docNumber).toBe('1001');
      expect(plan.requestedDocNumber).toBe('1001');
    });

    it('takes the customer from the order', () => {
      expect(plan.customer?.displayName).toBe('Bob Norman');
      expect(plan.customer?.email).toBe('bob.norman@mail.example.com');
    });

    it('fills the document fields', () => {
      expect(plan.documentKind).toBe('refund_receipt');
      expect(plan.txnDate).toBe('2025-07-02');
      expect(plan.privateNote).toBe('shopify refund 509562969 of order 450789469 (#1001)');
      expect(plan.taxLines).toEqual([{ name: 'State Tax', rate: '0.06', amount: 398 }]);
      expect(plan.taxTreatment).toBe('exclusive');
    });
  });

  describe('numbering', () => {
    it('numbers later refunds with a suffix', () => {
      const refund = buildRefund();

      expect(buildRefundPlan(refund, undefined, { sequence: 1 }).docNumber).toBe('1000-1');
      expect(buildRefundPlan(refund, undefined, { sequence: 2 }).docNumber).toBe('1000-2');
    });

    it('applies the prefix', () => {
      const plan = buildRefundPlan(buildRefund(), undefined, {
        docNumberPrefix: 'SS-',
        sequence: 1,
      });

      expect(plan.docNumber).toBe('SS-1000-1');
    });

    it('leaves a too long number to QuickBooks', () => {
      const refund = buildRefund({ orderNumber: '#12345678901234567890' });
      const plan = buildRefundPlan(refund, undefined, { sequence: 1 });

      expect(plan.docNumber).toBeUndefined();
      expect(plan.requestedDocNumber).toBe('12345678901234567890-1');
    });

    it('respects the Desktop length', () => {
      const plan = buildRefundPlan(buildRefund({ orderNumber: '#1234567890' }), undefined, {
        sequence: 1,
        docNumberMaxLength: 11,
      });

      expect(plan.docNumber).toBeUndefined();
    });
  });

  describe('partial and restock', () => {
    const order = buildOrder({
      lines: [
        buildLine({ lineId: 'a', sku: 'MUG', name: 'Mug', quantity: 3, unitPrice: 1000 }),
        buildLine({ lineId: 'b', sku: 'CAP', name: 'Cap', quantity: 1, unitPrice: 2000 }),
      ],
      totals: { subtotal: 5000, discounts: 0, shipping: 0, tax: 0, total: 5000 },
    });

    it('splits an amount that does not divide by its quantity', () => {
      const refund = buildRefund({
        lines: [buildRefundLine({ lineId: 'a', sku: 'MUG', quantity: 3, amount: 2000 })],
        transactions: [],
        totals: { subtotal: 2000, shipping: 0, tax: 0, adjustments: 0, total: 2000 },
      });
      const lines = buildRefundPlan(refund, order).lines as RefundItemPlanLine[];

      expect(lines.map((line) => [line.quantity, line.unitPrice, line.amount])).toEqual([
        [1, 666, 666],
        [2, 667, 1334],
      ]);
      expect(lines.every((line) => line.sku === 'MUG')).toBe(true);
    });

    it('maps a Shopify line without restock to the no-restock item', () => {
      const refund = buildRefund({
        lines: [buildRefundLine({ lineId: 'b', sku: 'CAP', amount: 2000, restock: false })],
        totals: { subtotal: 2000, shipping: 0, tax: 0, adjustments: 0, total: 2000 },
      });
      const [line] = buildRefundPlan(refund, order).lines as RefundItemPlanLine[];

      expect(line.noRestockItemName).toBe(SHOPIFY_NO_RESTOCK_ITEM_NAME);
      expect(line.restock).toBe(false);
      expect(line.sku).toBe('CAP');
    });

    it('keeps the original item when no-restock mapping is off', () => {
      const refund = buildRefund({
        lines: [buildRefundLine({ lineId: 'b', sku: 'CAP', amount: 2000, restock: false })],
        totals: { subtotal: 2000, shipping: 0, tax: 0, adjustments: 0, total: 2000 },
      });
      const [line] = buildRefundPlan(refund, order, { noRestockItemName: null })
        .lines as RefundItemPlanLine[];

      expect(line.noRestockItemName).toBeUndefined();
    });

    it('posts refunded shipping with its tax flag', () => {
      const refund = buildRefund({
        shipping: { amount: 500, tax: 30 },
        totals: { subtotal: 1000, shipping: 500, tax: 30, adjustments: 0, total: 1530 },
      });
      const plan = buildRefundPlan(refund, undefined, { shippingItemName: 'Freight' });

      expect(plan.lines[1]).toEqual({
        kind: 'shipping',
        itemName: 'Freight',
        description: 'Refunded shipping',
        amount: 500,
        taxable: true,
      });
      expect(plan.total).toBe(1530);
    });

    it('adds the tax to line amounts when prices include it', () => {
      const inclusive = buildOrder({ taxesIncluded: true });
      const refund = buildRefund({
        lines: [buildRefundLine({ amount: 833, tax: 167 })],
        totals: { subtotal: 833, shipping: 0, tax: 167, adjustments: 0, total: 1000 },
      });
      const plan = buildRefundPlan(refund, inclusive);

      expect(plan.lines[0].amount).toBe(1000);
      expect(plan.taxTreatment).toBe('inclusive');
      expect(plan.total).toBe(1000);
    });
  });

  describe('balance', () => {
    it('posts a small gap as a rounding line', () => {
      const refund = buildRefund({
        totals: { subtotal: 1000, shipping: 0, tax: 0, adjustments: 0, total: 1002 },
      });
      const plan = buildRefundPlan(refund);

      expect(plan.adjustment?.amount).toBe(2);
      expect(plan.lines.at(-1)).toMatchObject({ kind: 'adjustment', amount: 2 });
      expect(plan.total).toBe(1002);
    });

    it('rejects a gap above the tolerance', () => {
      const refund = buildRefund({
        totals: { subtotal: 1000, shipping: 0, tax: 0, adjustments: 0, total: 1100 },
      });
      const error = catchError(() => buildRefundPlan(refund));

      expect(error).toBeInstanceOf(OrderDoesNotBalanceError);
      expect((error as OrderDoesNotBalanceError).difference).toBe(100);
      expect((error as Error).message).toContain('Refund shopify 9000 of order 1000');
    });
  });

  describe('input checks', () => {
    it('rejects the wrong original order', () => {
      const error = catchError(() =>
        buildRefundPlan(buildRefund(), buildOrder({ channelOrderId: '2000' })),
      );

      expect(error).toBeInstanceOf(AccountingError);
      expect((error as AccountingError).code).toBe(AccountingErrorCode.InvalidOption);
    });

    it('rejects a currency other than the order', () => {
      const error = catchError(() =>
        buildRefundPlan(buildRefund({ currency: 'EUR' }), buildOrder()),
      );

      expect((error as Error).message).toContain('is in EUR but its order is in USD');
    });

    it('rejects a negative sequence', () => {
      const error = catchError(() => buildRefundPlan(buildRefund(), undefined, { sequence: -1 }));

      expect((error as AccountingError).code).toBe(AccountingErrorCode.InvalidOption);
    });
  });
});

describe('formatSequencedDocNumber', () => {
  it('strips the hash', () => {
    expect(formatSequencedDocNumber('#100', '9', '', 0, 21)).toEqual({
      docNumber: '100',
      requested: '100',
    });
  });

  it('falls back to the order id', () => {
    expect(formatSequencedDocNumber('#', '9', '', 2, 21).docNumber).toBe('9-2');
  });
});
