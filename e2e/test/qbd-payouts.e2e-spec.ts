import { randomUUID } from 'node:crypto';

import {
  type Payout,
  type PayoutTransaction,
  type QbdConnectionStatus,
  Subjects,
} from '@qbsync/contracts';
import { type RunningService, startService } from '@qbsync/platform';
import { qbdService } from '@qbsync/qbd';
import { freePort, waitFor, withInfrastructure } from '@qbsync/testing';
import { connect, JSONCodec, type NatsConnection } from 'nats';

import {
  type ConnectedAccount,
  listSyncEvents,
  type LoggedSyncEvent,
  requestGateway,
  SHOP_DOMAIN,
  waitForSyncEvent,
  WEBHOOK_SECRET,
} from './support/gateway';
import { deliverWebhook, orderWithId } from './support/shopify';
import { type Stack, useStack } from './support/stack';

const infra = withInfrastructure();

/** The Shopify sample order's total, 598.94, which each of the payout's orders repeats. */
const SAMPLE_TOTAL = 59894;
const ORDER_IDS = [920001, 920002, 920003];

interface SandboxCompany {
  transactions: Array<{ type: string; total: string; memo?: string }>;
}

async function sandbox<T>(url: string, method: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

  if (!response.ok) {
    throw new Error(`${method} ${url} returned ${response.status}: ${await response.text()}`);
  }

  return (await response.json()) as T;
}

function charge(orderId: number): PayoutTransaction {
  return {
    transactionId: `ch_${orderId}`,
    type: 'charge',
    channelOrderId: String(orderId),
    gross: SAMPLE_TOTAL,
    fee: 1767,
    net: SAMPLE_TOTAL - 1767,
  };
}

function buildPayout(accountId: string, payoutId: string, amount?: number): Payout {
  const transactions = ORDER_IDS.map(charge);

  return {
    schemaVersion: 1,
    accountId,
    connectionId: 'shopify-payments',
    channel: 'shopify',
    payoutId,
    status: 'paid',
    date: '2008-01-14',
    currency: 'USD',
    amount: amount ?? transactions.reduce((sum, entry) => sum + entry.net, 0),
    transactions,
    source: {
      kind: 'poll',
      receivedAt: '2008-01-14T10:00:00Z',
      rawRef: `shopify:payout:${payoutId}`,
    },
  };
}

/** Publishes the payout as the Shopify connector does; the rules service routes it to qbd. */
async function publishPayout(nats: NatsConnection, payout: Payout, delivery: string) {
  await nats.jetstream().publish(Subjects.PayoutReceived, JSONCodec().encode(payout), {
    msgID: `payout:${payout.accountId}:${payout.payoutId}:${delivery}`,
  });
}

async function waitForEvent(
  stack: Stack,
  accountId: string,
  description: string,
  match: (event: LoggedSyncEvent) => boolean,
): Promise<LoggedSyncEvent> {
  return waitFor(async () => (await listSyncEvents(stack, accountId)).find(match), {
    timeoutMs: 30_000,
    intervalMs: 200,
    description,
  });
}

describe('QuickBooks Desktop payout deposits', () => {
  const stack = useStack(infra);
  let nats: NatsConnection;
  let qbd: RunningService<object>;
  let account: ConnectedAccount;
  let pairing: QbdConnectionStatus;
  let companyUrl: string;
  let company: SandboxCompany;
  const payout = () => buildPayout(account.accountId, '80001');

  async function runSessions(): Promise<SandboxCompany> {
    await sandbox(`${companyUrl}/sessions`, 'POST', {
      appUrl: `${qbd.url}/qbwc`,
      userName: pairing.userName,
      password: pairing.password,
      maxSessions: 10,
    });

    return sandbox<SandboxCompany>(companyUrl, 'GET');
  }

  beforeAll(async () => {
    nats = await connect({ servers: infra.current.natsUrl });
    const port = await freePort();
    const mongo = new URL(infra.current.mongoUri);

    mongo.pathname = '/qbsync-qbd-payouts';
    qbd = await startService(qbdService, {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'error',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      NATS_URL: infra.current.natsUrl,
      MONGODB_URI: mongo.toString(),
      QBD_PUBLIC_URL: `http://127.0.0.1:${port}`,
    });

    const { accountId } = await requestGateway<{ accountId: string }>(
      stack.current,
      'POST',
      '/api/accounts',
      { name: 'Desktop payout shop', target: 'qbd' },
    );

    await requestGateway(stack.current, 'POST', `/api/accounts/${accountId}/connections/shopify`, {
      shopDomain: SHOP_DOMAIN,
      webhookSecret: WEBHOOK_SECRET,
    });
    account = { accountId, shopDomain: SHOP_DOMAIN, webhookSecret: WEBHOOK_SECRET, realmId: '' };
    pairing = await requestGateway<QbdConnectionStatus>(
      stack.current,
      'POST',
      `/api/accounts/${accountId}/connections/quickbooks-desktop`,
      {},
    );
    companyUrl = `${stack.current.sandboxUrl}/qbwc-sandbox/companies/${randomUUID()}`;
    await sandbox(companyUrl, 'PUT', {});

    for (const id of ORDER_IDS) {
      await deliverWebhook(stack.current, account, orderWithId(id));
      await waitForSyncEvent(stack.current, accountId, String(id), 'received');
    }

    await publishPayout(nats, payout(), 'first');
    await waitForEvent(
      stack.current,
      accountId,
      'the payout queued as a deposit',
      (event) => event.entityId === '80001' && event.status === 'received',
    );
    company = await runSessions();
  }, 180_000);

  afterAll(async () => {
    await nats?.drain();
    await qbd?.stop();
  }, 60_000);

  it('posts three sales receipts', () => {
    const receipts = company.transactions.filter((txn) => txn.type === 'SalesReceipt');

    expect(receipts.map((receipt) => receipt.total)).toEqual(['598.94', '598.94', '598.94']);
  });

  it('posts one deposit equal to the payout', () => {
    const deposits = company.transactions.filter((txn) => txn.type === 'Deposit');

    expect(deposits).toHaveLength(1);
    expect(deposits[0]?.total).toBe((payout().amount / 100).toFixed(2));
    expect(deposits[0]?.memo).toBe('Payout 80001 from shopify');
  });

  it('logs the posted deposit', async () => {
    const posted = await waitForEvent(
      stack.current,
      account.accountId,
      'the posted deposit',
      (event) => event.entityId === '80001' && event.status === 'posted',
    );

    expect(posted.entity).toBe('payout');
    expect(posted.documentTotal).toBe(payout().amount);
  });

  it('queues nothing for a redelivered payout', async () => {
    await publishPayout(nats, payout(), 'second');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const after = await runSessions();

    expect(after.transactions.filter((txn) => txn.type === 'Deposit')).toHaveLength(1);
  });

  it('fails an unbalanced payout naming the gap', async () => {
    const unbalanced = buildPayout(account.accountId, '80002', payout().amount + 500);

    await publishPayout(nats, unbalanced, 'first');
    const failed = await waitForEvent(
      stack.current,
      account.accountId,
      'the unbalanced payout failed',
      (event) => event.entityId === '80002' && event.status === 'failed',
    );

    expect(failed.message).toContain('a gap of 5.00');
    expect(failed.fix).toContain('re-sync');
  });
});
