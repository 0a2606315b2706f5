import { randomUUID } from 'node:crypto';

import { type QbdConnectionStatus } from '@qbsync/contracts';
import { type RunningService } from '@qbsync/platform';
import { waitFor, withInfrastructure } from '@qbsync/testing';

import { connectDesktopAccount, requestSandbox, startQbd } from './support/desktop';
import {
  type ConnectedAccount,
  listSyncEvents,
  requestGateway,
  waitForSyncEvent,
} from './support/gateway';
import { deliverWebhook, SAMPLE_ORDER_ID, sampleOrder } from './support/shopify';
import { useStack } from './support/stack';

const infra = withInfrastructure();

interface SandboxSession {
  authentication: string;
  messages: number;
  closed: boolean;
  lostToTimeBudget: boolean;
}

interface SandboxCompany {
  transactions: Array<{
    type: string;
    refNumber?: string;
    total: string;
    memo?: string;
    entityName?: string;
  }>;
}

describe('QuickBooks Desktop through the Web Connector', () => {
  const stack = useStack(infra);
  let qbd: RunningService<object>;
  let account: ConnectedAccount;
  let pairing: QbdConnectionStatus;
  let qwc: string;
  let appUrl: string;
  let companyUrl: string;

  beforeAll(async () => {
    qbd = await startQbd(infra, 'qbsync-qbd');
    ({ account, pairing } = await connectDesktopAccount(stack.current, 'Desktop shop', {
      appName: 'Desktop shop sync',
    }));
    const { accountId } = account;

    const download = await fetch(
      `${stack.current.gatewayUrl}/api/accounts/${accountId}/connections/quickbooks-desktop/qwc`,
      {
        headers: { Authorization: `Bearer ${stack.current.apiToken}` },
      },
    );

    qwc = await download.text();
    appUrl = /<AppURL>([^<]+)<\/AppURL>/.exec(qwc)?.[1] ?? '';
    companyUrl = `${stack.current.sandboxUrl}/qbwc-sandbox/companies/${randomUUID()}`;
    await requestSandbox(companyUrl, 'PUT', {});
  }, 120_000);

  afterAll(async () => {
    await qbd?.stop();
  }, 60_000);

  it('pairs with a user, a one-time password and a .qwc file', () => {
    expect(pairing.userName).toMatch(/^qbsync-[0-9a-f]{12}$/);
    expect(pairing.password).toHaveLength(24);
    expect(qwc).toContain(`<UserName>${pairing.userName}</UserName>`);
    expect(qwc).toContain(`<OwnerID>${pairing.ownerId}</OwnerID>`);
    expect(qwc).toContain(`<FileID>${pairing.fileId}</FileID>`);
    expect(qwc).toContain('<QBType>QBFS</QBType>');
    expect(qwc).toContain('<RunEveryNMinutes>1</RunEveryNMinutes>');
    expect(qwc).not.toContain(pairing.password!);
    expect(appUrl).toBe(`${qbd.url}/qbwc`);
  });

  it("lists the company file among the account's connections", async () => {
    const connections = await requestGateway<Array<{ kind: string; connectionId: string }>>(
      stack.current,
      'GET',
      `/api/accounts/${account.accountId}/connections`,
    );

    expect(connections).toContainEqual(
      expect.objectContaining({ kind: 'qbd', connectionId: pairing.connectionId }),
    );
  });

  it('posts a Shopify order once, however often the webhook arrives', async () => {
    const order = sampleOrder();

    await deliverWebhook(stack.current, account, order);
    await deliverWebhook(stack.current, account, order);
    await waitForSyncEvent(stack.current, account.accountId, String(SAMPLE_ORDER_ID), 'received');

    const sessions = await requestSandbox<SandboxSession[]>(`${companyUrl}/sessions`, 'POST', {
      appUrl,
      userName: pairing.userName,
      password: pairing.password,
      maxSessions: 10,
    });

    await waitForSyncEvent(stack.current, account.accountId, String(SAMPLE_ORDER_ID), 'posted');
    const events = await listSyncEvents(stack.current, account.accountId, { status: 'posted' });
    const posted = events.find((event) => event.documentKind === 'sales_receipt')!;
    const company = await requestSandbox<SandboxCompany>(companyUrl, 'GET');
    const receipts = company.transactions.filter((txn) => txn.type === 'SalesReceipt');

    expect(receipts).toHaveLength(1);
    expect(receipts[0]?.total).toBe('598.94');
    expect(receipts[0]?.refNumber).toBe('1001');
    expect(receipts[0]?.memo).toContain(String(SAMPLE_ORDER_ID));
    expect(posted.stage).toBe('qbd');
    expect(posted.documentTotal).toBe(59894);
    expect(sessions.at(-1)?.authentication).toBe('none');
    expect(sessions.every((session) => !session.lostToTimeBudget)).toBe(true);
  });

  it("posts the sample order's partial refund as a credit memo and a card refund", async () => {
    // The refund waits in qbd until its sale is queued, so it may need sessions of its own.
    const company = await waitFor(
      async () => {
        await requestSandbox<SandboxSession[]>(`${companyUrl}/sessions`, 'POST', {
          appUrl,
          userName: pairing.userName,
          password: pairing.password,
          maxSessions: 2,
        });
        const current = await requestSandbox<SandboxCompany>(companyUrl, 'GET');

        return current.transactions.some((txn) => txn.type === 'ARRefundCreditCard')
          ? current
          : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, description: 'the refund in the company file' },
    );
    const creditMemos = company.transactions.filter((txn) => txn.type === 'CreditMemo');
    const cardRefunds = company.transactions.filter((txn) => txn.type === 'ARRefundCreditCard');

    expect(creditMemos.map((txn) => txn.total)).toEqual(['209.00']);
    expect(cardRefunds.map((txn) => txn.total)).toEqual(['209.00']);
    expect(creditMemos[0]?.entityName).toBe(
      company.transactions.find((txn) => txn.type === 'SalesReceipt')?.entityName,
    );
  });

  it('rejects the old password after a new one is issued', async () => {
    const renewed = await requestGateway<QbdConnectionStatus>(
      stack.current,
      'POST',
      `/api/accounts/${account.accountId}/connections/quickbooks-desktop/password`,
    );
    const [withOld] = await requestSandbox<SandboxSession[]>(`${companyUrl}/sessions`, 'POST', {
      appUrl,
      userName: pairing.userName,
      password: pairing.password,
    });
    const [withNew] = await requestSandbox<SandboxSession[]>(`${companyUrl}/sessions`, 'POST', {
      appUrl,
      userName: renewed.userName,
      password: renewed.password,
    });

    expect(renewed.password).not.toBe(pairing.password);
    expect(withOld?.authentication).toBe('nvu');
    expect(withNew?.authentication).not.toBe('nvu');
  });

  it('lists the company file connected after a session', async () => {
    const connections = await requestGateway<Array<{ kind: string; status: string }>>(
      stack.current,
      'GET',
      `/api/accounts/${account.accountId}/connections`,
    );

    expect(connections.filter((connection) => connection.kind === 'qbd')).toEqual([
      expect.objectContaining({ status: 'connected' }),
    ]);
  });

  it('keeps one connection when paired again', async () => {
    const again = await requestGateway<QbdConnectionStatus>(
      stack.current,
      'POST',
      `/api/accounts/${account.accountId}/connections/quickbooks-desktop`,
      {},
    );
    const connections = await requestGateway<Array<{ kind: string; connectionId: string }>>(
      stack.current,
      'GET',
      `/api/accounts/${account.accountId}/connections`,
    );

    expect(again.connectionId).toBe(pairing.connectionId);
    expect(connections.filter((connection) => connection.kind === 'qbd')).toHaveLength(1);
  });

  it('refuses Desktop pairing for an account that posts to QuickBooks Online', async () => {
    const { accountId } = await requestGateway<{ accountId: string }>(
      stack.current,
      'POST',
      '/api/accounts',
      {
        name: 'Online shop',
      },
    );
    const response = await fetch(
      `${stack.current.gatewayUrl}/api/accounts/${accountId}/connections/quickbooks-desktop`,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${stack.current.apiToken}`,
          'Content-Type': 'application/json',
        },
        body: '{}',
      },
    );
    const events = await listSyncEvents(stack.current, account.accountId, { status: 'failed' });

    expect(response.status).toBe(400);
    expect(events).toHaveLength(0);
  });
});
