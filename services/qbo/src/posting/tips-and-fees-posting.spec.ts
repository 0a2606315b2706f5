import { type DocumentKind, type Order, type OrderReady } from '@qbsync/contracts';
import { buildLine, buildOrder } from '@qbsync/testing/dist/orders';
import { withInfrastructure } from '@qbsync/testing';

import { type PostingHarness, startPostingHarness } from '../../test/posting-harness';
import { OrderPostingService } from './order-posting.service';

interface QboDocument {
  Id: string;
  DocNumber?: string;
  TotalAmt: number;
  Line: Array<{
    Amount: number;
    Description?: string;
    SalesItemLineDetail?: { ItemRef: { name?: string }; TaxCodeRef?: { value: string } };
  }>;
}

describe('tips and merchant fees', () => {
  const infra = withInfrastructure();
  let harness: PostingHarness;
  let orders: OrderPostingService;

  beforeAll(async () => {
    harness = await startPostingHarness(infra);
    orders = harness.app.get(OrderPostingService);
    await harness.putSettings({ transactionMode: 'sales_receipt', postMerchantFees: true });
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  function tipped(channelOrderId: string, documentKind: DocumentKind): OrderReady {
    const order: Order = buildOrder({
      accountId: harness.accountId,
      channelOrderId,
      orderNumber: `#${channelOrderId}`,
      lines: [buildLine({ sku: 'MEAL', unitPrice: 2000 })],
      taxLines: [{ name: 'State Tax', rate: '0.05', amount: 100 }],
      tips: [{ title: 'Tip', amount: 300 }],
      fees: [{ title: 'Shopify Payments fee', amount: 97 }],
      totals: { subtotal: 2000, discounts: 0, shipping: 0, tax: 100, total: 2400 },
    });

    return { order, target: 'qbo', documentKind, ruleSetVersion: 0, appliedRules: [] };
  }

  async function find(entity: string, docNumber: string): Promise<QboDocument | undefined> {
    return (
      await harness.query<QboDocument>(
        entity,
        `select * from ${entity} where DocNumber = '${docNumber}'`,
      )
    )[0];
  }

  describe('a sales receipt', () => {
    let receipt: QboDocument | undefined;

    beforeAll(async () => {
      await orders.post(tipped('6001', 'sales_receipt'), false);
      receipt = await find('SalesReceipt', '6001');
    }, 60_000);

    it('posts the tip as a non-taxable line on Tips', () => {
      const tip = receipt?.Line.find((line) => line.SalesItemLineDetail?.ItemRef.name === 'Tips');

      expect(tip?.Amount).toBe(3);
      expect(tip?.SalesItemLineDetail?.TaxCodeRef?.value).toBe('NON');
    });

    it('posts the fees as a negative line', () => {
      const fee = receipt?.Line.find(
        (line) => line.SalesItemLineDetail?.ItemRef.name === 'Merchant Fees',
      );

      expect(fee?.Amount).toBe(-0.97);
    });

    it('totals the channel total less fees', () => {
      expect(receipt?.TotalAmt).toBe(23.03);
    });
  });

  describe('an invoice', () => {
    let invoice: QboDocument | undefined;

    beforeAll(async () => {
      await orders.post(tipped('6002', 'invoice'), false);
      invoice = await find('Invoice', '6002');
    }, 60_000);

    it('carries the tip', () => {
      const tip = invoice?.Line.find((line) => line.SalesItemLineDetail?.ItemRef.name === 'Tips');

      expect(tip?.Amount).toBe(3);
    });

    it('leaves the fees to the payout', () => {
      expect(
        invoice?.Line.some((line) => line.SalesItemLineDetail?.ItemRef.name === 'Merchant Fees'),
      ).toBe(false);
      expect(invoice?.TotalAmt).toBe(24);
    });
  });
});
