import { withInfrastructure } from '@qbsync/testing';

import {
  type ConnectedAccount,
  connectAccount,
  type LoggedSyncEvent,
  waitForSyncEvent,
} from './support/gateway';
import {
  type AuditSession,
  listSalesReceipts,
  openAuditSession,
  type QboLine,
  type QboSalesReceipt,
  salesReceiptsForOrder,
  updateCompanySettings,
} from './support/quickbooks';
import { deliverWebhook, SAMPLE_ORDER_ID, sampleOrders } from './support/shopify';
import { useStack } from './support/stack';

const infra = withInfrastructure();

describe('Shopify sample orders', () => {
  const stack = useStack(infra);
  let account: ConnectedAccount;
  let audit: AuditSession;
  const posted = new Map<string, LoggedSyncEvent>();

  beforeAll(async () => {
    account = await connectAccount(stack.current, { name: 'Sample orders shop' });
    // One sample order is in EUR, which a US company accepts only with multicurrency on.
    await updateCompanySettings(stack.current, account.realmId, { multiCurrencyEnabled: true });
    audit = await openAuditSession(stack.current, account.realmId);

    for (const fixture of sampleOrders()) {
      const response = await deliverWebhook(stack.current, account, fixture.body);

      if (response.status !== 200) {
        throw new Error(
          `The connector returned ${response.status} to sample order ${fixture.id}: ` +
            JSON.stringify(response.body),
        );
      }
    }

    for (const fixture of sampleOrders()) {
      const orderId = String(fixture.id);

      posted.set(
        orderId,
        await waitForSyncEvent(stack.current, account.accountId, orderId, 'posted'),
      );
    }
  }, 90_000);

  it.each(sampleOrders().map((fixture) => [fixture.id]))(
    'order %s posts one receipt',
    async (id) => {
      const receipts = await salesReceiptsForOrder(audit, id);

      expect(receipts).toHaveLength(1);
    },
  );

  it.each(sampleOrders().map((fixture) => [fixture.id, fixture.body.total_price]))(
    'order %s receipt totals %s',
    async (id, channelTotal) => {
      const [receipt] = await salesReceiptsForOrder(audit, id);

      expect(receipt?.TotalAmt).toBe(Number(channelTotal));
    },
  );

  it('company holds no other receipts', async () => {
    const receipts = await listSalesReceipts(audit);

    expect(receipts).toHaveLength(sampleOrders().length);
  });

  describe(`order ${SAMPLE_ORDER_ID}`, () => {
    let receipt: QboSalesReceipt;
    let itemLines: QboLine[];

    beforeAll(async () => {
      [receipt] = await salesReceiptsForOrder(audit, SAMPLE_ORDER_ID);
      itemLines = receipt.Line.filter((line) => line.DetailType === 'SalesItemLineDetail');
    });

    it('has three SKU item lines', () => {
      expect(itemLines.map((line) => line.SalesItemLineDetail?.ItemRef.name)).toEqual([
        'IPOD2008GREEN',
        'IPOD2008RED',
        'IPOD2008BLACK',
      ]);
    });

    it('item lines are 199.00 each', () => {
      expect(itemLines.map((line) => line.Amount)).toEqual([199, 199, 199]);
    });

    it('item lines have quantity 1', () => {
      expect(itemLines.map((line) => line.SalesItemLineDetail?.Qty)).toEqual([1, 1, 1]);
    });

    it('item lines have unit price 199.00', () => {
      expect(itemLines.map((line) => line.SalesItemLineDetail?.UnitPrice)).toEqual([199, 199, 199]);
    });

    it('has a 10.00 discount line', () => {
      const discounts = receipt.Line.filter((line) => line.DetailType === 'DiscountLineDetail');

      expect(discounts.map((line) => line.Amount)).toEqual([10]);
    });

    it('total tax is 11.94', () => {
      expect(receipt.TxnTaxDetail?.TotalTax).toBe(11.94);
    });

    it('total is 598.94', () => {
      expect(receipt.TotalAmt).toBe(598.94);
    });

    it('private note names the order', () => {
      expect(receipt.PrivateNote).toBe(`shopify order ${SAMPLE_ORDER_ID} (#1001)`);
    });

    it('doc number is the order number', () => {
      expect(receipt.DocNumber).toBe('1001');
    });

    it('sync log shows it posted', () => {
      expect(posted.get(String(SAMPLE_ORDER_ID))?.status).toBe('posted');
    });

    it('sync log has the channel total', () => {
      expect(posted.get(String(SAMPLE_ORDER_ID))?.channelTotal).toBe(59894);
    });

    it('sync log has the document total', () => {
      expect(posted.get(String(SAMPLE_ORDER_ID))?.documentTotal).toBe(59894);
    });

    it('sync log names the receipt', () => {
      expect(posted.get(String(SAMPLE_ORDER_ID))?.documentId).toBe(receipt.Id);
    });
  });
});
