import { buildRefundPlan, buildSalesReceiptPlan } from '@qbsync/accounting';
import {
  buildOrder,
  buildSampleShopifyOrder,
  buildSampleShopifyRefund,
} from '@qbsync/testing/dist/orders';

import {
  buildPaymentBody,
  buildRefundDocumentBody,
  buildSalesDocumentBody,
  type DocumentReferences,
} from './qbo-document.body';

type Json = Record<string, unknown>;
type Line = { DetailType: string; Amount: number; SalesItemLineDetail?: Json };

const plan = buildSalesReceiptPlan(buildSampleShopifyOrder());
const header = { docNumber: '1001', txnDate: '2008-01-10', privateNote: 'shopify order 450789469' };
const references: DocumentReferences = {
  customerId: '7',
  lineItemIds: ['11', '12', '13'],
  taxPosting: 'override',
  taxableCode: 'TAX',
  nonTaxableCode: 'NON',
};

function lines(body: Json): Line[] {
  return body.Line as Line[];
}

describe('buildSalesDocumentBody', () => {
  describe('invoice', () => {
    const body = buildSalesDocumentBody(
      'Invoice',
      plan,
      { ...references, arAccountId: '40', depositAccountId: '5' },
      { ...header, dueDate: '2008-02-09' },
    );

    it('carries the A/R account and due date', () => {
      expect(body.ARAccountRef).toEqual({ value: '40' });
      expect(body.DueDate).toBe('2008-02-09');
    });

    it('has no deposit account', () => {
      expect(body.DepositToAccountRef).toBeUndefined();
    });

    it('posts the channel tax as an override', () => {
      expect(body.TxnTaxDetail).toEqual({ TotalTax: 11.94 });
    });
  });

  it('puts the deposit account on a sales receipt', () => {
    const body = buildSalesDocumentBody(
      'SalesReceipt',
      plan,
      { ...references, depositAccountId: '5' },
      header,
    );

    expect(body.DepositToAccountRef).toEqual({ value: '5' });
  });

  it('puts the payment method on a sales receipt', () => {
    const body = buildSalesDocumentBody(
      'SalesReceipt',
      plan,
      { ...references, paymentMethodId: '8' },
      header,
    );

    expect(body.PaymentMethodRef).toEqual({ value: '8' });
  });

  it('leaves the number to QuickBooks without one', () => {
    const body = buildSalesDocumentBody('Estimate', plan, references, {
      ...header,
      docNumber: undefined,
    });

    expect('DocNumber' in body).toBe(false);
  });

  it('sets class, location and currency', () => {
    const body = buildSalesDocumentBody(
      'SalesReceipt',
      plan,
      {
        ...references,
        classId: '3',
        departmentId: '4',
        currency: 'EUR',
        exchangeRate: '1.0845',
        lineClassIds: ['9'],
      },
      header,
    );

    expect(body.ClassRef).toEqual({ value: '3' });
    expect(body.DepartmentRef).toEqual({ value: '4' });
    expect(body.CurrencyRef).toEqual({ value: 'EUR' });
    expect(body.ExchangeRate).toBe(1.0845);
    expect(lines(body)[0]!.SalesItemLineDetail!.ClassRef).toEqual({ value: '9' });
  });

  describe('discount item', () => {
    const body = buildSalesDocumentBody(
      'SalesReceipt',
      plan,
      { ...references, discountItemId: '20' },
      header,
    );
    const discount = lines(body).find((line) => line.Amount < 0);

    it('posts the discount as a negative item line', () => {
      expect(discount?.Amount).toBe(-10);
      expect(discount?.SalesItemLineDetail?.ItemRef).toEqual({ value: '20' });
    });

    it('codes it like the lines it reduces', () => {
      expect(discount?.SalesItemLineDetail?.TaxCodeRef).toEqual({ value: 'TAX' });
    });

    it('posts no discount line detail', () => {
      expect(lines(body).some((line) => line.DetailType === 'DiscountLineDetail')).toBe(false);
    });
  });

  describe('tax as a line item', () => {
    const body = buildSalesDocumentBody(
      'SalesReceipt',
      plan,
      { ...references, taxPosting: 'line_item', taxItemId: '30' },
      header,
    );

    it('codes every line non-taxable', () => {
      const codes = lines(body)
        .filter((line) => line.SalesItemLineDetail)
        .map((line) => (line.SalesItemLineDetail!.TaxCodeRef as { value: string }).value);

      expect(new Set(codes)).toEqual(new Set(['NON']));
    });

    it('adds the tax line', () => {
      expect(lines(body).at(-1)).toMatchObject({
        Amount: 11.94,
        SalesItemLineDetail: { ItemRef: { value: '30' } },
      });
    });

    it('sends no tax detail', () => {
      expect(body.TxnTaxDetail).toBeUndefined();
    });
  });

  it('codes VAT lines with their own codes', () => {
    const body = buildSalesDocumentBody(
      'SalesReceipt',
      plan,
      { ...references, taxPosting: 'vat', lineTaxCodeIds: ['21', '22', '23'] },
      header,
    );
    const codes = lines(body)
      .filter((line) => line.SalesItemLineDetail)
      .map((line) => (line.SalesItemLineDetail!.TaxCodeRef as { value: string }).value);

    expect(codes).toEqual(['21', '22', '23']);
  });

  it('leaves a gift card redemption off an invoice', () => {
    const giftCardOrder = buildOrder({
      payments: [{ gateway: 'gift_card', amount: 400, kind: 'gift_card', status: 'success' }],
    });
    const giftPlan = buildSalesReceiptPlan(giftCardOrder);
    const body = buildSalesDocumentBody(
      'Invoice',
      giftPlan,
      { ...references, lineItemIds: ['11'], giftCardItemId: '50' },
      header,
    );

    expect(lines(body).some((line) => line.Amount < 0)).toBe(false);
  });
});

describe('buildRefundDocumentBody', () => {
  const refundPlan = buildRefundPlan(buildSampleShopifyRefund(), buildSampleShopifyOrder());
  const refundReferences = { ...references, lineItemIds: ['13', '60'] };

  it('pays a refund receipt out of the deposit account', () => {
    const body = buildRefundDocumentBody(
      'RefundReceipt',
      refundPlan,
      { ...refundReferences, depositAccountId: '5' },
      header,
    );

    expect(body.DepositToAccountRef).toEqual({ value: '5' });
    expect(body.TxnTaxDetail).toEqual({ TotalTax: 3.98 });
    expect(lines(body).map((line) => line.Amount)).toEqual([195.66, 9.36]);
  });

  it('puts the A/R account on a credit memo', () => {
    const body = buildRefundDocumentBody(
      'CreditMemo',
      refundPlan,
      { ...refundReferences, arAccountId: '40', depositAccountId: '5' },
      header,
    );

    expect(body.ARAccountRef).toEqual({ value: '40' });
    expect(body.DepositToAccountRef).toBeUndefined();
  });
});

describe('buildPaymentBody', () => {
  const body = buildPaymentBody(
    {
      amount: 59894,
      currency: 'USD',
      txnDate: '2008-01-10',
      reference: 'ch_123',
      privateNote: 'shopify order 450789469 payment ch_123',
    },
    '99',
    59894,
    { customerId: '7', depositAccountId: '5' },
  );

  it('applies the amount to the invoice', () => {
    expect(body.Line).toEqual([
      { Amount: 598.94, LinkedTxn: [{ TxnId: '99', TxnType: 'Invoice' }] },
    ]);
  });

  it('records the processor reference', () => {
    expect(body.PaymentRefNum).toBe('ch_123');
    expect(body.TotalAmt).toBe(598.94);
    expect(body.DepositToAccountRef).toEqual({ value: '5' });
  });
});
