import { buildSalesReceiptPlan, type PostingPlan } from '@qbsync/accounting';
import { type Order } from '@qbsync/contracts';

import {
  buildLine,
  buildOrder,
  buildPayment,
  buildShippingLine,
} from '@qbsync/testing/dist/orders';
import { buildSalesReceiptBody, type ResolvedReferences } from './sales-receipt.builder';

interface SalesReceiptLine {
  DetailType: string;
  Amount: number;
  Description?: string;
  SalesItemLineDetail?: {
    ItemRef: { value: string };
    Qty: number;
    UnitPrice: number;
    TaxCodeRef: { value: string };
  };
  DiscountLineDetail?: { PercentBased: boolean };
}

interface SalesReceiptBody {
  DocNumber: string;
  TxnDate: string;
  PrivateNote: string;
  CustomerRef: { value: string };
  CurrencyRef?: { value: string };
  GlobalTaxCalculation: string;
  Line: SalesReceiptLine[];
  TxnTaxDetail: { TotalTax: number };
}

const stateTax = (amount: number) => ({ name: 'State Tax', rate: '0.06', amount });

/**
 * Two 10.00 widgets with a 2.00 line discount and 6% tax on the discounted 18.00, a 5.50
 * non-taxable gift wrap and 5.00 of untaxed shipping: 25.50 + 5.00 − 2.00 + 1.08 = 29.58.
 */
function buildTaxedOrder(overrides: Partial<Order> = {}): Order {
  return buildOrder({
    orderNumber: '#1042',
    channelOrderId: '820982911946154508',
    lines: [
      buildLine({
        lineId: '1',
        sku: 'W-1',
        name: 'Widget',
        quantity: 2,
        unitPrice: 1000,
        discounts: [{ code: 'SAVE2', amount: 200 }],
        taxes: [stateTax(108)],
      }),
      buildLine({ lineId: '2', sku: 'GW-1', name: 'Gift Wrap', unitPrice: 550, taxable: false }),
    ],
    shippingLines: [buildShippingLine({ title: 'Standard Shipping', price: 500 })],
    taxLines: [stateTax(108)],
    totals: { subtotal: 2550, discounts: 200, shipping: 500, tax: 108, total: 2958 },
    ...overrides,
  });
}

function referencesFor(plan: PostingPlan, overrides: Partial<ResolvedReferences> = {}) {
  return {
    customerId: '58',
    lineItemIds: plan.lines.map((_, index) => String(11 + index)),
    ...overrides,
  };
}

function build(order: Order, overrides: Partial<ResolvedReferences> = {}): SalesReceiptBody {
  const plan = buildSalesReceiptPlan(order);

  return buildSalesReceiptBody(plan, referencesFor(plan, overrides)) as unknown as SalesReceiptBody;
}

function salesLines(body: SalesReceiptBody): SalesReceiptLine[] {
  return body.Line.filter((line) => line.DetailType === 'SalesItemLineDetail');
}

function discountLines(body: SalesReceiptBody): SalesReceiptLine[] {
  return body.Line.filter((line) => line.DetailType === 'DiscountLineDetail');
}

function toCents(amount: number): number {
  return Math.round(amount * 100);
}

/** TotalAmt as QuickBooks computes it for a tax-exclusive document: lines − discounts + tax. */
function exclusiveTotalCents(body: SalesReceiptBody): number {
  const lineCents = salesLines(body).reduce((sum, line) => sum + toCents(line.Amount), 0);
  const discountCents = discountLines(body).reduce((sum, line) => sum + toCents(line.Amount), 0);

  return lineCents - discountCents + toCents(body.TxnTaxDetail.TotalTax);
}

describe('buildSalesReceiptBody', () => {
  describe('header', () => {
    const order = buildTaxedOrder();
    const plan = buildSalesReceiptPlan(order);
    const body = build(order);

    it('copies the document number', () => {
      expect(body.DocNumber).toBe(plan.docNumber);
    });

    it('copies the transaction date', () => {
      expect(body.TxnDate).toBe('2025-07-02');
    });

    it('copies the private note', () => {
      expect(body.PrivateNote).toBe(plan.privateNote);
    });

    it('references the resolved customer', () => {
      expect(body.CustomerRef).toEqual({ value: '58' });
    });
  });

  describe('item lines', () => {
    const body = build(buildTaxedOrder());
    const [widget, giftWrap, shipping] = salesLines(body);

    it('posts one sales line per plan line', () => {
      expect(salesLines(body)).toHaveLength(3);
    });

    it('uses the resolved item ids in plan order', () => {
      expect(salesLines(body).map((line) => line.SalesItemLineDetail!.ItemRef.value)).toEqual([
        '11',
        '12',
        '13',
      ]);
    });

    it('converts minor units to decimal amounts', () => {
      expect(widget!.Amount).toBe(20);
    });

    it('posts quantity and unit price', () => {
      expect(widget!.SalesItemLineDetail).toMatchObject({ Qty: 2, UnitPrice: 10 });
    });

    it('keeps Amount equal to Qty times UnitPrice', () => {
      for (const line of salesLines(body)) {
        const detail = line.SalesItemLineDetail!;

        expect(toCents(line.Amount)).toBe(detail.Qty * toCents(detail.UnitPrice));
      }
    });

    it('marks a taxed line TAX', () => {
      expect(widget!.SalesItemLineDetail!.TaxCodeRef).toEqual({ value: 'TAX' });
    });

    it('marks an untaxed line NON', () => {
      expect(giftWrap!.SalesItemLineDetail!.TaxCodeRef).toEqual({ value: 'NON' });
    });

    it('posts shipping as one unit at its price', () => {
      expect(shipping!.SalesItemLineDetail).toMatchObject({ Qty: 1, UnitPrice: 5 });
    });

    it('describes shipping by its title', () => {
      expect(shipping!.Description).toBe('Standard Shipping');
    });

    it('cuts a description to 4000 characters', () => {
      const longName = buildOrder({ lines: [buildLine({ name: 'x'.repeat(5000) })] });

      expect(salesLines(build(longName))[0]!.Description).toHaveLength(4000);
    });
  });

  describe('adjustment line', () => {
    it('posts a positive difference as a non-taxable line', () => {
      const order = buildTaxedOrder({
        totals: { subtotal: 2550, discounts: 200, shipping: 500, tax: 108, total: 2959 },
      });
      const adjustment = salesLines(build(order))[3]!;

      expect(adjustment.Amount).toBe(0.01);
      expect(adjustment.SalesItemLineDetail).toMatchObject({
        Qty: 1,
        UnitPrice: 0.01,
        TaxCodeRef: { value: 'NON' },
      });
    });

    it('posts a negative difference as a negative line', () => {
      const order = buildTaxedOrder({
        totals: { subtotal: 2550, discounts: 200, shipping: 500, tax: 108, total: 2957 },
      });
      const adjustment = salesLines(build(order))[3]!;

      expect(adjustment.Amount).toBe(-0.01);
      expect(adjustment.SalesItemLineDetail!.UnitPrice).toBe(-0.01);
    });

    it('makes the document match the channel total', () => {
      const order = buildTaxedOrder({
        totals: { subtotal: 2550, discounts: 200, shipping: 500, tax: 108, total: 2957 },
      });

      expect(exclusiveTotalCents(build(order))).toBe(2957);
    });
  });

  describe('discount line', () => {
    it('posts the discount total as one amount', () => {
      const [discount] = discountLines(build(buildTaxedOrder()));

      expect(discount!.Amount).toBe(2);
    });

    it('is amount based, not a percentage', () => {
      const [discount] = discountLines(build(buildTaxedOrder()));

      expect(discount!.DiscountLineDetail).toEqual({ PercentBased: false });
    });

    it('sums line, order and shipping discounts', () => {
      const order = buildTaxedOrder({
        orderDiscounts: [{ code: 'WELCOME', amount: 100 }],
        shippingLines: [
          buildShippingLine({ price: 500, discounts: [{ title: 'Free shipping', amount: 500 }] }),
        ],
        totals: { subtotal: 2550, discounts: 800, shipping: 500, tax: 108, total: 2358 },
      });
      const [discount] = discountLines(build(order));

      expect(discount!.Amount).toBe(8);
    });

    it('follows the sales lines', () => {
      const body = build(buildTaxedOrder());

      expect(body.Line.at(-1)!.DetailType).toBe('DiscountLineDetail');
    });

    it('is omitted without discounts', () => {
      expect(discountLines(build(buildOrder()))).toHaveLength(0);
    });
  });

  describe('tax', () => {
    it('overrides TotalTax with the channel tax', () => {
      expect(build(buildTaxedOrder()).TxnTaxDetail).toEqual({ TotalTax: 1.08 });
    });

    it('sends zero TotalTax for an untaxed order', () => {
      expect(build(buildOrder()).TxnTaxDetail).toEqual({ TotalTax: 0 });
    });

    it('marks an exclusive order TaxExcluded', () => {
      expect(build(buildTaxedOrder()).GlobalTaxCalculation).toBe('TaxExcluded');
    });

    it('marks an inclusive order TaxInclusive', () => {
      const order = buildOrder({
        currency: 'GBP',
        presentmentCurrency: 'GBP',
        taxesIncluded: true,
        lines: [buildLine({ unitPrice: 1200, taxes: [{ name: 'VAT', rate: '0.2', amount: 200 }] })],
        taxLines: [{ name: 'VAT', rate: '0.2', amount: 200 }],
        totals: { subtotal: 1200, discounts: 0, shipping: 0, tax: 200, total: 1200 },
      });

      expect(build(order).GlobalTaxCalculation).toBe('TaxInclusive');
    });

    it('adds up to the channel total', () => {
      expect(exclusiveTotalCents(build(buildTaxedOrder()))).toBe(2958);
    });
  });

  describe('currency', () => {
    const euroOrder = buildOrder({ currency: 'EUR', presentmentCurrency: 'EUR' });

    it('omits CurrencyRef for the home currency', () => {
      expect(build(buildTaxedOrder())).not.toHaveProperty('CurrencyRef');
    });

    it('sets CurrencyRef for a foreign currency', () => {
      expect(build(euroOrder, { currency: 'EUR' }).CurrencyRef).toEqual({ value: 'EUR' });
    });

    it('omits CurrencyRef unless the references name one', () => {
      expect(build(euroOrder)).not.toHaveProperty('CurrencyRef');
    });

    it('posts a zero-decimal currency in whole units', () => {
      const yenOrder = buildOrder({
        currency: 'JPY',
        presentmentCurrency: 'JPY',
        lines: [buildLine({ unitPrice: 1500 })],
        totals: { subtotal: 1500, discounts: 0, shipping: 0, tax: 0, total: 1500 },
      });

      expect(salesLines(build(yenOrder, { currency: 'JPY' }))[0]!.Amount).toBe(1500);
    });
  });

  describe('gift card line', () => {
    const paidWithGiftCard = buildTaxedOrder({
      payments: [
        buildPayment({ gateway: 'gift_card', kind: 'gift_card', amount: 1000 }),
        buildPayment({ amount: 1958 }),
      ],
    });

    function giftCardLine(body: SalesReceiptBody): SalesReceiptLine | undefined {
      return body.Line.find((line) => line.SalesItemLineDetail?.ItemRef.value === 'gift-card');
    }

    it('posts the redemption as a negative line', () => {
      const line = giftCardLine(build(paidWithGiftCard, { giftCardItemId: 'gift-card' }));

      expect(line!.Amount).toBe(-10);
    });

    it('posts one unit at the negative amount', () => {
      const line = giftCardLine(build(paidWithGiftCard, { giftCardItemId: 'gift-card' }));

      expect(line!.SalesItemLineDetail).toMatchObject({ Qty: 1, UnitPrice: -10 });
    });

    it('marks the redemption NON', () => {
      const line = giftCardLine(build(paidWithGiftCard, { giftCardItemId: 'gift-card' }));

      expect(line!.SalesItemLineDetail!.TaxCodeRef).toEqual({ value: 'NON' });
    });

    it('deposits the total less the redemption', () => {
      const body = build(paidWithGiftCard, { giftCardItemId: 'gift-card' });

      expect(exclusiveTotalCents(body)).toBe(1958);
    });

    it('is omitted without a gift card item', () => {
      expect(salesLines(build(paidWithGiftCard))).toHaveLength(3);
    });

    it('ignores a failed gift card payment', () => {
      const failed = buildTaxedOrder({
        payments: [
          buildPayment({
            gateway: 'gift_card',
            kind: 'gift_card',
            amount: 1000,
            status: 'failure',
          }),
          buildPayment({ amount: 2958 }),
        ],
      });

      expect(giftCardLine(build(failed, { giftCardItemId: 'gift-card' }))).toBeUndefined();
    });
  });
});
