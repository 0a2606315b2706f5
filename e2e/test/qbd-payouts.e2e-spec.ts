import { randomUUID } from 'node:crypto';

import { type Payout, type PayoutTransaction, type QbdConnectionStatus } from '@qbsync/contracts';
import { type RunningService } from '@qbsync/platform';
import { withInfrastructure } from '@qbsync/testing';
import { connect, type NatsConnection } from 'nats';

import { connectDesktopAccount, requestSandbox, startQbd } from './support/desktop';
import {
  type ConnectedAccount,
  waitForSyncEvent,
  waitForSyncEventMatching,
} from './support/gateway';
import {
  buildPayout,
  payoutTransaction,
  publishPayout,
  SAMPLE_ORDER_TOTAL,
} from './support/payouts';
import { deliverWebhook, orderWithId } from './support/shopify';
import { useStack } from './support/stack';

const infra = withInfrastructure();

const ORDER_IDS = [920001, 920002, 920003];

interface SandboxCompany {
  transactions: Array<{ type: string; total: string; memo?: string }>;
}

function charge(orderId: number): PayoutTransaction {
  return payoutTransaction({
    transactionId: `ch_${orderId}`,
    channelOrderId: String(orderId),
    gross: SAMPLE_ORDER_TOTAL,
    fee: 1767,
  });
}

/** Builds a payout of one charge for each of the test orders. */
function buildOrdersPayout(accountId: string, payoutId: string, amount?: number): Payout {
  return buildPayout(accountId, payoutId, ORDER_IDS.map(charge), amount);
}

describe('QuickBooks Desktop payout deposits', () => {
  const stack = useStack(infra);
  let nats: NatsConnection;
  let qbd: RunningService<object>;
  let account: ConnectedAccount;
  let pairing: QbdConnectionStatus;
  let companyUrl: string;
  let company: SandboxCompany;
  const payout = () => buildOrdersPayout(account.accountId, '80001');

  async function runSessions(): Promise<SandboxCompany> {
    await requestSandbox(`${companyUrl}/sessions`, 'POST', {
      appUrl: `${qbd.url}/qbwc`,
      userName: pairing.userName,
      password: pairing.password,
      maxSessions: 10,
    });

    return requestSandbox<SandboxCompany>(companyUrl, 'GET');
  }

  beforeAll(async () => {
    nats = await connect({ servers: infra.current.natsUrl });
    qbd = await startQbd(infra, 'qbsync-qbd-payouts');
    ({ account, pairing } = await connectDesktopAccount(stack.current, 'Desktop payout shop'));
    const { accountId } = account;

    companyUrl = `${stack.current.sandboxUrl}/qbwc-sandbox/companies/${randomUUID()}`;
    await requestSandbox(companyUrl, 'PUT', {});

    for (const id of ORDER_IDS) {
      await deliverWebhook(stack.current, account, orderWithId(id));
      await waitForSyncEvent(stack.current, accountId, String(id), 'received');
    }

    await publishPayout(nats, payout(), 'first');
    await waitForSyncEventMatching(
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
    const posted = await waitForSyncEventMatching(
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
    const unbalanced = buildOrdersPayout(account.accountId, '80002', payout().amount + 500);

    await publishPayout(nats, unbalanced, 'first');
    const failed = await waitForSyncEventMatching(
      stack.current,
      account.accountId,
      'the unbalanced payout failed',
      (event) => event.entityId === '80002' && event.status === 'failed',
    );

    expect(failed.message).toContain('a gap of 5.00');
    expect(failed.fix).toContain('re-sync');
  });
});
