import {
  type Order,
  type OrderReady,
  type PayoutTransaction,
  type QboPostingSettingsInput,
  type RefundReady,
  Subjects,
} from '@qbsync/contracts';
import { SummaryPostingService } from '@qbsync/qbo/dist/posting/summary/summary-posting.service';
import {
  buildLine,
  buildSampleShopifyOrder,
  buildSampleShopifyRefund,
} from '@qbsync/testing/dist/orders';
import { withInfrastructure } from '@qbsync/testing';
import { connect, JSONCodec, type NatsConnection } from 'nats';

import {
  type ConnectedAccount,
  connectAccount,
  listSyncEvents,
  requestGateway,
  waitForSyncEvent,
  waitForSyncEventMatching,
} from './support/gateway';
import {
  type AuditSession,
  openAuditSession,
  query,
  type QboSalesReceipt,
} from './support/quickbooks';
import {
  buildPayout,
  payoutTransaction,
  publishPayout,
  SAMPLE_ORDER_TOTAL,
} from './support/payouts';
import { deliverWebhook, orderWithId } from './support/shopify';
import { type Stack, useStack } from './support/stack';

const infra = withInfrastructure();

async function putSettings(
  stack: Stack,
  accountId: string,
  settings: QboPostingSettingsInput,
): Promise<void> {
  await requestGateway(
    stack,
    'PUT',
    `/api/accounts/${accountId}/connections/quickbooks-online/settings`,
    settings,
  );
}

/** Publishes an order as the rules service does after rewriting it for QuickBooks Online. */
async function publishOrder(nats: NatsConnection, order: Order) {
  const ready: OrderReady = {
    order,
    target: 'qbo',
    documentKind: 'sales_receipt',
    ruleSetVersion: 0,
    appliedRules: [],
  };

  await nats.jetstream().publish(Subjects.OrderReadyForQbo, JSONCodec().encode(ready), {
    msgID: `order:${order.accountId}:${order.channelOrderId}:${order.updatedAt}`,
  });
}

describe('QuickBooks Online payouts and summary edits', () => {
  const stack = useStack(infra);
  let nats: NatsConnection;

  beforeAll(async () => {
    nats = await connect({ servers: infra.current.natsUrl });
  });

  afterAll(async () => {
    await nats.drain();
  });

  describe('Summary Payout', () => {
    const orderIds = [910001, 910002, 910003];
    let account: ConnectedAccount;
    let audit: AuditSession;
    let amount: number;
    let receipts: QboSalesReceipt[];
    let transactions: PayoutTransaction[];

    beforeAll(async () => {
      account = await connectAccount(stack.current, { name: 'Payout shop' });
      audit = await openAuditSession(stack.current, account.realmId);
      await putSettings(stack.current, account.accountId, { transactionMode: 'summary_payout' });

      for (const id of orderIds) {
        await deliverWebhook(stack.current, account, orderWithId(id));
        await waitForSyncEvent(stack.current, account.accountId, String(id), 'skipped');
      }

      transactions = [
        ...orderIds.map((id) =>
          payoutTransaction({
            transactionId: `ch_${id}`,
            channelOrderId: String(id),
            gross: SAMPLE_ORDER_TOTAL,
            fee: 1767,
          }),
        ),
        payoutTransaction({
          transactionId: 're_1',
          type: 'refund',
          channelOrderId: String(orderIds[0]),
          gross: -20900,
          fee: -300,
        }),
      ];

      amount = transactions.reduce((sum, entry) => sum + entry.net, 0);
      await publishPayout(nats, buildPayout(account.accountId, '70001', transactions), 'first');
      await waitForSyncEventMatching(
        stack.current,
        account.accountId,
        'the payout posted',
        (event) =>
          event.documentKind === 'payout_sales_receipt' &&
          event.status === 'posted' &&
          event.message.includes('payout sales receipt P-70001'),
      );
      receipts = (
        await query<QboSalesReceipt>(audit, 'SalesReceipt', 'select * from SalesReceipt')
      ).filter((receipt) => receipt.PrivateNote?.includes('payout'));
    }, 120_000);

    it('holds the orders until their payout', async () => {
      const events = await listSyncEvents(stack.current, account.accountId, {
        orderId: String(orderIds[0]),
        status: 'skipped',
      });

      expect(events[0]?.message).toContain('posts in the sales receipt of its payout');
    });

    it('posts one receipt equal to the payout', () => {
      expect(receipts).toHaveLength(1);
      expect(receipts[0]?.DocNumber).toBe('P-70001');
      expect(receipts[0]?.TotalAmt).toBe(amount / 100);
    });

    it('carries the three orders by item', () => {
      const green = receipts[0]?.Line.find(
        (line) => line.SalesItemLineDetail?.ItemRef.name === 'IPOD2008GREEN',
      );

      expect(green?.SalesItemLineDetail?.Qty).toBe(3);
    });

    it('posts the refund and the fees as negative lines', () => {
      const byItem = new Map(
        receipts[0]?.Line.filter((line) => line.SalesItemLineDetail).map((line) => [
          line.SalesItemLineDetail?.ItemRef.name,
          line.Amount,
        ]),
      );

      expect(byItem.get('Refunds')).toBe(-209);
      expect(byItem.get('Merchant Fees')).toBe(-50.01);
    });

    it('names channel and payout in the memo', () => {
      expect(receipts[0]?.PrivateNote).toContain('shopify payout 70001 of 2008-01-14');
    });

    it('posts nothing on a redelivery', async () => {
      await publishPayout(nats, buildPayout(account.accountId, '70001', transactions), 'again');
      await waitForSyncEventMatching(
        stack.current,
        account.accountId,
        'the redelivery skipped',
        (event) => event.documentKind === 'payout_sales_receipt' && event.status === 'skipped',
      );
      const after = await query<QboSalesReceipt>(
        audit,
        'SalesReceipt',
        "select * from SalesReceipt where DocNumber = 'P-70001'",
      );

      expect(after).toHaveLength(1);
    }, 60_000);

    it('leaves a refund of a held order to its payout', async () => {
      const refund = buildSampleShopifyRefund();
      const ready: RefundReady = {
        refund: {
          ...refund,
          accountId: account.accountId,
          channelOrderId: String(orderIds[0]),
          channelRefundId: 're-910001',
        },
        target: 'qbo',
        ruleSetVersion: 0,
        appliedRules: [],
      };

      await nats.jetstream().publish(Subjects.RefundReadyForQbo, JSONCodec().encode(ready), {
        msgID: `refund:${account.accountId}:re-910001`,
      });
      const skipped = await waitForSyncEventMatching(
        stack.current,
        account.accountId,
        'the refund left to its payout',
        (event) => event.documentKind === 'refund' && event.message.includes('re-910001'),
      );
      const refundReceipts = await query<QboSalesReceipt>(
        audit,
        'RefundReceipt',
        'select * from RefundReceipt',
      );

      expect(skipped.status).toBe('skipped');
      expect(skipped.message).toContain("negative line of the payout's sales receipt");
      expect(refundReceipts).toHaveLength(0);
    }, 60_000);

    it('rejects an unbalanced payout with the gap', async () => {
      const transactions = [
        payoutTransaction({
          transactionId: 'ch_x',
          channelOrderId: '910002',
          gross: SAMPLE_ORDER_TOTAL,
          fee: 1767,
        }),
      ];

      await publishPayout(
        nats,
        buildPayout(account.accountId, '70002', transactions, 60000),
        'first',
      );
      const rejected = await waitForSyncEventMatching(
        stack.current,
        account.accountId,
        'the unbalanced payout rejected',
        (event) => event.status === 'rejected' && event.message.includes('Payout 70002'),
      );
      const after = await query<QboSalesReceipt>(
        audit,
        'SalesReceipt',
        'select * from SalesReceipt',
      );

      expect(rejected.message).toContain('a gap of 18.73 USD');
      expect(after.some((receipt) => receipt.DocNumber === 'P-70002')).toBe(false);
    }, 60_000);
  });

  describe('an order edited after its daily summary', () => {
    let account: ConnectedAccount;
    let audit: AuditSession;
    let summaryTotal: number | undefined;
    let corrections: QboSalesReceipt[];

    beforeAll(async () => {
      account = await connectAccount(stack.current, { name: 'Summary edit shop' });
      audit = await openAuditSession(stack.current, account.realmId);
      await putSettings(stack.current, account.accountId, {
        transactionMode: 'summary_sales_receipt',
      });
      const summaries = stack.current.services.qbo.app.get(SummaryPostingService);
      const original: Order = {
        ...buildSampleShopifyOrder(),
        accountId: account.accountId,
        channelOrderId: '920001',
        orderNumber: '#9201',
      };

      await publishOrder(nats, original);
      await waitForSyncEvent(stack.current, account.accountId, '920001', 'received');
      await summaries.postDue(new Date());
      summaryTotal = (
        await query<QboSalesReceipt>(
          audit,
          'SalesReceipt',
          "select * from SalesReceipt where DocNumber = 'S-20080110'",
        )
      )[0]?.TotalAmt;

      const edited: Order = {
        ...original,
        updatedAt: '2008-01-12T09:00:00-05:00',
        lines: [
          ...original.lines,
          buildLine({ lineId: 'case', sku: 'CASE', name: 'Case', unitPrice: 1500, taxable: false }),
        ],
        totals: {
          ...original.totals,
          subtotal: original.totals.subtotal + 1500,
          total: original.totals.total + 1500,
        },
      };

      await publishOrder(nats, edited);
      await waitForSyncEventMatching(
        stack.current,
        account.accountId,
        'the edit stored',
        (event) => event.channelOrderId === '920001' && event.message.startsWith('Edited after'),
      );
      await summaries.postDue(new Date());
      await summaries.postDue(new Date());
      corrections = await query<QboSalesReceipt>(
        audit,
        'SalesReceipt',
        "select * from SalesReceipt where DocNumber = '9201-E1'",
      );
    }, 120_000);

    it('posts the daily summary once', () => {
      expect(summaryTotal).toBe(598.94);
    });

    it('posts the difference as a correcting receipt', () => {
      expect(corrections).toHaveLength(1);
      expect(corrections[0]?.TotalAmt).toBe(15);
    });

    it('dates the correction on the edit', () => {
      expect((corrections[0] as QboSalesReceipt & { TxnDate?: string })?.TxnDate).toBe(
        '2008-01-12',
      );
    });

    it('logs the correction', async () => {
      const posted = await waitForSyncEventMatching(
        stack.current,
        account.accountId,
        'the correction posted',
        (event) => event.documentKind === 'summary_correction' && event.status === 'posted',
      );

      expect(posted.documentKind).toBe('summary_correction');
      expect(posted.message).toContain('difference of 15.00 USD');
    });

    it('never posts the order again', async () => {
      const all = await query<QboSalesReceipt>(audit, 'SalesReceipt', 'select * from SalesReceipt');

      // Both accounts post to the same sandbox company, so only this order's receipts count.
      const forOrder = all.filter((receipt) => receipt.PrivateNote?.includes('(920001)'));

      expect(forOrder.map((receipt) => receipt.DocNumber).sort()).toEqual([
        '9201-E1',
        'S-20080110',
      ]);
    });
  });
});
