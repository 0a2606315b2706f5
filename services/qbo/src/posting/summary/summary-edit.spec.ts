import { type Order, type OrderReady } from '@qbsync/contracts';
import { buildLine, buildSampleShopifyOrder } from '@qbsync/testing/dist/orders';
import { withInfrastructure } from '@qbsync/testing';

import { type PostingHarness, startPostingHarness } from '../../../test/posting-harness';
import { OrderPostingService } from '../order-posting.service';
import { SummaryPostingService } from './summary-posting.service';

interface QboDocument {
  Id: string;
  DocNumber?: string;
  TxnDate?: string;
  TotalAmt: number;
  PrivateNote?: string;
  Line: Array<{ Amount: number; SalesItemLineDetail?: { ItemRef: { name?: string } } }>;
}

describe('summary edits', () => {
  const infra = withInfrastructure();
  let harness: PostingHarness;
  let orders: OrderPostingService;
  let summaries: SummaryPostingService;
  const original: () => Order = () => ({
    ...buildSampleShopifyOrder(),
    accountId: harness.accountId,
    channelOrderId: '7101',
    orderNumber: '#7101',
  });

  beforeAll(async () => {
    harness = await startPostingHarness(infra);
    orders = harness.app.get(OrderPostingService);
    summaries = harness.app.get(SummaryPostingService);
    await harness.putSettings({ transactionMode: 'summary_sales_receipt' });
    await orders.post(wrap(original()), false);
    await summaries.postDue(new Date());
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  function wrap(order: Order): OrderReady {
    return {
      order,
      target: 'qbo',
      documentKind: 'sales_receipt',
      ruleSetVersion: 0,
      appliedRules: [],
    };
  }

  async function find(entity: string, docNumber: string): Promise<QboDocument[]> {
    return harness.query<QboDocument>(
      entity,
      `select * from ${entity} where DocNumber = '${docNumber}'`,
    );
  }

  it('posts the summary first', async () => {
    expect((await find('SalesReceipt', 'S-20080110'))[0]?.TotalAmt).toBe(598.94);
  });

  describe('a grown order', () => {
    let correction: QboDocument | undefined;

    beforeAll(async () => {
      const base = original();
      const grown: Order = {
        ...base,
        updatedAt: '2008-01-12T09:00:00-05:00',
        lines: [
          ...base.lines,
          buildLine({ lineId: 'c', sku: 'CASE', unitPrice: 1500, taxable: false }),
        ],
        totals: {
          ...base.totals,
          subtotal: base.totals.subtotal + 1500,
          total: base.totals.total + 1500,
        },
      };

      await orders.post(wrap(grown), false);
      await summaries.postDue(new Date());
      correction = (await find('SalesReceipt', '7101-E1'))[0];
    }, 60_000);

    it('posts a correcting sales receipt', () => {
      expect(correction?.TotalAmt).toBe(15);
      expect(correction?.TxnDate).toBe('2008-01-12');
    });

    it('posts the added item', () => {
      expect(correction?.Line[0]?.SalesItemLineDetail?.ItemRef.name).toBe('CASE');
    });

    it('posts nothing more on a redelivery', async () => {
      const base = original();

      await orders.post(
        wrap({
          ...base,
          updatedAt: '2008-01-12T09:00:00-05:00',
          lines: [
            ...base.lines,
            buildLine({ lineId: 'c', sku: 'CASE', unitPrice: 1500, taxable: false }),
          ],
          totals: {
            ...base.totals,
            subtotal: base.totals.subtotal + 1500,
            total: base.totals.total + 1500,
          },
        }),
        false,
      );
      await summaries.postDue(new Date());

      expect(await find('SalesReceipt', '7101-E1')).toHaveLength(1);
      expect(await find('SalesReceipt', '7101-E2')).toHaveLength(0);
    }, 60_000);
  });

  describe('a shrunk order', () => {
    let correction: QboDocument | undefined;

    beforeAll(async () => {
      const base = original();
      const [first, second] = base.lines;
      const shrunk: Order = {
        ...base,
        updatedAt: '2008-01-13T09:00:00-05:00',
        lines: [first!, second!],
        taxLines: [{ name: 'State Tax', rate: '0.06', amount: 796 }],
        totals: { subtotal: 39800, discounts: 667, shipping: 0, tax: 796, total: 39929 },
      };

      // The two kept lines carry their own taxes and discounts, so the order still balances.
      await orders.post(wrap(shrunk), false);
      await summaries.postDue(new Date());
      correction = (await find('RefundReceipt', '7101-E2'))[0];
    }, 60_000);

    it('posts a refund receipt of the difference from the last version', () => {
      // 598.94 + 15.00 posted so far; the shrunk order is 399.29.
      expect(correction?.TotalAmt).toBe(214.65);
      expect(correction?.TxnDate).toBe('2008-01-13');
    });
  });
});
