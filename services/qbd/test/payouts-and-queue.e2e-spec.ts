import { randomUUID } from 'node:crypto';

import {
  type Order,
  type OrderReady,
  type Payout,
  type PayoutReady,
  type PayoutTransaction,
  Subjects,
  type SyncEvent,
} from '@qbsync/contracts';
import { JetStreamService, type RunningService } from '@qbsync/platform';
import { waitFor, withInfrastructure } from '@qbsync/testing';
import { buildLine, buildOrder } from '@qbsync/testing/dist/orders';
import { connect, type NatsConnection } from 'nats';

import { PayoutIntake } from '../src/payouts/payout-intake.service';
import { type QbdConfig } from '../src/qbd.config';
import { QueueAdmin } from '../src/queue-admin/queue-admin.service';
import { QueueIntake } from '../src/queue/queue-intake.service';
import { SessionRepository } from '../src/session/session.repository';
import {
  collectSyncEvents,
  newCompany,
  pair,
  type Pairing,
  publishOrder,
  queue,
  startQbd,
  transactionsOf,
  waitForSyncEvent,
  webConnector,
} from './harness';

function orderReady(
  accountId: string,
  channelOrderId: string,
  order: Partial<Order> = {},
): OrderReady {
  return {
    order: buildOrder({ accountId, channelOrderId, orderNumber: channelOrderId, ...order }),
    target: 'qbd',
    documentKind: 'sales_receipt',
    ruleSetVersion: 1,
    appliedRules: [],
  };
}

function charge(channelOrderId: string, gross: number, fee: number): PayoutTransaction {
  return {
    transactionId: `txn-${channelOrderId}`,
    type: 'charge',
    channelOrderId,
    orderNumber: channelOrderId,
    gross,
    fee,
    net: gross - fee,
  };
}

function payoutReady(
  accountId: string,
  payoutId: string,
  transactions: PayoutTransaction[],
  amount = transactions.reduce((sum, transaction) => sum + transaction.net, 0),
): PayoutReady {
  const payout: Payout = {
    schemaVersion: 1,
    accountId,
    connectionId: `qbd-${accountId}`,
    channel: 'shopify',
    payoutId,
    status: 'paid',
    date: '2025-07-04',
    currency: 'USD',
    amount,
    transactions,
    source: {
      kind: 'webhook',
      receivedAt: '2025-07-04T09:00:00Z',
      rawRef: `shopify:payout:${payoutId}`,
    },
  };

  return { payout, target: 'qbd' };
}

async function publishPayout(
  service: RunningService<QbdConfig>,
  ready: PayoutReady,
  delivery = 'first',
): Promise<void> {
  await service.app.get(JetStreamService).publish(Subjects.PayoutReadyForQbd, ready, {
    messageId: `${ready.payout.accountId}:${ready.payout.payoutId}:${delivery}`,
  });
}

function transactionId(accountId: string, channelOrderId: string): string {
  return `${accountId}|shopify|${channelOrderId}|sales_receipt`;
}

function depositId(accountId: string, payoutId: string): string {
  return `${accountId}|payout|shopify|${payoutId}|deposit`;
}

async function waitForEntry(
  service: RunningService<QbdConfig>,
  id: string,
  state?: string,
): Promise<void> {
  await waitFor(
    async () => {
      const [entry] = await queue(service).findIndex([id]);

      return entry !== undefined && (state === undefined || entry.state === state);
    },
    { timeoutMs: 30_000, description: `queue entry ${id}${state ? ` in state ${state}` : ''}` },
  );
}

async function stateOf(
  service: RunningService<QbdConfig>,
  id: string,
): Promise<string | undefined> {
  return (await queue(service).findIndex([id]))[0]?.state;
}

describe('payout deposits, replace and the Queue tab', () => {
  const infra = withInfrastructure();
  let service: RunningService<QbdConfig>;
  let nats: NatsConnection;
  const events: SyncEvent[] = [];

  beforeAll(async () => {
    service = await startQbd(infra.current, 'qbd-payouts', { QBD_SESSION_LOCK_IDLE_SECONDS: '1' });
    nats = await connect({ servers: infra.current.natsUrl });
    collectSyncEvents(nats, events);
  }, 120_000);
  afterAll(async () => {
    await nats?.close();
    await service?.stop();
  });

  describe('deposit match', () => {
    const accountId = randomUUID();
    const company = newCompany();
    let pairing: Pairing;
    const payout = payoutReady(accountId, 'po_100', [
      charge('7001', 1000, 59),
      charge('7002', 2500, 103),
      charge('7003', 1250, 66),
    ]);

    beforeAll(async () => {
      pairing = await pair(service, accountId);
    });

    it('deposits three receipts as the payout', async () => {
      await publishOrder(service, orderReady(accountId, '7001'));
      await publishOrder(
        service,
        orderReady(accountId, '7002', {
          lines: [buildLine({ lineId: 'b', sku: 'MUG', unitPrice: 1250, quantity: 2 })],
          totals: { subtotal: 2500, discounts: 0, shipping: 0, tax: 0, total: 2500 },
        }),
      );
      await publishOrder(
        service,
        orderReady(accountId, '7003', {
          lines: [buildLine({ lineId: 'c', sku: 'MUG', unitPrice: 1250 })],
          totals: { subtotal: 1250, discounts: 0, shipping: 0, tax: 0, total: 1250 },
        }),
      );

      for (const orderId of ['7001', '7002', '7003']) {
        await waitForEntry(service, transactionId(accountId, orderId));
      }

      await publishPayout(service, payout);
      await waitForEntry(service, depositId(accountId, 'po_100'));
      const reports = await webConnector(service, pairing, company).runUntilIdle(20);
      const receipts = transactionsOf(company, 'SalesReceipt');
      const deposits = transactionsOf(company, 'Deposit');

      expect(receipts).toHaveLength(3);
      expect(deposits).toHaveLength(1);
      expect(deposits[0]?.total).toBe(payout.payout.amount);
      expect(deposits[0]?.memo).toBe('Payout po_100 from shopify');
      expect(
        receipts.every(
          (receipt) => company.transactions.get(receipt.txnId)?.depositedIn === deposits[0]?.txnId,
        ),
      ).toBe(true);
      expect(reports.at(-1)?.authentication).toBe('none');

      const posted = await waitForSyncEvent(
        events,
        (event) => event.entityId === 'po_100' && event.status === 'posted',
      );

      expect(posted.entity).toBe('payout');
      expect(posted.documentTotal).toBe(4522);
      expect(posted.channelOrderId).toBeUndefined();
    });

    it('queues nothing for a redelivered payout', async () => {
      const outcome = await service.app.get(PayoutIntake).queuePayout(payout, false);

      await publishPayout(service, payout, 'second');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await webConnector(service, pairing, company).runUntilIdle(5);

      expect(outcome).toBe('ack');
      expect(transactionsOf(company, 'Deposit')).toHaveLength(1);
      expect(company.applied.get('DepositAdd')).toBe(1);
    });

    it('fails an unbalanced payout naming the gap', async () => {
      const unbalanced = payoutReady(accountId, 'po_101', [charge('7001', 1000, 59)], 1000);

      await publishPayout(service, unbalanced);
      const failed = await waitForSyncEvent(
        events,
        (event) => event.entityId === 'po_101' && event.status === 'failed',
      );

      expect(failed.message).toContain('a gap of 0.59');
      expect(failed.message).toContain('No deposit was queued');
      expect(await queue(service).findIndex([depositId(accountId, 'po_101')])).toHaveLength(0);
    });

    it('waits for a sale not yet queued', async () => {
      const early = payoutReady(accountId, 'po_102', [charge('7999', 1000, 59)]);
      const intake = service.app.get(PayoutIntake);

      expect(await intake.queuePayout(early, false)).toBe('retry');
      expect(await intake.queuePayout(early, true)).toBe('ack');
      const failed = await waitForSyncEvent(
        events,
        (event) => event.entityId === 'po_102' && event.status === 'failed',
      );

      expect(failed.message).toContain('charge txn-7999 (order 7999)');
      expect(failed.fix).toContain('Re-sync those orders');
      expect(await queue(service).findIndex([depositId(accountId, 'po_102')])).toHaveLength(0);
    });

    it('refuses to replace a deposited order', async () => {
      await publishOrder(
        service,
        orderReady(accountId, '7001', {
          updatedAt: '2025-07-05T10:00:00Z',
          lines: [buildLine({ lineId: 'a', sku: 'CAP', unitPrice: 1500 })],
          totals: { subtotal: 1500, discounts: 0, shipping: 0, tax: 0, total: 1500 },
        }),
      );
      await waitForSyncEvent(
        events,
        (event) =>
          event.accountId === accountId &&
          event.channelOrderId === '7001' &&
          event.message.includes('was edited on the channel'),
      );
      const result = await service.app.get(QueueIntake).replaceOnRequest({
        accountId,
        channel: 'shopify',
        channelOrderId: '7001',
      });

      expect(result.outcome).toBe('rejected');
      expect(result.message).toContain('deposit of payout po_100');
      expect(transactionsOf(company, 'SalesReceipt')).toHaveLength(3);
    });
  });

  describe('a payout whose sale has not posted', () => {
    const accountId = randomUUID();
    const company = newCompany();
    let pairing: Pairing;

    beforeAll(async () => {
      pairing = await pair(service, accountId);
    });

    it('holds the deposit until retry', async () => {
      await publishOrder(service, orderReady(accountId, '8001'));
      await waitForEntry(service, transactionId(accountId, '8001'));
      await publishPayout(service, payoutReady(accountId, 'po_200', [charge('8001', 1000, 59)]));
      await waitForEntry(service, depositId(accountId, 'po_200'));
      company.faults.push({
        requestName: 'SalesReceiptAdd',
        statusCode: 3140,
        statusMessage:
          'There is an invalid reference to QuickBooks Item "Widget" in the Sales Receipt line.',
        times: 1,
      });
      await webConnector(service, pairing, company).runUntilIdle(10);

      expect(await stateOf(service, transactionId(accountId, '8001'))).toBe('failed');
      expect(await stateOf(service, depositId(accountId, 'po_200'))).toBe('held');
      expect(transactionsOf(company, 'Deposit')).toHaveLength(0);

      const retried = await service.app.get(QueueAdmin).act({
        accountId,
        entryId: transactionId(accountId, '8001'),
        action: 'retry',
      });

      expect(retried.changed).toEqual([
        { entryId: transactionId(accountId, '8001'), state: 'queued' },
        { entryId: depositId(accountId, 'po_200'), state: 'queued' },
      ]);
      await webConnector(service, pairing, company).runUntilIdle(10);

      expect(transactionsOf(company, 'SalesReceipt')).toHaveLength(1);
      expect(transactionsOf(company, 'Deposit').map((deposit) => deposit.total)).toEqual([941]);
      await waitForSyncEvent(
        events,
        (event) =>
          event.accountId === accountId && event.message.includes('queued again by the user'),
      );
    });

    it('lists the queue by state, page by page', async () => {
      const admin = service.app.get(QueueAdmin);
      const first = await admin.list({ accountId, state: 'posted', limit: 2 });
      const second = await admin.list({
        accountId,
        state: 'posted',
        limit: 2,
        cursor: first.nextCursor,
      });
      const failed = await admin.list({ accountId, state: 'failed', limit: 50 });

      expect(first.entries).toHaveLength(2);
      expect(first.nextCursor).toBeDefined();
      expect(second.entries.length).toBeGreaterThan(0);
      expect(second.entries.map((entry) => entry.entryId)).not.toContain(first.entries[0]?.entryId);
      expect([...first.entries, ...second.entries].every((entry) => entry.state === 'posted')).toBe(
        true,
      );
      expect([...first.entries, ...second.entries].every((entry) => entry.qbId)).toBe(true);
      expect(failed.entries).toHaveLength(0);
    });

    it('rejects retrying an entry that has not failed', async () => {
      await expect(
        service.app.get(QueueAdmin).act({
          accountId,
          entryId: depositId(accountId, 'po_200'),
          action: 'retry',
        }),
      ).rejects.toThrow('only a failed or skipped entry can be retried');
    });
  });

  describe('skip and cancel', () => {
    it('skips a customer added by hand', async () => {
      const accountId = randomUUID();
      const pairing = await pair(service, accountId);
      const company = newCompany();

      await publishOrder(
        service,
        orderReady(accountId, '9001', { customer: { firstName: 'Ada', lastName: 'Lovelace' } }),
      );
      await waitForEntry(service, transactionId(accountId, '9001'));
      company.faults.push({ requestName: 'CustomerAdd', statusCode: 3100, times: 1 });
      await webConnector(service, pairing, company).runUntilIdle(10);
      const customerId = `${accountId}|customer|ada lovelace`;

      expect(await stateOf(service, customerId)).toBe('failed');
      expect(await stateOf(service, transactionId(accountId, '9001'))).toBe('held');

      // The user adds the customer in QuickBooks by hand, then skips the failed add.
      company.addListRecord('Customer', 'CustomerRet', 'Ada Lovelace', { refs: [] });
      const skipped = await service.app
        .get(QueueAdmin)
        .act({ accountId, entryId: customerId, action: 'skip' });

      expect(skipped.changed).toEqual([
        { entryId: customerId, state: 'skipped' },
        { entryId: transactionId(accountId, '9001'), state: 'queued' },
      ]);
      await webConnector(service, pairing, company).runUntilIdle(10);

      expect(transactionsOf(company, 'SalesReceipt').map((receipt) => receipt.entityName)).toEqual([
        'Ada Lovelace',
      ]);
    });

    it('undoes a mistaken skip with retry', async () => {
      const accountId = randomUUID();
      const pairing = await pair(service, accountId);
      const company = newCompany();

      await publishOrder(
        service,
        orderReady(accountId, '9051', { customer: { firstName: 'Grace', lastName: 'Hopper' } }),
      );
      await waitForEntry(service, transactionId(accountId, '9051'));
      const customerId = `${accountId}|customer|grace hopper`;
      const admin = service.app.get(QueueAdmin);

      await admin.act({ accountId, entryId: customerId, action: 'skip' });
      const retried = await admin.act({ accountId, entryId: customerId, action: 'retry' });

      await webConnector(service, pairing, company).runUntilIdle(10);

      expect(retried.changed).toContainEqual({ entryId: customerId, state: 'queued' });
      expect(await stateOf(service, customerId)).toBe('posted');
      expect(transactionsOf(company, 'SalesReceipt').map((receipt) => receipt.entityName)).toEqual([
        'Grace Hopper',
      ]);
    });

    it('cancels the deposit of a skipped sale', async () => {
      const accountId = randomUUID();

      await pair(service, accountId);
      await publishOrder(service, orderReady(accountId, '9101'));
      await waitForEntry(service, transactionId(accountId, '9101'));
      await publishPayout(service, payoutReady(accountId, 'po_300', [charge('9101', 1000, 59)]));
      await waitForEntry(service, depositId(accountId, 'po_300'));
      const skipped = await service.app.get(QueueAdmin).act({
        accountId,
        entryId: transactionId(accountId, '9101'),
        action: 'skip',
      });

      expect(skipped.changed).toEqual([
        { entryId: transactionId(accountId, '9101'), state: 'skipped' },
        { entryId: depositId(accountId, 'po_300'), state: 'cancelled' },
      ]);
    });

    it('cancels queued work so it never posts', async () => {
      const accountId = randomUUID();
      const pairing = await pair(service, accountId);
      const company = newCompany();

      await publishOrder(service, orderReady(accountId, '9201'));
      await waitForEntry(service, transactionId(accountId, '9201'));
      const cancelled = await service.app.get(QueueAdmin).act({
        accountId,
        entryId: transactionId(accountId, '9201'),
        action: 'cancel',
      });

      await webConnector(service, pairing, company).runUntilIdle(10);

      expect(cancelled.changed).toEqual([
        { entryId: transactionId(accountId, '9201'), state: 'cancelled' },
      ]);
      expect(transactionsOf(company, 'SalesReceipt')).toHaveLength(0);
      await waitForSyncEvent(
        events,
        (event) =>
          event.accountId === accountId &&
          event.message.includes('removed from the QuickBooks Desktop queue'),
      );
    });
  });

  describe('a request in a live session', () => {
    it('is listed as sent and locked', async () => {
      const accountId = randomUUID();
      const pairing = await pair(service, accountId);
      const company = newCompany();
      const receiptId = transactionId(accountId, '9301');
      const admin = service.app.get(QueueAdmin);

      await publishOrder(service, orderReady(accountId, '9301'));
      await waitForEntry(service, receiptId);
      const client = webConnector(service, pairing, company);

      // The first message reads the lists. The client stops after receiving the second message,
      // which carries the sales receipt, so the session stays open with the receipt in flight.
      client.injectFault('none');
      client.injectFault('give_up');
      const report = await client.runSession();

      // The test service lets a silent session lapse after 1 s; a later lastSeenAt keeps it live.
      await service.app
        .get(SessionRepository)
        .update(report.ticket, { lastSeenAt: new Date(Date.now() + 60_000) });
      const sent = await admin.list({ accountId, state: 'sent', limit: 50 });
      const queued = await admin.list({ accountId, state: 'queued', limit: 50 });

      expect(report.closed).toBe(false);
      expect(sent.entries.map((entry) => entry.entryId)).toContain(receiptId);
      expect(queued.entries.map((entry) => entry.entryId)).not.toContain(receiptId);
      await expect(admin.act({ accountId, entryId: receiptId, action: 'cancel' })).rejects.toThrow(
        'is in the message the Web Connector is processing',
      );

      await service.app
        .get(SessionRepository)
        .update(report.ticket, { lastSeenAt: new Date(Date.now() - 60_000) });
      const lapsed = await admin.list({ accountId, state: 'sent', limit: 50 });

      expect(lapsed.entries).toHaveLength(0);
      await webConnector(service, pairing, company).runUntilIdle(10);

      expect(transactionsOf(company, 'SalesReceipt')).toHaveLength(1);
    });
  });

  describe('replace', () => {
    it('deletes the posted receipt and posts the revision', async () => {
      const accountId = randomUUID();
      const pairing = await pair(service, accountId);
      const company = newCompany();

      await publishOrder(service, orderReady(accountId, '6001'));
      await waitForEntry(service, transactionId(accountId, '6001'));
      await webConnector(service, pairing, company).runUntilIdle(10);
      const [original] = transactionsOf(company, 'SalesReceipt');

      await publishOrder(
        service,
        orderReady(accountId, '6001', {
          updatedAt: '2025-07-03T08:00:00Z',
          lines: [buildLine({ lineId: 'a', sku: 'MUG', unitPrice: 1250, quantity: 3 })],
          totals: { subtotal: 3750, discounts: 0, shipping: 0, tax: 0, total: 3750 },
        }),
      );
      await waitForSyncEvent(
        events,
        (event) =>
          event.accountId === accountId && event.message.includes('was edited on the channel'),
      );
      const result = await service.app.get(QueueIntake).replaceOnRequest({
        accountId,
        channel: 'shopify',
        channelOrderId: '6001',
      });

      expect(result.outcome).toBe('queued');
      await webConnector(service, pairing, company).runUntilIdle(10);
      const receipts = transactionsOf(company, 'SalesReceipt');

      expect(receipts.map((receipt) => receipt.total)).toEqual([3750]);
      expect(company.transactions.has(original!.txnId)).toBe(false);
      expect(company.applied.get('TxnDel')).toBe(1);
      expect(await stateOf(service, transactionId(accountId, '6001'))).toBe('posted');
      expect(await stateOf(service, `${transactionId(accountId, '6001')}|delete|1`)).toBe('posted');
      expect(await stateOf(service, `${transactionId(accountId, '6001')}|revision|1`)).toBe(
        'posted',
      );
    });

    it('counts a document already gone as deleted', async () => {
      const accountId = randomUUID();
      const pairing = await pair(service, accountId, { autoReplaceEditedOrders: true });
      const company = newCompany();

      await publishOrder(service, orderReady(accountId, '6401'));
      await waitForEntry(service, transactionId(accountId, '6401'));
      await webConnector(service, pairing, company).runUntilIdle(10);
      const [original] = transactionsOf(company, 'SalesReceipt');

      // The user deletes the receipt in QuickBooks before the replace's TxnDel reaches it.
      company.transactions.delete(original!.txnId);
      await publishOrder(
        service,
        orderReady(accountId, '6401', {
          updatedAt: '2025-07-03T08:00:00Z',
          lines: [buildLine({ lineId: 'a', sku: 'MUG', unitPrice: 800 })],
          totals: { subtotal: 800, discounts: 0, shipping: 0, tax: 0, total: 800 },
        }),
      );
      await waitForEntry(service, `${transactionId(accountId, '6401')}|revision|1`);
      await webConnector(service, pairing, company).runUntilIdle(10);

      expect(transactionsOf(company, 'SalesReceipt').map((receipt) => receipt.total)).toEqual([
        800,
      ]);
      expect(await stateOf(service, `${transactionId(accountId, '6401')}|delete|1`)).toBe('posted');
    });

    /** Posts order `orderId`, then queues the replace of an edited revision without running it. */
    async function queueReplace(accountId: string, orderId: string) {
      const pairing = await pair(service, accountId, { autoReplaceEditedOrders: true });
      const company = newCompany();

      await publishOrder(service, orderReady(accountId, orderId));
      await waitForEntry(service, transactionId(accountId, orderId));
      await webConnector(service, pairing, company).runUntilIdle(10);
      await publishOrder(
        service,
        orderReady(accountId, orderId, {
          updatedAt: '2025-07-03T08:00:00Z',
          lines: [buildLine({ lineId: 'a', sku: 'MUG', unitPrice: 900 })],
          totals: { subtotal: 900, discounts: 0, shipping: 0, tax: 0, total: 900 },
        }),
      );
      await waitForEntry(service, `${transactionId(accountId, orderId)}|revision|1`);

      return { pairing, company };
    }

    it('keeps the receipt when the revision is cancelled', async () => {
      const accountId = randomUUID();
      const { pairing, company } = await queueReplace(accountId, '6501');
      const cancelled = await service.app.get(QueueAdmin).act({
        accountId,
        entryId: `${transactionId(accountId, '6501')}|revision|1`,
        action: 'cancel',
      });

      await webConnector(service, pairing, company).runUntilIdle(10);

      expect(cancelled.changed).toContainEqual({
        entryId: `${transactionId(accountId, '6501')}|delete|1`,
        state: 'cancelled',
      });
      expect(company.applied.get('TxnDel') ?? 0).toBe(0);
      expect(transactionsOf(company, 'SalesReceipt')).toHaveLength(1);
    });

    it('cancels the revision when the deletion is skipped', async () => {
      const accountId = randomUUID();
      const { pairing, company } = await queueReplace(accountId, '6601');
      const skipped = await service.app.get(QueueAdmin).act({
        accountId,
        entryId: `${transactionId(accountId, '6601')}|delete|1`,
        action: 'skip',
      });

      await webConnector(service, pairing, company).runUntilIdle(10);

      expect(skipped.changed).toContainEqual({
        entryId: `${transactionId(accountId, '6601')}|revision|1`,
        state: 'cancelled',
      });
      expect(transactionsOf(company, 'SalesReceipt')).toHaveLength(1);
    });

    it('replaces automatically with autoReplaceEditedOrders', async () => {
      const accountId = randomUUID();
      const pairing = await pair(service, accountId, { autoReplaceEditedOrders: true });
      const company = newCompany();

      await publishOrder(service, orderReady(accountId, '6101'));
      await waitForEntry(service, transactionId(accountId, '6101'));
      await webConnector(service, pairing, company).runUntilIdle(10);
      await publishOrder(
        service,
        orderReady(accountId, '6101', {
          updatedAt: '2025-07-03T08:00:00Z',
          lines: [buildLine({ lineId: 'a', sku: 'MUG', unitPrice: 700 })],
          totals: { subtotal: 700, discounts: 0, shipping: 0, tax: 0, total: 700 },
        }),
      );
      await waitForEntry(service, `${transactionId(accountId, '6101')}|revision|1`);
      await webConnector(service, pairing, company).runUntilIdle(10);

      expect(transactionsOf(company, 'SalesReceipt').map((receipt) => receipt.total)).toEqual([
        700,
      ]);
    });

    it('fails a closed-period deletion after five sessions', async () => {
      const accountId = randomUUID();
      const pairing = await pair(service, accountId, { autoReplaceEditedOrders: true });
      const company = newCompany();

      await publishOrder(service, orderReady(accountId, '6201'));
      await waitForEntry(service, transactionId(accountId, '6201'));
      await webConnector(service, pairing, company).runUntilIdle(10);
      company.closingDate = '2025-12-31';
      await publishOrder(
        service,
        orderReady(accountId, '6201', {
          updatedAt: '2025-07-03T08:00:00Z',
          lines: [buildLine({ lineId: 'a', sku: 'MUG', unitPrice: 700 })],
          totals: { subtotal: 700, discounts: 0, shipping: 0, tax: 0, total: 700 },
        }),
      );
      const deletion = `${transactionId(accountId, '6201')}|delete|1`;

      await waitForEntry(service, deletion);
      await webConnector(service, pairing, company).runUntilIdle(10);
      const [entry] = await queue(service).findByIds([deletion]);

      // A closed period is retried in the next sessions, five times, then fails.
      expect(entry?.state).toBe('failed');
      expect(entry?.transientFailures).toBe(5);
      expect(company.applied.get('TxnDel') ?? 0).toBe(0);
      expect(entry?.status?.code).toBe(3180);
      expect(entry?.status?.message).toContain('closing date');
      expect(entry?.fix).toContain('closing date');
      expect(await stateOf(service, `${transactionId(accountId, '6201')}|revision|1`)).toBe('held');
      expect(transactionsOf(company, 'SalesReceipt').map((receipt) => receipt.total)).toEqual([
        1000,
      ]);
    });

    it('reposts a receipt deleted in QuickBooks on re-sync', async () => {
      const accountId = randomUUID();
      const pairing = await pair(service, accountId);
      const company = newCompany();
      const ready = orderReady(accountId, '6301');

      await publishOrder(service, ready);
      await waitForEntry(service, transactionId(accountId, '6301'));
      await webConnector(service, pairing, company).runUntilIdle(10);
      const [original] = transactionsOf(company, 'SalesReceipt');

      company.transactions.delete(original!.txnId);
      await service.app.get(JetStreamService).publish(Subjects.OrderReadyForQbd, ready, {
        messageId: `${accountId}:6301:resync`,
      });
      await waitForEntry(service, transactionId(accountId, '6301'), 'unknown');
      await webConnector(service, pairing, company).runUntilIdle(10);
      const receipts = transactionsOf(company, 'SalesReceipt');
      const [result] = (
        await queue(service).findResults([transactionId(accountId, '6301')])
      ).values();

      expect(receipts).toHaveLength(1);
      expect(receipts[0]?.txnId).not.toBe(original!.txnId);
      expect(result?.qbId).toBe(receipts[0]?.txnId);
    });
  });
});
