import {
  buildLine,
  buildOrder,
  buildSampleShopifyOrder,
  buildShippingLine,
} from '@qbsync/testing/dist/orders';
import { AccountingError, AccountingErrorCode } from './accounting.errors';
import { checkOrderTotals, sumOrderParts } from './order-totals';

describe('sumOrderParts', () => {
  it('sums the sample order', () => {
    expect(sumOrderParts(buildSampleShopifyOrder())).toEqual({
      itemTotal: 59700,
      shippingTotal: 0,
      lineDiscountTotal: 1000,
      shippingDiscountTotal: 0,
      orderDiscountTotal: 0,
      discountTotal: 1000,
      lineTaxTotal: 1194,
      taxSummaryTotal: 1194,
      tipTotal: 0,
    });
  });

  it('rejects sums beyond the safe range', () => {
    const order = buildOrder({
      lines: [buildLine({ quantity: 1000, unitPrice: Number.MAX_SAFE_INTEGER - 1 })],
    });

    try {
      sumOrderParts(order);
      throw new Error('Expected sumOrderParts to throw');
    } catch (error) {
      expect(error).toBeInstanceOf(AccountingError);
      expect((error as AccountingError).code).toBe(AccountingErrorCode.AmountOutOfRange);
    }
  });
});

describe('checkOrderTotals', () => {
  it('finds nothing in a consistent order', () => {
    expect(checkOrderTotals(buildSampleShopifyOrder())).toEqual([]);
  });

  it('reports a subtotal that differs from the lines', () => {
    const order = buildOrder({
      totals: { subtotal: 1200, discounts: 0, shipping: 0, tax: 0, total: 1200 },
    });

    expect(checkOrderTotals(order)).toEqual([
      {
        field: 'subtotal',
        reported: 1200,
        computed: 1000,
        message:
          'totals.subtotal is 12.00 USD but the sum of quantity × unit price over the lines is 10.00 USD',
      },
    ]);
  });

  it('reports discounts, shipping and total', () => {
    const order = buildOrder({
      shippingLines: [buildShippingLine({ price: 500, discounts: [{ amount: 200 }] })],
      totals: { subtotal: 1000, discounts: 0, shipping: 400, tax: 0, total: 1300 },
    });
    const fields = checkOrderTotals(order).map((entry) => entry.field);

    expect(fields).toEqual(['discounts', 'shipping', 'total']);
  });

  it('reports tax against lines and summary separately', () => {
    const order = buildOrder({
      lines: [buildLine({ taxes: [{ name: 'Tax', rate: '0.05', amount: 50 }] })],
      taxLines: [{ name: 'Tax', rate: '0.05', amount: 49 }],
      totals: { subtotal: 1000, discounts: 0, shipping: 0, tax: 50, total: 1050 },
    });
    const inconsistencies = checkOrderTotals(order);

    expect(inconsistencies).toHaveLength(1);
    expect(inconsistencies[0].message).toBe(
      'totals.tax is 0.50 USD but the sum of the order tax lines is 0.49 USD',
    );
  });

  it('leaves tax out of an inclusive total', () => {
    const order = buildOrder({
      taxesIncluded: true,
      lines: [buildLine({ unitPrice: 1200, taxes: [{ name: 'VAT', rate: '0.2', amount: 200 }] })],
      totals: { subtotal: 1200, discounts: 0, shipping: 0, tax: 200, total: 1200 },
    });

    expect(checkOrderTotals(order)).toEqual([]);
  });

  it('reports an exclusive total that omits tax', () => {
    const order = buildOrder({
      lines: [buildLine({ taxes: [{ name: 'Tax', rate: '0.05', amount: 50 }] })],
      totals: { subtotal: 1000, discounts: 0, shipping: 0, tax: 50, total: 1000 },
    });

    expect(checkOrderTotals(order)).toMatchObject([
      { field: 'total', reported: 1000, computed: 1050 },
    ]);
  });
});
