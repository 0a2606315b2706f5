import { randomUUID } from 'node:crypto';

import { type Order, type OrderReady, type RefundReady, type SyncEvent } from '@qbsync/contracts';
import { type RunningService } from '@qbsync/platform';
import { withInfrastructure } from '@qbsync/testing';
import { buildLine, buildOrder, buildRefund, buildRefundLine } from '@qbsync/testing/dist/orders';
import { connect, type NatsConnection } from 'nats';

import { QueueIntake } from '../src/queue/queue-intake.service';
import { type QbdConfig } from '../src/qbd.config';
import { SummaryPostingService } from '../src/summary/summary-posting.service';
import {
  collectSyncEvents,
  newCompany,
  pair,
  queue,
  startQbd,
  transactionsOf,
  waitForQueue,
  waitForSyncEvent,
  webConnector,
} from './harness';

function ready(accountId: string, order: Partial<Order>): OrderReady {
  return {
    order: buildOrder({ accountId, connectionId: `qbd-${accountId}`, ...order }),
    target: 'qbd',
    documentKind: 'sales_receipt',
    ruleSetVersion: 1,
    appliedRules: [],
  };
}

function refundReady(accountId: string, refund: Parameters<typeof buildRefund>[0]): RefundReady {
  return {
    refund: buildRefund({ accountId, connectionId: `qbd-${accountId}`, ...refund }),
    target: 'qbd',
    ruleSetVersion: 1,
    appliedRules: [],
  };
}

/** Returns the calendar day (YYYY-MM-DD, UTC) `days` from today. */
function dayFromToday(days: number): string {
  const date = new Date();

  date.setUTCDate(date.getUTCDate() + days);

  return date.toISOString().slice(0, 10);
}

/** Sums the line amounts QuickBooks recorded for a journal entry: debits plus, credits minus. */
function journalBalance(lines: Array<{ amount: number }>): number {
  return lines.reduce((sum, line) => sum + line.amount, 0);
}

describe('summaries, COGS journal entries and standalone refunds', () => {
  const infra = withInfrastructure();
  let service: RunningService<QbdConfig>;
  let nats: NatsConnection;
  const events: SyncEvent[] = [];

  beforeAll(async () => {
    service = await startQbd(infra.current, 'qbd-summary-cogs', {
      QBD_SESSION_LOCK_IDLE_SECONDS: '1',
    });
    nats = await connect({ servers: infra.current.natsUrl });
    collectSyncEvents(nats, events);
  }, 120_000);
  afterAll(async () => {
    await nats?.close();
    await service?.stop();
  });

  it('posts a day summary at close and a late order as adjustment', async () => {
    const accountId = randomUUID();
    const pairing = await pair(service, accountId, {
      summaryMode: 'summary_sales_receipt',
      timeZone: 'America/New_York',
    });
    const intake = service.app.get(QueueIntake);
    const summaries = service.app.get(SummaryPostingService);
    // Local noon in New York on a day three days ahead, so its summary closes only when asked.
    const day = dayFromToday(3);
    const placedAt = `${day}T12:00:00-04:00`;
    const order = (id: string, sku: string, unitPrice: number, quantity: number) =>
      ready(accountId, {
        channelOrderId: id,
        orderNumber: `#${id}`,
        createdAt: placedAt,
        updatedAt: placedAt,
        processedAt: placedAt,
        lines: [buildLine({ lineId: id, sku, name: sku, unitPrice, quantity, taxable: false })],
        totals: {
          subtotal: unitPrice * quantity,
          discounts: 0,
          shipping: 0,
          tax: 0,
          total: unitPrice * quantity,
        },
      });

    await intake.queueOrder(order('501', 'MUG', 1250, 2));
    await intake.queueOrder(order('502', 'MUG', 1250, 1));
    await intake.queueOrder(order('503', 'CAP', 999, 3));
    // A redelivery of an order changes nothing.
    await intake.queueOrder(order('503', 'CAP', 999, 3));

    await summaries.queueDue(new Date(`${day}T23:00:00-04:00`));
    expect(await queue(service).countInState(accountId, 'queued')).toBe(0);

    const closedAt = new Date(`${day}T23:00:00-04:00`);

    closedAt.setUTCDate(closedAt.getUTCDate() + 1);
    await summaries.queueDue(closedAt);
    await summaries.queueDue(closedAt);

    const company = newCompany();
    const client = webConnector(service, pairing, company);

    await client.runUntilIdle(10);

    const receipts = transactionsOf(company, 'SalesReceipt');
    const compactDay = day.slice(2).replace(/-/g, '');

    expect(receipts).toHaveLength(1);
    expect(receipts[0]?.refNumber).toBe(`S${compactDay}`);
    expect(receipts[0]?.total).toBe(2500 + 1250 + 2997);
    expect(receipts[0]?.entityName).toBe('Online Sales Summary');
    expect(
      company.transactions.get(receipts[0]!.txnId)?.lines.map((line) => line.quantity),
    ).toEqual(['3', '3']);

    // The next run names the posted summary in each order's events.
    await summaries.queueDue(closedAt);
    const queued = await waitForSyncEvent(
      events,
      (event) =>
        event.accountId === accountId &&
        event.channelOrderId === '501' &&
        event.status === 'received' &&
        event.message.startsWith('Queued in'),
    );
    const posted = await waitForSyncEvent(
      events,
      (event) =>
        event.accountId === accountId &&
        event.channelOrderId === '502' &&
        event.status === 'posted',
    );

    expect(queued.message).toContain(`summary sales receipt S${compactDay} of ${day}`);
    expect(posted.message).toContain(`Posted in summary sales receipt S${compactDay}`);
    expect(posted.documentId).toBe(receipts[0]!.txnId);
    expect(posted.documentKind).toBe('summary_sales_receipt');

    // An order of the same day arrives after its summary was queued and posted.
    await intake.queueOrder(order('504', 'MUG', 1250, 4));
    await intake.queueOrder(order('502', 'MUG', 1250, 1));
    await summaries.queueDue(closedAt);
    await summaries.queueDue(closedAt);
    await client.runUntilIdle(10);

    const afterLate = transactionsOf(company, 'SalesReceipt');

    expect(afterLate).toHaveLength(2);
    expect(afterLate[1]?.refNumber).toBe(`S${compactDay}-1`);
    expect(afterLate[1]?.total).toBe(5000);
    expect(afterLate[1]?.memo).toContain('#504');
    expect(afterLate[1]?.memo).not.toContain('#502');

    const redelivered = await waitForSyncEvent(
      events,
      (event) =>
        event.accountId === accountId &&
        event.channelOrderId === '502' &&
        event.status === 'skipped',
    );

    expect(redelivered.message).toContain('already in the summary sales receipt');
    expect(await queue(service).countInState(accountId, 'failed')).toBe(0);
  }, 120_000);

  it('posts a summary with its COGS journal entry', async () => {
    const accountId = randomUUID();
    const pairing = await pair(service, accountId, {
      summaryMode: 'summary_invoice',
      cogsJournalEntries: true,
    });
    const company = newCompany({ customers: ['Online Sales Summary'] });

    company.addListRecord('Item', 'ItemServiceRet', 'SETUP', {
      fields: [
        ['SalesPrice', '30.00'],
        ['PurchaseCost', '12.00'],
      ],
      refs: [['SalesTaxCodeRef', 'Non']],
    });
    const client = webConnector(service, pairing, company);
    const intake = service.app.get(QueueIntake);
    const day = dayFromToday(4);
    const placedAt = `${day}T12:00:00Z`;

    await client.runSession();
    for (const [id, quantity] of [
      ['551', 1],
      ['552', 2],
    ] as const) {
      await intake.queueOrder(
        ready(accountId, {
          channelOrderId: id,
          orderNumber: id,
          createdAt: placedAt,
          updatedAt: placedAt,
          lines: [
            buildLine({ lineId: id, sku: 'SETUP', name: 'Setup', unitPrice: 3000, quantity }),
          ],
          totals: {
            subtotal: 3000 * quantity,
            discounts: 0,
            shipping: 0,
            tax: 0,
            total: 3000 * quantity,
          },
        }),
      );
    }

    await service.app.get(SummaryPostingService).queueDue(new Date(`${dayFromToday(6)}T00:00:00Z`));
    await client.runUntilIdle(10);

    const [invoice] = transactionsOf(company, 'Invoice');
    const journals = transactionsOf(company, 'JournalEntry');

    expect(invoice?.total).toBe(9000);
    expect(journals).toHaveLength(1);
    expect(journals[0]?.total).toBe(3600);
    expect(journalBalance(company.transactions.get(journals[0]!.txnId)!.lines)).toBe(0);
  }, 120_000);

  it('posts a COGS journal entry once and reverses a restock', async () => {
    const accountId = randomUUID();
    const pairing = await pair(service, accountId, { cogsJournalEntries: true });
    const company = newCompany();

    company.addListRecord('Item', 'ItemNonInventoryRet', 'MUG', {
      fields: [
        ['SalesPrice', '12.50'],
        ['PurchaseCost', '4.10'],
      ],
      refs: [['SalesTaxCodeRef', 'Non']],
    });
    company.addListRecord('Item', 'ItemNonInventoryRet', 'CAP', {
      fields: [['SalesPrice', '9.99']],
      refs: [['SalesTaxCodeRef', 'Non']],
    });
    const client = webConnector(service, pairing, company);
    const intake = service.app.get(QueueIntake);

    // The first session reads the lists, so the list copy has both items and the mug's cost.
    await client.runSession();
    const sale = ready(accountId, {
      channelOrderId: '601',
      orderNumber: '601',
      customer: { firstName: 'Jane', lastName: 'Doe' },
      lines: [
        buildLine({ lineId: 'a', sku: 'MUG', name: 'Mug', unitPrice: 1250, quantity: 3 }),
        buildLine({ lineId: 'b', sku: 'CAP', name: 'Cap', unitPrice: 999, quantity: 1 }),
      ],
      totals: { subtotal: 4749, discounts: 0, shipping: 0, tax: 0, total: 4749 },
    });

    await intake.queueOrder(sale);
    await intake.queueOrder(sale);
    await waitForQueue(service, accountId, 'queued', 3);
    await client.runUntilIdle(10);

    const journals = transactionsOf(company, 'JournalEntry');
    const journal = company.transactions.get(journals[0]!.txnId)!;

    expect(journals).toHaveLength(1);
    expect(journal.total).toBe(1230);
    expect(journalBalance(journal.lines)).toBe(0);
    expect(journal.lines.map((line) => line.account)).toEqual([
      'Cost of Goods Sold',
      'Inventory Asset',
    ]);
    expect(journal.refNumber).toBe('601');

    const salePosted = await waitForSyncEvent(
      events,
      (event) =>
        event.accountId === accountId &&
        event.status === 'posted' &&
        event.documentKind === 'sales_receipt',
    );

    expect(salePosted.message).toContain('item CAP has no purchase cost');

    const outcome = await intake.queueRefund(
      refundReady(accountId, {
        channelOrderId: '601',
        orderNumber: '601',
        channelRefundId: 'r-601',
        lines: [buildRefundLine({ lineId: 'a', sku: 'MUG', quantity: 1, amount: 1250 })],
        transactions: [],
        totals: { subtotal: 1250, shipping: 0, tax: 0, adjustments: 0, total: 1250 },
      }),
      false,
    );

    expect(outcome).toBe('ack');
    await client.runUntilIdle(10);

    const afterRefund = transactionsOf(company, 'JournalEntry');
    const reversal = company.transactions.get(afterRefund[1]!.txnId)!;

    expect(afterRefund).toHaveLength(2);
    expect(reversal.total).toBe(410);
    expect(reversal.lines.map((line) => line.account)).toEqual([
      'Inventory Asset',
      'Cost of Goods Sold',
    ]);
    expect(journalBalance(reversal.lines)).toBe(0);
    expect(transactionsOf(company, 'CreditMemo')).toHaveLength(1);
    expect(await queue(service).countInState(accountId, 'failed')).toBe(0);
  }, 120_000);

  it('posts a refund of an order never posted standalone', async () => {
    const accountId = randomUUID();
    const pairing = await pair(service, accountId);
    const intake = service.app.get(QueueIntake);
    const refund = refundReady(accountId, {
      channelOrderId: '701',
      orderNumber: '701',
      channelRefundId: 'r-701',
      lines: [buildRefundLine({ sku: 'MUG', quantity: 2, amount: 2500 })],
      transactions: [],
      totals: { subtotal: 2500, shipping: 0, tax: 0, adjustments: 0, total: 2500 },
    });

    // Before its last delivery the refund waits for its order.
    expect(await intake.queueRefund(refund, false)).toBe('retry');
    expect(await queue(service).countInState(accountId, 'queued')).toBe(0);

    expect(await intake.queueRefund(refund, true)).toBe('ack');
    const standalone = await waitForSyncEvent(
      events,
      (event) =>
        event.accountId === accountId &&
        event.entityId === 'r-701' &&
        event.message.includes('never reached QuickBooks Desktop'),
    );

    expect(standalone.status).toBe('received');
    const company = newCompany();

    await webConnector(service, pairing, company).runUntilIdle(10);

    const [creditMemo] = transactionsOf(company, 'CreditMemo');
    const [cardRefund] = transactionsOf(company, 'ARRefundCreditCard');

    expect(creditMemo?.total).toBe(2500);
    expect(creditMemo?.entityName).toBe('Channel Refunds');
    expect(cardRefund?.total).toBe(2500);
    expect(company.transactions.get(creditMemo!.txnId)?.open).toBe(0);
    expect(await queue(service).countInState(accountId, 'failed')).toBe(0);
  }, 120_000);
});
