import { type Decimal, parseDecimal } from './decimal';
import { computeSalesReceiptTotals, type TotalsInput } from './sales-receipt.totals';

const sixPercent = parseDecimal(6) as Decimal;

function shopifySampleOrder(overrides: Partial<TotalsInput> = {}): TotalsInput {
  return {
    itemLines: [
      { amountCents: 19900, taxable: true },
      { amountCents: 19900, taxable: true },
      { amountCents: 19900, taxable: true },
    ],
    discounts: [{ amountCents: 1000 }],
    taxMode: 'TaxExcluded',
    taxRatePercent: sixPercent,
    applyTaxAfterDiscount: false,
    ...overrides,
  };
}

describe('computeSalesReceiptTotals', () => {
  it('uses the TotalTax override for Shopify order 450789469', () => {
    const totals = computeSalesReceiptTotals(shopifySampleOrder({ totalTaxOverrideCents: 1194 }));

    expect(totals.subtotalCents).toBe(59700);
    expect(totals.discountCents).toEqual([1000]);
    expect(totals.taxCents).toBe(1194);
    expect(totals.totalCents).toBe(59894);
  });

  it('computes tax before the discount by default', () => {
    const totals = computeSalesReceiptTotals(shopifySampleOrder());

    expect(totals.taxCents).toBe(3582);
    expect(totals.totalCents).toBe(59700 - 1000 + 3582);
  });

  it('computes tax after the discount when asked', () => {
    const totals = computeSalesReceiptTotals(shopifySampleOrder({ applyTaxAfterDiscount: true }));

    expect(totals.netTaxableCents).toBe(58700);
    expect(totals.taxCents).toBe(3522);
  });

  it('taxes only taxable lines', () => {
    const totals = computeSalesReceiptTotals(
      shopifySampleOrder({
        itemLines: [
          { amountCents: 10000, taxable: true },
          { amountCents: 5000, taxable: false },
        ],
        discounts: [],
      }),
    );

    expect(totals.taxCents).toBe(600);
    expect(totals.totalCents).toBe(15600);
  });

  it('computes a percent discount from the subtotal', () => {
    const totals = computeSalesReceiptTotals(
      shopifySampleOrder({
        discounts: [{ percent: parseDecimal(10) as Decimal }],
        taxRatePercent: undefined,
      }),
    );

    expect(totals.discountCents).toEqual([5970]);
    expect(totals.totalCents).toBe(53730);
  });

  it('keeps tax inside the total when inclusive', () => {
    const totals = computeSalesReceiptTotals({
      itemLines: [{ amountCents: 10600, taxable: true }],
      discounts: [],
      taxMode: 'TaxInclusive',
      taxRatePercent: sixPercent,
      applyTaxAfterDiscount: false,
    });

    expect(totals.taxCents).toBe(600);
    expect(totals.netTaxableCents).toBe(10000);
    expect(totals.totalCents).toBe(10600);
  });

  it('ignores tax when not applicable', () => {
    const totals = computeSalesReceiptTotals(
      shopifySampleOrder({ taxMode: 'NotApplicable', totalTaxOverrideCents: 1194 }),
    );

    expect(totals.taxCents).toBe(0);
    expect(totals.totalCents).toBe(58700);
  });
});
