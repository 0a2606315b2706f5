import { randomUUID } from 'node:crypto';

import {
  type Order,
  type OrderReady,
  type RefundReady,
  REFUND_SCHEMA_VERSION,
} from '@qbsync/contracts';
import { type RunningService } from '@qbsync/platform';
import { withInfrastructure } from '@qbsync/testing';
import {
  buildLine,
  buildOrder,
  buildPayment,
  buildSampleShopifyOrder,
} from '@qbsync/testing/dist/orders';

import { CompanyListsHandler } from '../src/lists/company-lists.handler';
import { QueueIntake } from '../src/queue/queue-intake.service';
import { type QbdConfig } from '../src/qbd.config';
import {
  newCompany,
  pair,
  publishOrder,
  publishRefund,
  queue,
  startQbd,
  transactionsOf,
  waitForQueue,
  webConnector,
} from './harness';

function ready(
  accountId: string,
  overrides: Omit<Partial<OrderReady>, 'order'> & { order?: Partial<Order> } = {},
): OrderReady {
  const { order, ...rest } = overrides;

  return {
    order: buildOrder({ accountId, ...order }),
    target: 'qbd',
    documentKind: 'sales_receipt',
    ruleSetVersion: 1,
    appliedRules: [],
    ...rest,
  };
}

describe('Web Connector sessions', () => {
  const infra = withInfrastructure();
  let service: RunningService<QbdConfig>;

  beforeAll(async () => {
    // A one-second lock lets the next session start right after one whose connection dropped.
    service = await startQbd(infra.current, 'qbd-sessions', { QBD_SESSION_LOCK_IDLE_SECONDS: '1' });
  }, 120_000);
  afterAll(async () => {
    await service?.stop();
  });

  it('posts orders with their customers and items once', async () => {
    const accountId = randomUUID();
    const pairing = await pair(service, accountId);
    const sample = buildSampleShopifyOrder();

    await publishOrder(service, ready(accountId, { order: { ...sample, accountId } }));
    await publishOrder(
      service,
      ready(accountId, {
        order: {
          channelOrderId: '2001',
          orderNumber: '#2001',
          customer: { firstName: 'Zoë', lastName: "O'Brien & Sons" },
          lines: [
            buildLine({
              lineId: 'a',
              sku: 'MUG-<RED>',
              name: 'Mug "red"',
              unitPrice: 1250,
              quantity: 2,
            }),
          ],
          totals: { subtotal: 2500, discounts: 0, shipping: 0, tax: 0, total: 2500 },
        },
      }),
    );
    await publishOrder(
      service,
      ready(accountId, {
        order: {
          channelOrderId: '2002',
          orderNumber: '#2002',
          customer: { firstName: 'Zoë', lastName: "O'Brien & Sons" },
          lines: [buildLine({ lineId: 'b', sku: 'MUG-<RED>', name: 'Mug "red"', unitPrice: 1250 })],
          totals: { subtotal: 1250, discounts: 0, shipping: 0, tax: 0, total: 1250 },
        },
      }),
    );
    await waitForQueue(service, accountId, 'queued', 3);
    const company = newCompany();
    const reports = await webConnector(service, pairing, company).runUntilIdle(20);

    const receipts = transactionsOf(company, 'SalesReceipt');

    expect(receipts).toHaveLength(3);
    expect(receipts.map((receipt) => receipt.refNumber).sort()).toEqual(['1001', '2001', '2002']);
    expect(receipts.find((receipt) => receipt.refNumber === '1001')?.total).toBe(
      sample.totals.total,
    );
    expect(receipts.find((receipt) => receipt.refNumber === '2001')?.entityName).toBe(
      "Zoë O'Brien & Sons",
    );
    expect(
      [...company.lists.values()].filter((record) => record.fullName === "Zoë O'Brien & Sons"),
    ).toHaveLength(1);
    expect(
      [...company.lists.values()].filter((record) => record.fullName === 'MUG-<RED>'),
    ).toHaveLength(1);
    expect(reports.at(-1)?.authentication).toBe('none');
    expect(reports.filter((report) => report.lostToTimeBudget)).toHaveLength(0);
    expect(await queue(service).countInState(accountId, 'queued')).toBe(0);
  });

  it('answers nvu to a wrong password', async () => {
    const pairing = await pair(service, randomUUID());
    const [report] = await webConnector(
      service,
      { ...pairing, password: 'wrong-password' },
      newCompany(),
    ).runUntilIdle(1);

    expect(report?.authentication).toBe('nvu');
  });

  it('answers none when nothing is queued', async () => {
    const accountId = randomUUID();
    const pairing = await pair(service, accountId);
    const company = newCompany();

    // The first session reads the lists; the next finds nothing to do.
    const reports = await webConnector(service, pairing, company).runUntilIdle(5);

    expect(reports.map((report) => report.authentication)).toEqual(['ok', 'none']);
  });

  it('sends a failure to the failed lane without blocking other orders', async () => {
    const accountId = randomUUID();
    const pairing = await pair(service, accountId);

    await publishOrder(
      service,
      ready(accountId, {
        order: {
          channelOrderId: '3001',
          orderNumber: '3001',
          customer: { firstName: 'Acme', lastName: 'Supply' },
        },
      }),
    );
    await publishOrder(
      service,
      ready(accountId, {
        order: {
          channelOrderId: '3002',
          orderNumber: '3002',
          customer: { firstName: 'Jane', lastName: 'Doe' },
        },
      }),
    );
    await waitForQueue(service, accountId, 'queued', 2);
    // A vendor has the first customer's name, so QuickBooks rejects the customer with 3100.
    const company = newCompany({ vendors: ['Acme Supply'] });

    await webConnector(service, pairing, company).runUntilIdle(10);

    expect(transactionsOf(company, 'SalesReceipt').map((receipt) => receipt.refNumber)).toEqual([
      '3002',
    ]);
    const [failedCustomer] = await queue(service).list(accountId, 'failed', 10);
    const [held] = await queue(service).list(accountId, 'held', 10);

    expect(failedCustomer?.status?.code).toBe(3100);
    expect(failedCustomer?.status?.message).toContain('Acme Supply');
    expect(failedCustomer?.fix).toContain('Rename');
    expect(held?._id).toContain('3001');
  });

  it('looks up a request whose response was lost instead of posting it twice', async () => {
    const accountId = randomUUID();
    const pairing = await pair(service, accountId);

    await publishOrder(
      service,
      ready(accountId, { order: { channelOrderId: '4001', orderNumber: '4001' } }),
    );
    await waitForQueue(service, accountId, 'queued', 2);
    const company = newCompany();
    const client = webConnector(service, pairing, company);

    // The first message reads the lists; the second posts the customer, item and receipt, and
    // its response never reaches the service.
    client.injectFault('none');
    client.injectFault('drop_response');
    const dropped = await client.runSession();

    expect(dropped.closed).toBe(false);
    expect(transactionsOf(company, 'SalesReceipt')).toHaveLength(1);

    await new Promise((resolve) => setTimeout(resolve, 1500));
    const reports = await client.runUntilIdle(10);

    expect(transactionsOf(company, 'SalesReceipt')).toHaveLength(1);
    expect(company.applied.get('SalesReceiptQuery')).toBe(1);
    expect(await queue(service).countInState(accountId, 'posted')).toBe(3);
    expect(reports.at(-1)?.authentication).toBe('none');
  });

  it('retries a record in use at the next session', async () => {
    const accountId = randomUUID();
    const pairing = await pair(service, accountId);

    await publishOrder(
      service,
      ready(accountId, { order: { channelOrderId: '5001', orderNumber: '5001' } }),
    );
    await waitForQueue(service, accountId, 'queued', 1);
    const company = newCompany();

    company.faults.push({ requestName: 'SalesReceiptAdd', statusCode: 3175, times: 1 });
    const client = webConnector(service, pairing, company);
    const first = await client.runSession();

    expect(first.closed).toBe(true);
    expect(transactionsOf(company, 'SalesReceipt')).toHaveLength(0);

    await client.runUntilIdle(5);

    expect(transactionsOf(company, 'SalesReceipt')).toHaveLength(1);
  });

  it('rereads a customer after an EditSequence conflict', async () => {
    const accountId = randomUUID();
    const pairing = await pair(service, accountId, { updateCustomerContact: true });
    const company = newCompany({ customers: ['Jane Doe'] });
    const client = webConnector(service, pairing, company);

    await client.runSession();
    await publishOrder(
      service,
      ready(accountId, {
        order: {
          channelOrderId: '5501',
          orderNumber: '5501',
          customer: { firstName: 'Jane', lastName: 'Doe', email: 'jane@example.com' },
        },
      }),
    );
    await waitForQueue(service, accountId, 'queued', 2);
    // Someone saves the customer in QuickBooks between the list read and the modify.
    company.faults.push({
      requestName: 'CustomerMod',
      statusCode: 3200,
      statusMessage: 'The provided edit sequence "1" is out-of-date.',
      times: 1,
    });

    await client.runUntilIdle(5);

    const jane = [...company.lists.values()].find((record) => record.fullName === 'Jane Doe')!;

    expect(company.applied.get('CustomerMod')).toBe(1);
    expect(jane.fields).toContainEqual(['Email', 'jane@example.com']);
    expect(transactionsOf(company, 'SalesReceipt')).toHaveLength(1);
    expect(await queue(service).countInState(accountId, 'failed')).toBe(0);
  });

  it('applies an invoice payment by the TxnID QuickBooks assigned', async () => {
    const accountId = randomUUID();
    const pairing = await pair(service, accountId);

    await publishOrder(
      service,
      ready(accountId, {
        documentKind: 'invoice',
        overrides: { transactionType: 'invoice_with_payment', lines: [] },
        order: {
          channelOrderId: '6001',
          orderNumber: '6001',
          payments: [buildPayment({ amount: 1000, transactionId: 'ch_6001' })],
        },
      }),
    );
    await waitForQueue(service, accountId, 'queued', 3);
    const company = newCompany();

    await webConnector(service, pairing, company).runUntilIdle(10);

    const [invoice] = transactionsOf(company, 'Invoice');
    const [payment] = transactionsOf(company, 'ReceivePayment');

    expect(invoice).toBeDefined();
    expect(payment?.total).toBe(1000);
    expect(company.transactions.get(invoice!.txnId)?.open).toBe(0);
  });

  it('posts refund after its order', async () => {
    const accountId = randomUUID();
    const pairing = await pair(service, accountId);
    const order = buildOrder({ accountId, channelOrderId: '7001', orderNumber: '7001' });
    const refund: RefundReady = {
      target: 'qbd',
      ruleSetVersion: 1,
      appliedRules: [],
      refund: {
        schemaVersion: REFUND_SCHEMA_VERSION,
        accountId,
        connectionId: order.connectionId,
        channel: 'shopify',
        channelOrderId: '7001',
        orderNumber: '7001',
        channelRefundId: 'r-7001',
        createdAt: '2025-07-03T10:00:00Z',
        status: 'completed',
        kind: 'refund',
        currency: 'USD',
        lines: [
          {
            lineId: order.lines[0]!.lineId,
            sku: order.lines[0]!.sku,
            name: order.lines[0]!.name,
            quantity: 1,
            amount: 1000,
            tax: 0,
            restock: true,
          },
        ],
        shipping: { amount: 0, tax: 0 },
        adjustments: [],
        taxLines: [],
        transactions: [],
        totals: { subtotal: 1000, shipping: 0, tax: 0, adjustments: 0, total: 1000 },
        customFields: [],
        source: order.source,
      },
    };

    await publishOrder(service, {
      order,
      target: 'qbd',
      documentKind: 'sales_receipt',
      ruleSetVersion: 1,
      appliedRules: [],
    });
    await waitForQueue(service, accountId, 'queued', 1);
    await publishRefund(service, refund);
    await waitFor(async () =>
      (await queue(service).list(accountId, undefined, 100)).some((entry) =>
        entry._id.includes('r-7001'),
      ),
    );
    const company = newCompany();

    await webConnector(service, pairing, company).runUntilIdle(10);

    const [creditMemo] = transactionsOf(company, 'CreditMemo');
    const [cardRefund] = transactionsOf(company, 'ARRefundCreditCard');

    expect(creditMemo?.total).toBe(1000);
    expect(creditMemo?.refNumber).toBe('7001');
    expect(cardRefund?.total).toBe(1000);
  });

  it('refuses a session from another company file', async () => {
    const accountId = randomUUID();
    const pairing = await pair(service, accountId);
    const first = newCompany({ companyFile: 'C:\\Books\\Store.qbw' });

    await webConnector(service, pairing, first).runSession();
    await publishOrder(
      service,
      ready(accountId, { order: { channelOrderId: '8001', orderNumber: '8001' } }),
    );
    await waitForQueue(service, accountId, 'queued', 1);

    const other = newCompany({ companyFile: 'C:\\Books\\Other.qbw' });
    const report = await webConnector(service, pairing, other, {
      openCompanyFile: other.companyFile,
    }).runSession();

    expect(report.connectionError ?? report.lastError).toBeDefined();
    expect(transactionsOf(other, 'SalesReceipt')).toHaveLength(0);
  });

  it('fails a line naming an inventory site when the company file has none', async () => {
    const accountId = randomUUID();
    const pairing = await pair(service, accountId);

    await publishOrder(
      service,
      ready(accountId, {
        overrides: { lines: [{ lineId: 'line-1', inventorySite: 'B30' }] },
        order: {
          channelOrderId: '9001',
          orderNumber: '9001',
          lines: [buildLine({ lineId: 'line-1' })],
        },
      }),
    );
    await waitForQueue(service, accountId, 'queued', 1);
    const company = newCompany({ features: { inventorySites: false } });

    await webConnector(service, pairing, company).runUntilIdle(5);

    const failed = await queue(service).list(accountId, 'failed', 10);

    expect(failed.map((entry) => entry.status?.code)).toEqual([3250]);
    expect(failed[0]?.status?.message).toContain('inventory sites');
  });

  it('reads large lists with iterators and answers the company lists request', async () => {
    const accountId = randomUUID();
    const pairing = await pair(service, accountId);
    const customers = Array.from(
      { length: 250 },
      (_, index) => `Customer ${String(index).padStart(3, '0')}`,
    );
    const company = newCompany({ customers, features: { inventorySites: true } });
    const [report] = await webConnector(service, pairing, company).runUntilIdle(1);
    const lists = await service.app.get(CompanyListsHandler).get({ accountId });

    // One message for every list, then two Continue pages of the 100-per-page customer iterator.
    expect(report?.messages).toBe(3);
    expect(lists.inventorySites.map((site) => site.name)).toEqual(['B30', 'Main Warehouse']);
    expect(
      lists.accounts.find((account) => account.name === 'Undeposited Funds')?.accountType,
    ).toBe('OtherCurrentAsset');
    expect(lists.priceLevels.map((level) => level.name)).toEqual(['Wholesale']);
  });

  it('ends a session at its time budget and continues in the next', async () => {
    const budgeted = await startQbd(infra.current, 'qbd-sessions-budget', {
      QBD_SESSION_BUDGET_SECONDS: '1',
      QBD_MAX_REQUESTS_PER_MESSAGE: '2',
    });

    try {
      const accountId = randomUUID();
      const pairing = await pair(budgeted, accountId);

      // Queued through the intake directly: the main service's consumer would take JetStream
      // messages, because both services share the durable consumer.
      for (let index = 0; index < 8; index += 1) {
        await budgeted.app.get(QueueIntake).queueOrder(
          ready(accountId, {
            order: { channelOrderId: `10${index}`, orderNumber: `10${index}` },
          }),
        );
      }

      await waitForQueue(budgeted, accountId, 'queued', 10);
      const company = newCompany();
      const reports = await webConnector(budgeted, pairing, company, {
        quickBooksMsPerRequest: 150,
        sessionBudgetMs: 20_000,
      }).runUntilIdle(30);

      expect(transactionsOf(company, 'SalesReceipt')).toHaveLength(8);
      expect(reports.filter((report) => report.authentication === 'ok').length).toBeGreaterThan(1);
      expect(reports.filter((report) => report.lostToTimeBudget)).toHaveLength(0);
      expect(reports.every((report) => report.authentication !== 'ok' || report.closed)).toBe(true);

      const metrics = await (await fetch(`${budgeted.url}/metrics`)).text();
      const sessionsMeasured = /^qbsync_qbd_session_seconds_count (\d+)/m.exec(metrics)?.[1];
      const posted = /^qbsync_qbd_session_requests_total\{outcome="posted"\} (\d+)/m.exec(metrics);

      expect(Number(sessionsMeasured)).toBeGreaterThan(1);
      expect(Number(posted?.[1])).toBeGreaterThanOrEqual(8);
    } finally {
      await budgeted.stop();
    }
  });
});

async function waitFor(predicate: () => Promise<boolean>): Promise<void> {
  const { waitFor: wait } = await import('@qbsync/testing');

  await wait(predicate, { timeoutMs: 30_000 });
}
