import { randomUUID } from 'node:crypto';

import { withInfrastructure } from '@qbsync/testing';

import {
  type ConnectedAccount,
  connectAccount,
  listSyncEvents,
  type LoggedSyncEvent,
  waitForSyncEvent,
} from './support/gateway';
import {
  type AuditSession,
  injectFault,
  openAuditSession,
  queuedFaults,
  realmStats,
  salesReceiptsForOrder,
} from './support/quickbooks';
import {
  deliverWebhook,
  SAMPLE_ORDER_ID,
  sampleOrder,
  type WebhookResponse,
} from './support/shopify';
import { useStack } from './support/stack';

const infra = withInfrastructure();

describe('exactly-once posting', () => {
  const stack = useStack(infra);
  let account: ConnectedAccount;
  let audit: AuditSession;

  beforeAll(async () => {
    account = await connectAccount(stack.current, { name: 'Exactly once shop' });
    audit = await openAuditSession(stack.current, account.realmId);
  });

  describe('redelivered webhooks', () => {
    const orderId = String(SAMPLE_ORDER_ID);
    let retries: WebhookResponse[];
    let sameRevision: WebhookResponse;
    let laterRevision: WebhookResponse;
    let posted: LoggedSyncEvent;
    let skipped: LoggedSyncEvent;

    beforeAll(async () => {
      const order = sampleOrder();
      const webhookId = randomUUID();

      // Shopify retries a delivery with the same X-Shopify-Webhook-Id and the same body.
      retries = [];
      for (let attempt = 1; attempt <= 3; attempt++) {
        retries.push(await deliverWebhook(stack.current, account, order, { webhookId }));
      }
      posted = await waitForSyncEvent(stack.current, account.accountId, orderId, 'posted');

      sameRevision = await deliverWebhook(stack.current, account, order, {
        topic: 'orders/updated',
      });
      laterRevision = await deliverWebhook(
        stack.current,
        account,
        { ...order, updated_at: '2008-01-11T09:30:00-05:00' },
        { topic: 'orders/updated' },
      );
      skipped = await waitForSyncEvent(stack.current, account.accountId, orderId, 'skipped');
    });

    it('connector accepts every retry', () => {
      expect(retries.map((response) => response.status)).toEqual([200, 200, 200]);
    });

    it('retries are duplicates', () => {
      expect(retries.map((response) => response.body.duplicate)).toEqual([false, true, true]);
    });

    it('same revision is a duplicate', () => {
      expect(sameRevision.body.duplicate).toBe(true);
    });

    it('later revision is a new message', () => {
      expect(laterRevision.body.duplicate).toBe(false);
    });

    it('later revision is skipped', () => {
      expect(skipped.message).toContain(`sales receipt id ${posted.documentId}`);
    });

    it('posts one sales receipt', async () => {
      const receipts = await salesReceiptsForOrder(audit, orderId);

      expect(receipts).toHaveLength(1);
    });

    it('logs one posted event', async () => {
      const events = await listSyncEvents(stack.current, account.accountId, {
        orderId,
        status: 'posted',
      });

      expect(events).toHaveLength(1);
    });

    it('logs one skipped event', async () => {
      const events = await listSyncEvents(stack.current, account.accountId, {
        orderId,
        status: 'skipped',
      });

      expect(events).toHaveLength(1);
    });
  });

  describe('receipt committed before a 500', () => {
    const orderId = '1073459969';
    let posted: LoggedSyncEvent;

    beforeAll(async () => {
      // QuickBooks stores the receipt but returns 500, as when it fails after its commit.
      await injectFault(stack.current, account.realmId, {
        match: { method: 'POST', entity: 'SalesReceipt' },
        status: 500,
        afterCommit: true,
      });
      await deliverWebhook(stack.current, account, sampleOrder(Number(orderId)));
      posted = await waitForSyncEvent(stack.current, account.accountId, orderId, 'posted');
    });

    it('sandbox injected the fault', async () => {
      const stats = await realmStats(stack.current, account.realmId);

      expect(stats.injectedFaults).toBe(1);
    });

    it('no fault is left queued', async () => {
      expect(await queuedFaults(stack.current, account.realmId)).toEqual([]);
    });

    it('posts one sales receipt', async () => {
      const receipts = await salesReceiptsForOrder(audit, orderId);

      expect(receipts).toHaveLength(1);
    });

    it('posted event names the receipt', async () => {
      const [receipt] = await salesReceiptsForOrder(audit, orderId);

      expect(posted.documentId).toBe(receipt?.Id);
    });

    it('logs no failure', async () => {
      const events = await listSyncEvents(stack.current, account.accountId, {
        orderId,
        status: 'failed',
      });

      expect(events).toEqual([]);
    });
  });
});
