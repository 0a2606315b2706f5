import { randomUUID } from 'node:crypto';

import {
  type QbdConnectionStatus,
  type QbdQueueActionResult,
  type QbdQueuePage,
} from '@qbsync/contracts';
import { type RunningService } from '@qbsync/platform';
import { waitFor, withInfrastructure } from '@qbsync/testing';

import { connectDesktopAccount, requestSandbox, startQbd } from './support/desktop';
import {
  type ConnectedAccount,
  callGateway,
  listSyncEvents,
  requestGateway,
  waitForSyncEvent,
} from './support/gateway';
import { deliverWebhook, SAMPLE_ORDER_ID, sampleOrder } from './support/shopify';
import { useStack } from './support/stack';

const infra = withInfrastructure();

describe('QuickBooks Desktop Queue tab through the gateway', () => {
  const stack = useStack(infra);
  let qbd: RunningService<object>;
  let account: ConnectedAccount;
  let pairing: QbdConnectionStatus;
  let queuePath: string;

  beforeAll(async () => {
    qbd = await startQbd(infra, 'qbsync-qbd-queue');
    ({ account, pairing } = await connectDesktopAccount(stack.current, 'Desktop queue shop'));
    const { accountId } = account;

    queuePath = `/api/accounts/${accountId}/qbd/queue`;
    await deliverWebhook(stack.current, account, sampleOrder());
    await waitForSyncEvent(stack.current, accountId, String(SAMPLE_ORDER_ID), 'received');
  }, 120_000);

  afterAll(async () => {
    await qbd?.stop();
  }, 60_000);

  function salesReceiptId(): string {
    return `${account.accountId}|shopify|${SAMPLE_ORDER_ID}|sales_receipt`;
  }

  it('lists the queued sales receipt', async () => {
    const page = await waitFor(
      async () => {
        const found = await requestGateway<QbdQueuePage>(
          stack.current,
          'GET',
          `${queuePath}?state=queued`,
        );

        return found.entries.some((entry) => entry.entryId === salesReceiptId())
          ? found
          : undefined;
      },
      { timeoutMs: 20_000, description: 'the sales receipt in the queue' },
    );
    const receipt = page.entries.find((entry) => entry.entryId === salesReceiptId());

    expect(receipt?.requestName).toBe('SalesReceiptAdd');
    expect(receipt?.channelOrderId).toBe(String(SAMPLE_ORDER_ID));
    expect(receipt?.state).toBe('queued');
  });

  it('pages with a cursor', async () => {
    const first = await requestGateway<QbdQueuePage>(stack.current, 'GET', `${queuePath}?limit=1`);
    const second = await requestGateway<QbdQueuePage>(
      stack.current,
      'GET',
      `${queuePath}?limit=1&cursor=${first.nextCursor}`,
    );

    expect(first.entries).toHaveLength(1);
    expect(first.nextCursor).toBeDefined();
    expect(second.entries).toHaveLength(1);
    expect(second.entries[0]?.entryId).not.toBe(first.entries[0]?.entryId);
  });

  it('rejects an invalid state filter', async () => {
    const result = await callGateway<{ message: string }>(
      stack.current,
      'GET',
      `${queuePath}?state=lost`,
    );

    expect(result.status).toBe(400);
  });

  it('rejects retrying an entry that has not failed', async () => {
    const result = await callGateway<{ message: string }>(
      stack.current,
      'POST',
      `${queuePath}/${encodeURIComponent(salesReceiptId())}/retry`,
    );

    expect(result.status).toBe(400);
    expect(result.body.message).toContain('only a failed or skipped entry can be retried');
  });

  it('rejects an unknown action with 404', async () => {
    const result = await callGateway(
      stack.current,
      'POST',
      `${queuePath}/${encodeURIComponent(salesReceiptId())}/delete`,
    );

    expect(result.status).toBe(404);
  });

  it('rejects QuickBooks Online settings on a Desktop account', async () => {
    const result = await callGateway<{ message: string }>(
      stack.current,
      'PUT',
      `/api/accounts/${account.accountId}/connections/quickbooks-online/settings`,
      { body: { transactionMode: 'invoice' } },
    );

    expect(result.status).toBe(400);
    expect(result.body.message).toContain('posts to QuickBooks Desktop');
  });

  it('answers 404 for an unknown entry', async () => {
    const result = await callGateway<{ message: string }>(
      stack.current,
      'POST',
      `${queuePath}/no-such-entry/retry`,
    );

    expect(result.status).toBe(404);
    expect(result.body.message).toContain('queue entry no-such-entry not found');
  });

  it('rejects replacing an order that was not edited', async () => {
    const result = await callGateway<{ message: string }>(
      stack.current,
      'POST',
      `/api/accounts/${account.accountId}/qbd/orders/shopify/${SAMPLE_ORDER_ID}/replace`,
    );

    expect(result.status).toBe(409);
    expect(result.body.message).toContain('no edited revision');
  });

  it('cancels the order so it never posts', async () => {
    const cancelled = await requestGateway<QbdQueueActionResult>(
      stack.current,
      'POST',
      `${queuePath}/${encodeURIComponent(salesReceiptId())}/cancel`,
    );
    const listed = await requestGateway<QbdQueuePage>(
      stack.current,
      'GET',
      `${queuePath}?state=cancelled`,
    );
    const companyUrl = `${stack.current.sandboxUrl}/qbwc-sandbox/companies/${randomUUID()}`;

    await requestSandbox(companyUrl, 'PUT', {});
    await requestSandbox(`${companyUrl}/sessions`, 'POST', {
      appUrl: `${qbd.url}/qbwc`,
      userName: pairing.userName,
      password: pairing.password,
      maxSessions: 10,
    });
    const company = await requestSandbox<{ transactions: Array<{ type: string }> }>(
      companyUrl,
      'GET',
    );
    const event = await waitFor(
      async () =>
        (await listSyncEvents(stack.current, account.accountId, { status: 'skipped' })).find(
          (candidate) => candidate.message.includes('removed from the QuickBooks Desktop queue'),
        ),
      { timeoutMs: 20_000, description: 'the cancel in the sync log' },
    );

    expect(cancelled.changed[0]).toEqual({ entryId: salesReceiptId(), state: 'cancelled' });
    expect(cancelled.changed.every((change) => change.state === 'cancelled')).toBe(true);
    expect(listed.entries.map((entry) => entry.entryId)).toContain(salesReceiptId());
    expect(company.transactions.filter((txn) => txn.type === 'SalesReceipt')).toHaveLength(0);
    expect(event.channelOrderId).toBe(String(SAMPLE_ORDER_ID));
  });
});
