import { buildSalesReceiptPlan } from '@qbsync/accounting';
import { qboPostingSettingsSchema } from '@qbsync/contracts';
import { buildLine, buildOrder, buildShippingLine } from '@qbsync/testing/dist/orders';

import { PostingError, PostingErrorCode } from './posting.errors';
import { chooseVatCodeNames } from './vat-codes';

const order = buildOrder({
  currency: 'GBP',
  presentmentCurrency: 'GBP',
  lines: [
    buildLine({ lineId: 'a', unitPrice: 1000, taxes: [{ name: 'VAT', rate: '0.2', amount: 200 }] }),
    buildLine({ lineId: 'b', sku: 'BOOK', unitPrice: 500, taxable: false }),
  ],
  shippingLines: [buildShippingLine({ price: 300 })],
  taxLines: [{ name: 'VAT', rate: '0.2', amount: 200 }],
  totals: { subtotal: 1500, discounts: 0, shipping: 300, tax: 200, total: 2000 },
});
const plan = buildSalesReceiptPlan(order);

describe('chooseVatCodeNames', () => {
  const settings = qboPostingSettingsSchema.parse({ tax: { zeroRatedCode: '0.0% Z' } });

  it('codes taxed lines by jurisdiction and the rest as zero-rated', () => {
    expect(chooseVatCodeNames(plan.lines, undefined, settings, '20.0% S', 'GBP')).toEqual([
      '20.0% S',
      '0.0% Z',
      '0.0% Z',
    ]);
  });

  it('lets a rule code a line and the shipping', () => {
    const overrides = {
      lines: [{ lineId: 'b', taxCode: '5.0% R' }],
      shippingTaxCode: '20.0% S',
    };

    expect(chooseVatCodeNames(plan.lines, overrides, settings, '20.0% S', 'GBP')).toEqual([
      '20.0% S',
      '5.0% R',
      '20.0% S',
    ]);
  });

  it('fails a taxed line without a jurisdiction row before sending', () => {
    const run = () =>
      chooseVatCodeNames(
        plan.lines,
        undefined,
        qboPostingSettingsSchema.parse({}),
        undefined,
        'GBP',
      );

    expect(run).toThrow(PostingError);
    expect(run).toThrow('Line 1 ("Widget") has no VAT/GST tax code');
  });

  it('names the fix', () => {
    expect.assertions(2);

    try {
      chooseVatCodeNames(
        plan.lines,
        undefined,
        qboPostingSettingsSchema.parse({}),
        undefined,
        'GBP',
      );
    } catch (error) {
      expect((error as PostingError).code).toBe(PostingErrorCode.TaxCodeMissing);
      expect((error as PostingError).fix).toContain('tax jurisdiction table');
    }
  });
});
