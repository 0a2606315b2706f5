import {
  type OrderReady,
  type QboPostingSettingsInput,
  type QboPostingSettingsReply,
  type Refund,
  type RefundReady,
  Subjects,
} from '@qbsync/contracts';
import {
  buildRefundLine,
  buildSampleShopifyOrder,
  buildSampleShopifyRefund,
} from '@qbsync/testing/dist/orders';
import { waitFor, withInfrastructure } from '@qbsync/testing';
import { connect, JSONCodec, type NatsConnection } from 'nats';

import {
  callGateway,
  type ConnectedAccount,
  connectAccount,
  listSyncEvents,
  type LoggedSyncEvent,
  waitForSyncEvent,
} from './support/gateway';
import { type AuditSession, openAuditSession, query } from './support/quickbooks';
import { deliverWebhook, orderWithId, SAMPLE_ORDER_ID, sampleOrder } from './support/shopify';
import { type Stack, useStack } from './support/stack';

const infra = withInfrastructure();
const ORDER_ID = String(SAMPLE_ORDER_ID);

interface QboDocument {
  Id: string;
  ClassRef?: { value: string; name?: string };
  DepartmentRef?: { value: string; name?: string };
  DocNumber?: string;
  TotalAmt: number;
  Balance?: number;
  PrivateNote?: string;
  CustomerRef?: { value: string };
  DepositToAccountRef?: { value: string; name?: string };
  PaymentMethodRef?: { value: string; name?: string };
  Line: Array<{ LinkedTxn?: Array<{ TxnId: string; TxnType: string }>; Amount: number }>;
}

async function putSettings(
  stack: Stack,
  accountId: string,
  settings: QboPostingSettingsInput,
): Promise<{ status: number; body: QboPostingSettingsReply & { message?: string } }> {
  return callGateway(
    stack,
    'PUT',
    `/api/accounts/${accountId}/connections/quickbooks-online/settings`,
    {
      body: settings,
    },
  );
}

/** Publishes as the rules service does; `delivery` distinguishes messages of the same refund. */
async function publishRefund(
  nats: NatsConnection,
  account: ConnectedAccount,
  refund: Refund,
  delivery = 'first',
) {
  const ready: RefundReady = {
    refund: { ...refund, accountId: account.accountId },
    target: 'qbo',
    ruleSetVersion: 0,
    appliedRules: [],
  };

  await nats.jetstream().publish(Subjects.RefundReadyForQbo, JSONCodec().encode(ready), {
    msgID: `refund:${account.accountId}:${refund.channelRefundId}:${delivery}`,
  });
}

/** Waits for the refund's posted (or failed) event in the activity log. */
async function waitForRefundEvent(
  stack: Stack,
  accountId: string,
  refundId: string,
): Promise<LoggedSyncEvent> {
  return waitFor(
    async () => {
      const events = await listSyncEvents(stack, accountId, { orderId: ORDER_ID });

      return events.find(
        (event) =>
          // The activity log keeps the document kind and message, not the event's entity id.
          event.documentKind === 'refund' &&
          event.message.includes(refundId) &&
          (event.status === 'posted' || event.status === 'failed' || event.status === 'rejected'),
      );
    },
    { timeoutMs: 30_000, intervalMs: 100, description: `an outcome of refund ${refundId}` },
  );
}

describe('QuickBooks Online documents', () => {
  const stack = useStack(infra);
  let nats: NatsConnection;

  beforeAll(async () => {
    nats = await connect({ servers: infra.current.natsUrl });
  });

  afterAll(async () => {
    await nats.drain();
  });

  describe('posting settings API', () => {
    let account: ConnectedAccount;

    beforeAll(async () => {
      account = await connectAccount(stack.current, { name: 'Settings shop' });
    });

    it('returns the defaults', async () => {
      const result = await callGateway<QboPostingSettingsReply>(
        stack.current,
        'GET',
        `/api/accounts/${account.accountId}/connections/quickbooks-online/settings`,
      );

      expect(result.status).toBe(200);
      expect(result.body.settings.transactionMode).toBe('sales_receipt');
      expect(result.body.settings.customerMatching.mode).toBe('first_last');
      expect(result.body.updatedAt).toBeUndefined();
    });

    it('stores a replacement', async () => {
      const result = await putSettings(stack.current, account.accountId, {
        transactionMode: 'estimate',
        docNumberPrefix: 'SS-',
      });
      const read = await callGateway<QboPostingSettingsReply>(
        stack.current,
        'GET',
        `/api/accounts/${account.accountId}/connections/quickbooks-online/settings`,
      );

      expect(result.status).toBe(200);
      expect(read.body.settings.transactionMode).toBe('estimate');
      expect(read.body.settings.docNumberPrefix).toBe('SS-');
      expect(read.body.updatedAt).toEqual(expect.any(String));
    });

    it('rejects an unknown mode naming the field', async () => {
      const result = await putSettings(stack.current, account.accountId, {
        transactionMode: 'sales_order' as never,
      });

      expect(result.status).toBe(400);
      expect(JSON.stringify(result.body)).toContain('transactionMode');
    });

    it('keeps the stored settings after a misspelt key', async () => {
      const result = await putSettings(stack.current, account.accountId, {
        transactionMod: 'invoice',
      } as never);
      const read = await callGateway<QboPostingSettingsReply>(
        stack.current,
        'GET',
        `/api/accounts/${account.accountId}/connections/quickbooks-online/settings`,
      );

      expect(result.status).toBe(400);
      expect(JSON.stringify(result.body)).toContain('unknown setting \\"transactionMod\\"');
      expect(read.body.settings.transactionMode).toBe('estimate');
      expect(read.body.settings.docNumberPrefix).toBe('SS-');
    });

    it('rejects an unknown time zone naming the field', async () => {
      const result = await putSettings(stack.current, account.accountId, {
        timeZone: 'Mars/Olympus',
      });

      expect(result.status).toBe(400);
      expect(JSON.stringify(result.body)).toContain('timeZone');
    });

    it('answers 404 for an unknown account', async () => {
      const result = await putSettings(stack.current, 'no-such-account', {});

      expect(result.status).toBe(404);
    });
  });

  describe('sales receipt and refunds', () => {
    let account: ConnectedAccount;
    let audit: AuditSession;
    let firstRefund: LoggedSyncEvent;
    let secondRefund: LoggedSyncEvent;

    beforeAll(async () => {
      account = await connectAccount(stack.current, { name: 'Refund shop' });
      audit = await openAuditSession(stack.current, account.realmId);
      await deliverWebhook(stack.current, account, sampleOrder());
      await waitForSyncEvent(stack.current, account.accountId, ORDER_ID, 'posted');
      await publishRefund(nats, account, buildSampleShopifyRefund());
      firstRefund = await waitForRefundEvent(stack.current, account.accountId, '509562969');
      await publishRefund(nats, account, {
        ...buildSampleShopifyRefund(),
        channelRefundId: '509562970',
        lines: [
          buildRefundLine({
            lineId: '466157049',
            sku: 'IPOD2008GREEN',
            amount: 10000,
            restock: false,
          }),
        ],
        adjustments: [],
        taxLines: [],
        transactions: [],
        totals: { subtotal: 10000, shipping: 0, tax: 0, adjustments: 0, total: 10000 },
      });
      secondRefund = await waitForRefundEvent(stack.current, account.accountId, '509562970');
    }, 120_000);

    it('posts the first refund', () => {
      expect(firstRefund.status).toBe('posted');
      expect(firstRefund.documentTotal).toBe(20900);
    });

    it('numbers the first refund like the sale', async () => {
      const [receipt] = await query<QboDocument>(
        audit,
        'RefundReceipt',
        `select * from RefundReceipt where Id = '${firstRefund.documentId}'`,
      );

      expect(receipt?.DocNumber).toBe('1001');
      expect(receipt?.TotalAmt).toBe(209);
      expect(receipt?.PrivateNote).toContain('shopify refund 509562969 of order 450789469');
    });

    it('numbers the second refund with a suffix', async () => {
      const [receipt] = await query<QboDocument>(
        audit,
        'RefundReceipt',
        `select * from RefundReceipt where Id = '${secondRefund.documentId}'`,
      );

      expect(secondRefund.status).toBe('posted');
      expect(receipt?.DocNumber).toBe('1001-1');
      expect(receipt?.TotalAmt).toBe(100);
    });

    it('posts goods without restock to the no-restock item', async () => {
      const items = await query<{ Name: string }>(
        audit,
        'Item',
        "select * from Item where Name = 'ShopifyNoRestock'",
      );

      expect(items).toHaveLength(1);
    });

    it('posts a redelivered refund once', async () => {
      // A new message id, as a repeated channel webhook gets, so JetStream delivers it again.
      await publishRefund(nats, account, buildSampleShopifyRefund(), 'second');
      await waitFor(
        async () =>
          (await listSyncEvents(stack.current, account.accountId, { orderId: ORDER_ID })).find(
            (event) => event.documentKind === 'refund' && event.status === 'skipped',
          ),
        { timeoutMs: 20_000, intervalMs: 100, description: 'a skipped refund event' },
      );
      const receipts = await query<QboDocument>(
        audit,
        'RefundReceipt',
        'select * from RefundReceipt',
      );

      expect(receipts).toHaveLength(2);
    });
  });

  describe('invoice plus payment', () => {
    let account: ConnectedAccount;
    let audit: AuditSession;
    let invoice: QboDocument | undefined;
    let payments: QboDocument[];

    beforeAll(async () => {
      account = await connectAccount(stack.current, { name: 'Invoice shop' });
      audit = await openAuditSession(stack.current, account.realmId);
      await putSettings(stack.current, account.accountId, {
        transactionMode: 'invoice_with_payment',
        docNumberPrefix: 'SS-',
        paymentMethods: [{ gateway: 'bogus', paymentMethod: 'Visa' }],
      });
      await deliverWebhook(stack.current, account, sampleOrder());
      await waitFor(
        async () => {
          const posted = await listSyncEvents(stack.current, account.accountId, {
            orderId: ORDER_ID,
            status: 'posted',
          });

          return posted.some((event) => event.documentKind === 'payment') ? posted : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 100, description: 'a posted payment' },
      );
      [invoice] = await query<QboDocument>(
        audit,
        'Invoice',
        "select * from Invoice where DocNumber = 'SS-1001'",
      );
      payments = await query<QboDocument>(audit, 'Payment', 'select * from Payment');
    }, 120_000);

    it('posts the invoice with the channel total', () => {
      expect(invoice?.TotalAmt).toBe(598.94);
    });

    it('applies one payment per tender', () => {
      expect(payments).toHaveLength(1);
      expect(payments[0]?.TotalAmt).toBe(598.94);
      expect(payments[0]?.Line[0]?.LinkedTxn?.[0]).toEqual({
        TxnId: invoice?.Id,
        TxnType: 'Invoice',
      });
    });

    it('maps the gateway to a payment method', () => {
      expect(payments[0]?.PaymentMethodRef?.name).toBe('Visa');
    });

    it('leaves nothing due', () => {
      expect(invoice?.Balance).toBe(0);
    });

    it('pays back a refund of a paid invoice with a refund receipt', async () => {
      await publishRefund(nats, account, buildSampleShopifyRefund());
      const event = await waitForRefundEvent(stack.current, account.accountId, '509562969');
      const receipts = await query<QboDocument>(
        audit,
        'RefundReceipt',
        `select * from RefundReceipt where Id = '${event.documentId}'`,
      );

      expect(event.status).toBe('posted');
      expect(receipts[0]?.DocNumber).toBe('SS-1001');
      expect(receipts[0]?.TotalAmt).toBe(209);
    });
  });

  describe('invoice without payment', () => {
    let account: ConnectedAccount;
    let audit: AuditSession;

    beforeAll(async () => {
      account = await connectAccount(stack.current, { name: 'Unpaid invoice shop' });
      audit = await openAuditSession(stack.current, account.realmId);
      await putSettings(stack.current, account.accountId, { transactionMode: 'invoice' });
      await deliverWebhook(stack.current, account, sampleOrder());
      await waitForSyncEvent(stack.current, account.accountId, ORDER_ID, 'posted');
    }, 120_000);

    it('credits a refund of an unpaid invoice with a credit memo', async () => {
      await publishRefund(nats, account, buildSampleShopifyRefund());
      const event = await waitForRefundEvent(stack.current, account.accountId, '509562969');
      const memos = await query<QboDocument>(
        audit,
        'CreditMemo',
        `select * from CreditMemo where Id = '${event.documentId}'`,
      );

      expect(event.status).toBe('posted');
      expect(memos).toHaveLength(1);
      expect(memos[0]?.TotalAmt).toBe(209);
      expect(memos[0]?.DocNumber).toBe('1001');
    });
  });

  describe('estimate mode and a failed customer', () => {
    let account: ConnectedAccount;
    let audit: AuditSession;

    beforeAll(async () => {
      account = await connectAccount(stack.current, { name: 'Estimate shop' });
      audit = await openAuditSession(stack.current, account.realmId);
    }, 60_000);

    it('posts an estimate', async () => {
      await putSettings(stack.current, account.accountId, { transactionMode: 'estimate' });
      await deliverWebhook(stack.current, account, orderWithId(9200000001));
      await waitForSyncEvent(stack.current, account.accountId, '9200000001', 'posted');
      const estimates = await query<QboDocument>(audit, 'Estimate', 'select * from Estimate');

      expect(estimates).toHaveLength(1);
      expect(estimates[0]?.TotalAmt).toBe(598.94);
    });

    it('fails an order whose customer is missing', async () => {
      await putSettings(stack.current, account.accountId, {
        customerMatching: { mode: 'last_first', missingCustomerAction: 'fail' },
      });
      await deliverWebhook(stack.current, account, orderWithId(9200000002));
      const failed = await waitForSyncEvent(
        stack.current,
        account.accountId,
        '9200000002',
        'failed',
      );

      expect(failed.message).toContain('No QuickBooks customer is named "Norman, Bob"');
      expect(failed.message).toContain('Order #1001');
      expect(failed.fix).toContain('re-sync');
    });
  });
  describe('rule overrides', () => {
    let account: ConnectedAccount;
    let audit: AuditSession;
    let invoice: QboDocument | undefined;

    beforeAll(async () => {
      account = await connectAccount(stack.current, { name: 'Override shop' });
      audit = await openAuditSession(stack.current, account.realmId);
      await putSettings(stack.current, account.accountId, { location: 'Warehouse' });
      const ready: OrderReady = {
        order: {
          ...buildSampleShopifyOrder(),
          accountId: account.accountId,
          channelOrderId: '9400000001',
          orderNumber: '#RULE-1',
        },
        target: 'qbo',
        documentKind: 'sales_receipt',
        ruleSetVersion: 3,
        appliedRules: ['Map Transaction Type', 'Map Order Class'],
        overrides: { transactionType: 'invoice', className: 'Online', lines: [] },
      };

      // As the rules service publishes a rewritten order.
      await nats.jetstream().publish(Subjects.OrderReadyForQbo, JSONCodec().encode(ready), {
        msgID: `ready:${account.accountId}:9400000001`,
      });
      const posted = await waitForSyncEvent(
        stack.current,
        account.accountId,
        '9400000001',
        'posted',
      );

      [invoice] = await query<QboDocument>(
        audit,
        'Invoice',
        `select * from Invoice where Id = '${posted.documentId}'`,
      );
    }, 60_000);

    it('posts the document type the rule chose', () => {
      expect(invoice?.DocNumber).toBe('RULE-1');
    });

    it('sets the class the rule chose', () => {
      expect(invoice?.ClassRef?.name).toBe('Online');
    });

    it('keeps the location of the settings', () => {
      expect(invoice?.DepartmentRef?.name).toBe('Warehouse');
    });
  });

  describe('refund of an order that has not posted', () => {
    let account: ConnectedAccount;
    let failed: LoggedSyncEvent;
    let refund: LoggedSyncEvent;
    let sale: LoggedSyncEvent;

    beforeAll(async () => {
      account = await connectAccount(stack.current, { name: 'Late original shop' });
      await putSettings(stack.current, account.accountId, {
        customerMatching: { mode: 'billing_company_else_single', missingCustomerAction: 'fail' },
      });
      await deliverWebhook(stack.current, account, sampleOrder());
      failed = await waitForSyncEvent(stack.current, account.accountId, ORDER_ID, 'failed');

      // The user fixes the setting; the refund that arrives next posts the order first.
      await putSettings(stack.current, account.accountId, {});
      await publishRefund(nats, account, buildSampleShopifyRefund());
      // Wait for the posted refund itself: a refund the connector passed on from the order's
      // own webhook may have failed earlier, while the order could not post.
      refund = await waitFor(
        async () =>
          (
            await listSyncEvents(stack.current, account.accountId, {
              orderId: ORDER_ID,
              status: 'posted',
            })
          ).find((event) => event.documentKind === 'refund'),
        { timeoutMs: 30_000, intervalMs: 100, description: 'the posted refund' },
      );
      sale = await waitFor(
        async () =>
          (
            await listSyncEvents(stack.current, account.accountId, {
              orderId: ORDER_ID,
              status: 'posted',
            })
          ).find((event) => event.documentKind === 'sales_receipt'),
        { timeoutMs: 20_000, intervalMs: 100, description: 'the posted sale' },
      );
    }, 120_000);

    it('first failed the order', () => {
      expect(failed.message).toContain('No QuickBooks customer is named "Web Store"');
    });

    it('posts the order before the refund', () => {
      expect(Date.parse(sale.recordedAt)).toBeLessThanOrEqual(Date.parse(refund.recordedAt));
    });

    it('posts the refund', () => {
      expect(refund.status).toBe('posted');
    });
  });
});
