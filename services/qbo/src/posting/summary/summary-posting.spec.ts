import { type Order, type OrderReady } from '@qbsync/contracts';
import { buildSampleShopifyOrder, buildSampleShopifyRefund } from '@qbsync/testing/dist/orders';
import { withInfrastructure } from '@qbsync/testing';

import { type PostingHarness, startPostingHarness } from '../../../test/posting-harness';
import { RefundPostingService } from '../../refunds/refund-posting.service';
import { OrderPostingService } from '../order-posting.service';
import { SummaryPostingService } from './summary-posting.service';

interface QboReceipt {
  Id: string;
  DocNumber?: string;
  TotalAmt: number;
  PrivateNote?: string;
  Line: Array<{
    Amount: number;
    Description?: string;
    SalesItemLineDetail?: { ItemRef: { name?: string }; Qty?: number };
  }>;
}

describe(SummaryPostingService.name, () => {
  const infra = withInfrastructure();
  let harness: PostingHarness;
  let orders: OrderPostingService;
  let summaries: SummaryPostingService;

  beforeAll(async () => {
    harness = await startPostingHarness(infra);
    orders = harness.app.get(OrderPostingService);
    summaries = harness.app.get(SummaryPostingService);
    await harness.putSettings({ transactionMode: 'summary_sales_receipt' });
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  function ready(channelOrderId: string, orderNumber: string, processedAt?: string): OrderReady {
    const order: Order = {
      ...buildSampleShopifyOrder(),
      accountId: harness.accountId,
      channelOrderId,
      orderNumber,
      ...(processedAt ? { processedAt, createdAt: processedAt, updatedAt: processedAt } : {}),
    };

    return {
      order,
      target: 'qbo',
      documentKind: 'sales_receipt',
      ruleSetVersion: 0,
      appliedRules: [],
    };
  }

  async function receipts(): Promise<QboReceipt[]> {
    return harness.query<QboReceipt>('SalesReceipt', 'select * from SalesReceipt');
  }

  describe('a closed day', () => {
    let first: QboReceipt | undefined;

    beforeAll(async () => {
      await orders.post(ready('7001', '#2001'), false);
      await orders.post(ready('7002', '#2002'), false);
      await summaries.postDue(new Date());
      first = (await receipts()).find((receipt) => receipt.DocNumber === 'S-20080110');
    }, 60_000);

    it('posts one receipt for both orders', () => {
      expect(first?.TotalAmt).toBe(1197.88);
    });

    it('sums the quantity of each SKU', () => {
      const green = first?.Line.find(
        (line) => line.SalesItemLineDetail?.ItemRef.name === 'IPOD2008GREEN',
      );

      expect(green?.SalesItemLineDetail?.Qty).toBe(2);
      expect(green?.Amount).toBe(398);
    });

    it('posts the tax as one line', () => {
      const tax = first?.Line.find(
        (line) => line.SalesItemLineDetail?.ItemRef.name === 'Sales Tax',
      );

      expect(tax?.Amount).toBe(23.88);
    });

    it('lists the orders in the memo', () => {
      expect(first?.PrivateNote).toBe('shopify summary 2008-01-10: #2001 (7001), #2002 (7002)');
    });

    it('posts nothing more on a re-run', async () => {
      await summaries.postDue(new Date());

      expect(await receipts()).toHaveLength(1);
    });
  });

  describe('a late order', () => {
    it('goes to a supplementary receipt', async () => {
      await orders.post(ready('7003', '#2003'), false);
      await summaries.postDue(new Date());
      const late = (await receipts()).find((receipt) => receipt.DocNumber === 'S-20080110-1');

      expect(late?.TotalAmt).toBe(598.94);
    }, 60_000);
  });

  describe('an open day', () => {
    it('waits for the cut-off', async () => {
      const now = new Date();

      await orders.post(ready('7004', '#2004', now.toISOString()), false);
      await summaries.postDue(now);
      const today = now.toISOString().slice(0, 10).replace(/-/g, '');

      expect((await receipts()).some((receipt) => receipt.DocNumber === `S-${today}`)).toBe(false);
    }, 60_000);
  });
  describe('a refund of a summarized order', () => {
    it('posts as a refund receipt of its own', async () => {
      await orders.post(ready('450789469', '#1001'), false);
      await harness.app.get(RefundPostingService).post(
        {
          refund: { ...buildSampleShopifyRefund(), accountId: harness.accountId },
          target: 'qbo',
          ruleSetVersion: 0,
          appliedRules: [],
        },
        false,
      );
      const refunds = await harness.query<{ TotalAmt: number; DocNumber?: string }>(
        'RefundReceipt',
        'select * from RefundReceipt',
      );

      expect(refunds).toHaveLength(1);
      expect(refunds[0]?.TotalAmt).toBe(209);
    }, 60_000);
  });
});
