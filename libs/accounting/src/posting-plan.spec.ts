import { type Order } from '@qbsync/contracts';

import {
  buildLine,
  buildOrder,
  buildSampleShopifyOrder,
  buildShippingLine,
} from '@qbsync/testing/dist/orders';
import {
  AccountingError,
  AccountingErrorCode,
  OrderDoesNotBalanceError,
} from './accounting.errors';
import { buildSalesReceiptPlan } from './posting-plan';
import { type ItemPlanLine } from './posting-plan.types';

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }

  throw new Error('Expected the action to throw');
}

describe('buildSalesReceiptPlan', () => {
  describe('Shopify sample order 450789469', () => {
    const order = buildSampleShopifyOrder();
    const plan = buildSalesReceiptPlan(order);

    it('posts three item lines of 199.00', () => {
      expect(plan.lines).toHaveLength(3);

      for (const line of plan.lines) {
        expect(line.kind).toBe('item');
        expect(line.amount).toBe(19900);
        expect((line as ItemPlanLine).quantity).toBe(1);
        expect((line as ItemPlanLine).unitPrice).toBe(19900);
        expect((line as ItemPlanLine).taxable).toBe(true);
      }
    });

    it('keeps sku, line id and variant', () => {
      expect(plan.lines[0]).toMatchObject({
        sku: 'IPOD2008GREEN',
        name: 'IPod Nano - 8gb',
        description: 'IPod Nano - 8gb - green',
        lineId: '466157049',
      });
    });

    it('posts the discount and the channel tax', () => {
      expect(plan.discountTotal).toBe(1000);
      expect(plan.discountByTaxability).toEqual({ taxable: 1000, nonTaxable: 0 });
      expect(plan.taxTreatment).toBe('exclusive');
      expect(plan.taxTotal).toBe(1194);
      expect(plan.taxLines).toEqual([{ name: 'State Tax', rate: '0.06', amount: 1194 }]);
    });

    it('reproduces the channel total without adjustment', () => {
      expect(plan.subtotal).toBe(59700);
      expect(plan.total).toBe(59894);
      expect(plan.channelTotal).toBe(59894);
      expect(plan.adjustment).toBeUndefined();
      expect(plan.lines.some((line) => line.kind === 'adjustment')).toBe(false);
    });

    it('fills the document fields', () => {
      expect(plan.documentKind).toBe('sales_receipt');
      expect(plan.currency).toBe('USD');
      expect(plan.docNumber).toBe('1001');
      expect(plan.docNumberTruncated).toBe(false);
      expect(plan.txnDate).toBe('2008-01-10');
      expect(plan.privateNote).toBe('shopify order 450789469 (#1001)');
      expect(plan.giftCardTotal).toBe(0);
    });

    it('omits the free shipping line', () => {
      expect(plan.lines.some((line) => line.kind === 'shipping')).toBe(false);
    });

    it('names the customer', () => {
      expect(plan.customer).toMatchObject({
        displayName: 'Bob Norman',
        givenName: 'Bob',
        familyName: 'Norman',
        email: 'bob.norman@mail.example.com',
        phone: '+16136120707',
      });
      expect(plan.customer.billingAddress?.city).toBe('Louisville');
    });
  });

  describe('tax-inclusive order', () => {
    // UK order with prices including 20% VAT: 2 × 12.00 includes 4.00 VAT, shipping 4.99 includes 0.83.
    const vat = (amount: number) => [{ name: 'VAT', rate: '0.2', amount }];
    const order = buildOrder({
      currency: 'GBP',
      presentmentCurrency: 'GBP',
      taxesIncluded: true,
      lines: [buildLine({ quantity: 2, unitPrice: 1200, taxes: vat(400) })],
      shippingLines: [buildShippingLine({ price: 499, taxes: vat(83) })],
      taxLines: vat(483),
      totals: { subtotal: 2400, discounts: 0, shipping: 499, tax: 483, total: 2899 },
    });
    const plan = buildSalesReceiptPlan(order);

    it('keeps tax out of the total', () => {
      expect(plan.taxTreatment).toBe('inclusive');
      expect(plan.taxTotal).toBe(483);
      expect(plan.subtotal).toBe(2899);
      expect(plan.total).toBe(2899);
      expect(plan.adjustment).toBeUndefined();
    });

    it('marks taxed lines taxable', () => {
      expect(plan.lines.map((line) => line.kind)).toEqual(['item', 'shipping']);
      expect(plan.lines[0]).toMatchObject({ amount: 2400, taxable: true });
      expect(plan.lines[1]).toMatchObject({ amount: 499, taxable: true });
    });
  });

  describe('shipping with a shipping discount', () => {
    const order = buildOrder({
      lines: [
        buildLine({ unitPrice: 5000, taxes: [{ name: 'State Tax', rate: '0.06', amount: 300 }] }),
      ],
      shippingLines: [
        buildShippingLine({
          title: 'UPS Ground',
          price: 1000,
          discounts: [{ code: 'FREESHIP', amount: 1000 }],
        }),
      ],
      totals: { subtotal: 5000, discounts: 1000, shipping: 1000, tax: 300, total: 5300 },
    });
    const plan = buildSalesReceiptPlan(order, { shippingItemName: 'Freight Out' });

    it('posts shipping at its price and discounts it', () => {
      expect(plan.lines[1]).toEqual({
        kind: 'shipping',
        itemName: 'Freight Out',
        description: 'UPS Ground',
        amount: 1000,
        taxable: false,
      });
      expect(plan.discountTotal).toBe(1000);
      expect(plan.discountByTaxability).toEqual({ taxable: 0, nonTaxable: 1000 });
    });

    it('balances', () => {
      expect(plan.subtotal).toBe(6000);
      expect(plan.total).toBe(5300);
      expect(plan.adjustment).toBeUndefined();
    });

    it('uses the default shipping item', () => {
      const defaultPlan = buildSalesReceiptPlan(order);

      expect(defaultPlan.lines[1]).toMatchObject({ kind: 'shipping', itemName: 'Shipping' });
    });
  });

  describe('rounding adjustment', () => {
    const orderWithTotal = (total: number): Order =>
      buildOrder({
        lines: [
          buildLine({
            lineId: '1',
            unitPrice: 1999,
            taxes: [{ name: 'Tax', rate: '0.0825', amount: 165 }],
          }),
          buildLine({
            lineId: '2',
            unitPrice: 1999,
            taxes: [{ name: 'Tax', rate: '0.0825', amount: 165 }],
          }),
        ],
        totals: { subtotal: 3998, discounts: 0, shipping: 0, tax: 330, total },
      });

    it('posts a one-cent difference as a line', () => {
      const plan = buildSalesReceiptPlan(orderWithTotal(4329));

      expect(plan.lines).toHaveLength(3);
      expect(plan.lines[2]).toEqual({
        kind: 'adjustment',
        itemName: 'Rounding Adjustment',
        description: 'Rounding adjustment to match the channel total',
        amount: 1,
      });
      expect(plan.adjustment?.amount).toBe(1);
      expect(plan.adjustment?.reason).toContain('43.29 USD');
      expect(plan.adjustment?.reason).toContain('43.28 USD');
      expect(plan.subtotal).toBe(3999);
      expect(plan.total).toBe(4329);
      expect(plan.total).toBe(plan.channelTotal);
    });

    it('posts a negative difference', () => {
      const plan = buildSalesReceiptPlan(orderWithTotal(4326), {
        adjustmentItemName: 'Rounding',
      });

      expect(plan.adjustment?.amount).toBe(-2);
      expect(plan.lines[2]).toMatchObject({ itemName: 'Rounding', amount: -2 });
      expect(plan.total).toBe(4326);
    });

    it('allows one unit per line plus one by default', () => {
      expect(() => buildSalesReceiptPlan(orderWithTotal(4331))).not.toThrow();
      expect(() => buildSalesReceiptPlan(orderWithTotal(4332))).toThrow(OrderDoesNotBalanceError);
    });

    it('caps the default tolerance at five units', () => {
      const lines = Array.from({ length: 10 }, (_, index) =>
        buildLine({ lineId: String(index + 1), unitPrice: 100 }),
      );
      const order = (total: number) =>
        buildOrder({
          lines,
          totals: { subtotal: 1000, discounts: 0, shipping: 0, tax: 0, total },
        });

      expect(buildSalesReceiptPlan(order(1005)).adjustment?.amount).toBe(5);
      expect(() => buildSalesReceiptPlan(order(1006))).toThrow(OrderDoesNotBalanceError);
    });

    it('honours maxAdjustment', () => {
      expect(() => buildSalesReceiptPlan(orderWithTotal(4329), { maxAdjustment: 0 })).toThrow(
        OrderDoesNotBalanceError,
      );
      expect(
        buildSalesReceiptPlan(orderWithTotal(4336), { maxAdjustment: 8 }).adjustment?.amount,
      ).toBe(8);
    });

    it.each([-1, 1.5, Number.NaN])('rejects maxAdjustment %p', (maxAdjustment) => {
      const error = catchError(() =>
        buildSalesReceiptPlan(orderWithTotal(4328), { maxAdjustment }),
      );

      expect(error).toBeInstanceOf(AccountingError);
      expect((error as AccountingError).code).toBe(AccountingErrorCode.InvalidOption);
    });
  });

  describe('order that does not balance', () => {
    const order = buildOrder({
      ...buildSampleShopifyOrder(),
      totals: { subtotal: 59700, discounts: 1000, shipping: 0, tax: 1194, total: 60894 },
    });

    it('throws an error naming both totals and the figures', () => {
      const error = catchError(() => buildSalesReceiptPlan(order));

      expect(error).toBeInstanceOf(OrderDoesNotBalanceError);

      const message = (error as Error).message;

      expect(message).toContain('shopify 450789469 (#1001)');
      expect(message).toContain('the channel total is 608.94 USD');
      expect(message).toContain('compute to 598.94 USD');
      expect(message).toContain('items 597.00 USD');
      expect(message).toContain('shipping 0.00 USD');
      expect(message).toContain('discounts 10.00 USD');
      expect(message).toContain('tax 11.94 USD');
      expect(message).toContain('difference of 10.00 USD');
      expect(message).toContain('tolerance of 0.04 USD');
    });

    it('carries the figures and code', () => {
      const error = catchError(() => buildSalesReceiptPlan(order)) as OrderDoesNotBalanceError;

      expect(error.code).toBe(AccountingErrorCode.OrderDoesNotBalance);
      expect(error.difference).toBe(1000);
      expect(error.figures).toEqual({
        currency: 'USD',
        channelTotal: 60894,
        computedTotal: 59894,
        itemTotal: 59700,
        shippingTotal: 0,
        discountTotal: 1000,
        taxTotal: 1194,
        taxesIncluded: false,
        tolerance: 4,
      });
    });

    it('says tax is included for an inclusive order', () => {
      const inclusive = buildOrder({
        taxesIncluded: true,
        lines: [buildLine({ unitPrice: 1200, taxes: [{ name: 'VAT', rate: '0.2', amount: 200 }] })],
        totals: { subtotal: 1200, discounts: 0, shipping: 0, tax: 200, total: 1400 },
      });
      const error = catchError(() => buildSalesReceiptPlan(inclusive)) as Error;

      expect(error.message).toContain('(tax 2.00 USD is included in the prices)');
      expect(error.message).toContain('compute to 12.00 USD');
    });
  });

  describe('document number', () => {
    const longOrder = buildOrder({ orderNumber: '#2026070112345678901234567' });

    it('keeps the last 21 characters of a long number', () => {
      const plan = buildSalesReceiptPlan(longOrder, { docNumberPrefix: 'SHOP-' });

      expect(plan.docNumber).toHaveLength(21);
      expect(plan.docNumber).toBe('070112345678901234567');
      expect(plan.docNumberTruncated).toBe(true);
    });

    it('adds the prefix to a short number', () => {
      const plan = buildSalesReceiptPlan(buildOrder(), { docNumberPrefix: 'SS-' });

      expect(plan.docNumber).toBe('SS-1000');
      expect(plan.docNumberTruncated).toBe(false);
    });

    it('fits the Desktop limit of 11', () => {
      const plan = buildSalesReceiptPlan(longOrder, { docNumberMaxLength: 11 });

      expect(plan.docNumber).toBe('78901234567');
    });

    it('falls back to the order id for a bare hash', () => {
      const plan = buildSalesReceiptPlan(buildOrder({ orderNumber: '#', channelOrderId: '77' }));

      expect(plan.docNumber).toBe('77');
    });

    it('rejects a zero maximum length', () => {
      expect(() => buildSalesReceiptPlan(longOrder, { docNumberMaxLength: 0 })).toThrow(
        'Invalid docNumberMaxLength 0',
      );
    });
  });

  describe('transaction date', () => {
    const lateEvening = buildOrder({
      createdAt: '2025-07-02T23:30:00-05:00',
      processedAt: undefined,
    });

    it('uses the order offset', () => {
      expect(buildSalesReceiptPlan(lateEvening).txnDate).toBe('2025-07-02');
    });

    it('prefers processedAt', () => {
      const order = buildOrder({ processedAt: '2025-07-05T08:00:00+02:00' });

      expect(buildSalesReceiptPlan(order).txnDate).toBe('2025-07-05');
    });

    it('uses a given time zone', () => {
      expect(buildSalesReceiptPlan(lateEvening, { timeZone: 'UTC' }).txnDate).toBe('2025-07-03');
      expect(buildSalesReceiptPlan(lateEvening, { timeZone: 'Asia/Tokyo' }).txnDate).toBe(
        '2025-07-03',
      );
      expect(buildSalesReceiptPlan(lateEvening, { timeZone: 'America/Chicago' }).txnDate).toBe(
        '2025-07-02',
      );
    });

    it('rejects an unknown time zone', () => {
      const error = catchError(() =>
        buildSalesReceiptPlan(lateEvening, { timeZone: 'Mars/Olympus' }),
      ) as AccountingError;

      expect(error.code).toBe(AccountingErrorCode.InvalidOption);
      expect(error.message).toContain('Mars/Olympus');
    });
  });

  describe('zero-decimal currency', () => {
    const order = buildOrder({
      currency: 'JPY',
      presentmentCurrency: 'JPY',
      lines: [
        buildLine({
          quantity: 2,
          unitPrice: 1500,
          discounts: [{ amount: 100 }],
          taxes: [{ name: 'Consumption tax', rate: '0.1', amount: 290 }],
        }),
      ],
      shippingLines: [buildShippingLine({ price: 600 })],
      taxLines: [{ name: 'Consumption tax', rate: '0.1', amount: 290 }],
      totals: { subtotal: 3000, discounts: 100, shipping: 600, tax: 290, total: 3790 },
    });

    it('posts whole yen', () => {
      const plan = buildSalesReceiptPlan(order);

      expect(plan.lines[0]).toMatchObject({ quantity: 2, unitPrice: 1500, amount: 3000 });
      expect(plan.subtotal).toBe(3600);
      expect(plan.total).toBe(3790);
      expect(plan.adjustment).toBeUndefined();
    });

    it('formats amounts without decimals in errors', () => {
      const unbalanced = buildOrder({ ...order, totals: { ...order.totals, total: 4790 } });
      const error = catchError(() => buildSalesReceiptPlan(unbalanced)) as Error;

      expect(error.message).toContain('the channel total is 4790 JPY');
      expect(error.message).toContain('compute to 3790 JPY');
    });
  });

  describe('taxability', () => {
    it('marks a taxable line without tax non-taxable', () => {
      const order = buildOrder({
        lines: [
          buildLine({ lineId: '1', taxes: [{ name: 'Tax', rate: '0.05', amount: 50 }] }),
          buildLine({ lineId: '2', taxes: [{ name: 'Tax', rate: '0', amount: 0 }] }),
          buildLine({ lineId: '3', taxable: false }),
        ],
        totals: { subtotal: 3000, discounts: 0, shipping: 0, tax: 50, total: 3050 },
      });
      const taxable = buildSalesReceiptPlan(order).lines.map(
        (line) => 'taxable' in line && line.taxable,
      );

      expect(taxable).toEqual([true, false, false]);
    });

    it('uses the channel flag when tax is reported only per order', () => {
      const order = buildOrder({
        lines: [buildLine({ lineId: '1' }), buildLine({ lineId: '2', taxable: false })],
        taxLines: [{ name: 'Sales Tax', rate: '0.05', amount: 50 }],
        totals: { subtotal: 2000, discounts: 0, shipping: 0, tax: 50, total: 2050 },
      });
      const taxable = buildSalesReceiptPlan(order).lines.map(
        (line) => 'taxable' in line && line.taxable,
      );

      expect(taxable).toEqual([true, false]);
    });

    it('never taxes a gift-card sale', () => {
      const order = buildOrder({
        lines: [buildLine({ giftCard: true, taxes: [{ name: 'Tax', rate: '0.05', amount: 50 }] })],
        totals: { subtotal: 1000, discounts: 0, shipping: 0, tax: 50, total: 1050 },
      });
      const plan = buildSalesReceiptPlan(order);

      expect(plan.lines).toHaveLength(1);
      expect(plan.lines[0]).toMatchObject({ kind: 'item', taxable: false, amount: 1000 });
    });

    it('taxes shipping only when the channel taxed it', () => {
      const order = buildOrder({
        shippingLines: [
          buildShippingLine({ title: 'Taxed', taxes: [{ name: 'Tax', rate: '0.1', amount: 50 }] }),
          buildShippingLine({ title: 'Untaxed' }),
        ],
        totals: { subtotal: 1000, discounts: 0, shipping: 1000, tax: 50, total: 2050 },
      });
      const shipping = buildSalesReceiptPlan(order).lines.filter(
        (line) => line.kind === 'shipping',
      );

      expect(shipping).toMatchObject([
        { description: 'Taxed', taxable: true },
        { description: 'Untaxed', taxable: false },
      ]);
    });
  });

  describe('discounts', () => {
    it('adds order-level discounts and splits them by taxability', () => {
      const order = buildOrder({
        lines: [
          buildLine({
            lineId: '1',
            unitPrice: 3000,
            taxes: [{ name: 'Tax', rate: '0.1', amount: 270 }],
          }),
          buildLine({ lineId: '2', unitPrice: 1000, taxable: false, discounts: [{ amount: 100 }] }),
        ],
        orderDiscounts: [{ title: 'Loyalty', amount: 391 }],
        totals: { subtotal: 4000, discounts: 491, shipping: 0, tax: 270, total: 3779 },
      });
      const plan = buildSalesReceiptPlan(order);

      expect(plan.discountTotal).toBe(491);
      // 391 across net amounts 3000 and 900: 300.77 and 90.23.
      expect(plan.discountByTaxability).toEqual({ taxable: 301, nonTaxable: 190 });
      expect(plan.total).toBe(3779);
    });
  });

  describe('tax lines', () => {
    it('sums line taxes when the order has no tax summary', () => {
      const state = { name: 'State tax', rate: '0.06', amount: 60 };
      const county = { name: 'County tax', rate: '0.025', amount: 25 };
      const order = buildOrder({
        lines: [
          buildLine({ lineId: '1', taxes: [state, county] }),
          buildLine({ lineId: '2', taxes: [state, county] }),
        ],
        totals: { subtotal: 2000, discounts: 0, shipping: 0, tax: 170, total: 2170 },
      });

      expect(buildSalesReceiptPlan(order).taxLines).toEqual([
        { name: 'State tax', rate: '0.06', amount: 120 },
        { name: 'County tax', rate: '0.025', amount: 50 },
      ]);
    });
  });

  describe('customer', () => {
    const customerOf = (overrides: Partial<Order>) =>
      buildSalesReceiptPlan(buildOrder(overrides)).customer;

    it('collapses whitespace in the name', () => {
      expect(
        customerOf({ customer: { firstName: '  Ada ', lastName: ' de  la\tCruz ' } }).displayName,
      ).toBe('Ada de la Cruz');
    });

    it('falls back to the billing name', () => {
      const customer = customerOf({ billingAddress: { name: 'Grace Hopper', company: 'Navy' } });

      expect(customer.displayName).toBe('Grace Hopper');
      expect(customer.companyName).toBe('Navy');
    });

    it('falls back to the company', () => {
      expect(customerOf({ customer: { company: ' Acme  Ltd ' } }).displayName).toBe('Acme Ltd');
    });

    it('falls back to the email', () => {
      expect(customerOf({ customer: { email: 'foo@example.com' } }).displayName).toBe(
        'foo@example.com',
      );
    });

    it('falls back to the channel name', () => {
      expect(customerOf({}).displayName).toBe('Shopify customer');
      expect(customerOf({ channel: 'woocommerce' }).displayName).toBe('WooCommerce customer');
    });

    it('bills to the shipping address when there is no billing address', () => {
      const customer = customerOf({ shippingAddress: { city: 'Ottawa' } });

      expect(customer.billingAddress).toEqual({ city: 'Ottawa' });
      expect(customer.shippingAddress).toEqual({ city: 'Ottawa' });
    });

    it('leaves out blank fields', () => {
      expect(customerOf({ customer: { firstName: ' ', email: '' } })).toEqual({
        displayName: 'Shopify customer',
      });
    });
  });

  describe('gift-card payments', () => {
    it('sums successful gift-card tenders', () => {
      const order = buildOrder({
        payments: [
          { gateway: 'gift_card', amount: 400, kind: 'gift_card', status: 'success' },
          { gateway: 'gift_card', amount: 100, kind: 'gift_card', status: 'failure' },
          { gateway: 'shopify_payments', amount: 600, kind: 'sale', status: 'success' },
        ],
      });

      expect(buildSalesReceiptPlan(order).giftCardTotal).toBe(400);
    });
  });

  describe('memo', () => {
    it('is at most 4000 characters', () => {
      const order = buildOrder({ orderNumber: 'N'.repeat(5000) });

      expect(buildSalesReceiptPlan(order).privateNote).toHaveLength(4000);
    });
  });
});
