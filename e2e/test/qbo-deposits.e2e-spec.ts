import {
  type Order,
  type OrderReady,
  type Payout,
  type PayoutReady,
  type PayoutTransaction,
  type QboPostingSettingsInput,
  type RefundReady,
  Subjects,
} from '@qbsync/contracts';
import { CompanyListsService } from '@qbsync/qbo/dist/lists/company-lists.service';
import { OrderArchiveRepository } from '@qbsync/qbo/dist/posting/order-archive.repository';
import { buildSampleShopifyOrder, buildSampleShopifyRefund } from '@qbsync/testing/dist/orders';
import { waitFor, withInfrastructure } from '@qbsync/testing';
import { connect, JSONCodec, type NatsConnection } from 'nats';

import {
  type ConnectedAccount,
  connectAccount,
  listSyncEvents,
  type LoggedSyncEvent,
  requestGateway,
  waitForSyncEvent,
  waitForSyncEventMatching,
} from './support/gateway';
import {
  type AuditSession,
  injectFault,
  openAuditSession,
  query,
  queuedFaults,
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

/** The Shopify sample refund's total, 209.00. */
const REFUND_TOTAL = 20900;
const FEE = 1767;

interface QboDepositLine {
  Amount: number;
  Description?: string;
  LinkedTxn?: Array<{ TxnId: string; TxnType: string }>;
  DepositLineDetail?: {
    AccountRef?: { value: string; name?: string };
    Entity?: { value: string; name?: string };
  };
}

interface QboDeposit {
  Id: string;
  TotalAmt: number;
  TxnDate: string;
  PrivateNote?: string;
  DepositToAccountRef: { value: string; name?: string };
  Line: QboDepositLine[];
}

function charge(orderId: string): PayoutTransaction {
  return payoutTransaction({
    transactionId: `ch_${orderId}`,
    channelOrderId: orderId,
    gross: SAMPLE_ORDER_TOTAL,
    fee: FEE,
  });
}

/** Publishes a routed payout with `force`, as a re-sync that forces the deposit does. */
async function publishForcedPayout(nats: NatsConnection, payout: Payout) {
  const ready: PayoutReady = { payout, target: 'qbo', force: true };

  await nats.jetstream().publish(Subjects.PayoutReadyForQbo, JSONCodec().encode(ready), {
    msgID: `payout-ready:${payout.accountId}:${payout.payoutId}:forced`,
  });
}

/** Creates an account in the sandbox company, as a user would in QuickBooks. */
async function createAccount(session: AuditSession, name: string, type: string): Promise<string> {
  const url = new URL(`/v3/company/${session.realmId}/account`, session.sandboxUrl);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${session.accessToken}`,
      Accept: 'application/json',
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ Name: name, AccountType: type }),
  });

  if (!response.ok) {
    throw new Error(
      `Creating account ${name} returned ${response.status}: ${await response.text()}`,
    );
  }

  return ((await response.json()) as { Account: { Id: string } }).Account.Id;
}

async function putSettings(stack: Stack, accountId: string, settings: QboPostingSettingsInput) {
  await requestGateway(
    stack,
    'PUT',
    `/api/accounts/${accountId}/connections/quickbooks-online/settings`,
    settings,
  );
}

async function waitForDepositEvent(
  stack: Stack,
  accountId: string,
  description: string,
  match: (event: LoggedSyncEvent) => boolean,
): Promise<LoggedSyncEvent> {
  return waitForSyncEventMatching(
    stack,
    accountId,
    description,
    (event) => event.documentKind === 'deposit' && match(event),
  );
}

describe('QuickBooks Online deposit match', () => {
  const stack = useStack(infra);
  const orderIds = ['930001', '930002', '930003'];
  let nats: NatsConnection;
  let account: ConnectedAccount;
  let audit: AuditSession;

  async function depositsOf(payoutId: string): Promise<QboDeposit[]> {
    const all = await query<QboDeposit>(audit, 'Deposit', 'select * from Deposit');

    return all.filter((deposit) => deposit.PrivateNote === `shopify payout ${payoutId} deposit`);
  }

  /** Publishes a payout of one charge for the order, and waits for its deposit to reach `status`. */
  async function publishOrderPayout(
    accountId: string,
    payoutId: string,
    orderId: string,
    status: 'posted' | 'failed',
    description: string,
  ): Promise<LoggedSyncEvent> {
    await publishPayout(nats, buildPayout(accountId, payoutId, [charge(orderId)]), 'first');

    return waitForDepositEvent(
      stack.current,
      accountId,
      description,
      (event) => event.entityId === payoutId && event.status === status,
    );
  }

  beforeAll(async () => {
    nats = await connect({ servers: infra.current.natsUrl });
    account = await connectAccount(stack.current, { name: 'Deposit shop' });
    audit = await openAuditSession(stack.current, account.realmId);
    await createAccount(audit, 'Merchant Fees', 'Expense');
    await createAccount(audit, 'Payout Clearing', 'Other Current Asset');
    // The lists loaded when the company connected, before these accounts existed.
    await stack.current.services.qbo.app
      .get(CompanyListsService)
      .get(account.accountId, { refresh: true });
    await putSettings(stack.current, account.accountId, { depositMatch: { enabled: true } });

    for (const id of orderIds) {
      await deliverWebhook(stack.current, account, orderWithId(Number(id)));
      await waitForSyncEvent(stack.current, account.accountId, id, 'posted');
    }
  }, 120_000);

  afterAll(async () => {
    await nats?.drain();
  });

  describe('a payout of three orders and a refund', () => {
    let deposit: QboDeposit | undefined;
    let amount: number;

    /** Builds payout 80001: a charge for each order, and the refund of the first order. */
    function payoutWithRefund(): Payout {
      return buildPayout(account.accountId, '80001', [
        ...orderIds.map(charge),
        payoutTransaction({
          transactionId: 're_1',
          type: 'refund',
          channelOrderId: orderIds[0],
          sourceId: 're-930001',
          gross: -REFUND_TOTAL,
          fee: -300,
        }),
      ]);
    }

    beforeAll(async () => {
      const refund: RefundReady = {
        refund: {
          ...buildSampleShopifyRefund(),
          accountId: account.accountId,
          channelOrderId: orderIds[0]!,
          channelRefundId: 're-930001',
        },
        target: 'qbo',
        ruleSetVersion: 0,
        appliedRules: [],
      };

      await nats.jetstream().publish(Subjects.RefundReadyForQbo, JSONCodec().encode(refund), {
        msgID: `refund:${account.accountId}:re-930001`,
      });
      await waitForSyncEventMatching(
        stack.current,
        account.accountId,
        'the refund posted',
        (event) => event.entityId === 're-930001' && event.status === 'posted',
      );

      const payout = payoutWithRefund();

      amount = payout.amount;
      await publishPayout(nats, payout, 'first');
      await waitForDepositEvent(
        stack.current,
        account.accountId,
        'the deposit posted',
        (event) => event.entityId === '80001' && event.status === 'posted',
      );
      [deposit] = await depositsOf('80001');
    }, 120_000);

    it('posts one deposit equal to the payout', () => {
      expect(deposit?.TotalAmt).toBe(amount / 100);
    });

    it('deposits to the bank account', () => {
      expect(deposit?.DepositToAccountRef.name).toBe('Checking');
      expect(deposit?.TxnDate).toBe('2008-01-14');
    });

    it('links the three sales receipts', () => {
      const receipts = deposit?.Line.filter(
        (line) => line.LinkedTxn?.[0]?.TxnType === 'SalesReceipt',
      );

      expect(receipts).toHaveLength(3);
      expect(receipts?.every((line) => line.Amount === SAMPLE_ORDER_TOTAL / 100)).toBe(true);
    });

    it('links the refund receipt as negative', () => {
      const refunds = deposit?.Line.filter(
        (line) => line.LinkedTxn?.[0]?.TxnType === 'RefundReceipt',
      );

      expect(refunds).toHaveLength(1);
      expect(refunds?.[0]?.Amount).toBe(-REFUND_TOTAL / 100);
    });

    it('nets the fees on one line', () => {
      const fees = deposit?.Line.filter(
        (line) => line.DepositLineDetail?.AccountRef?.name === 'Merchant Fees',
      );

      expect(fees).toHaveLength(1);
      expect(fees?.[0]?.Amount).toBe(-(3 * FEE - 300) / 100);
    });

    it('posts nothing on a redelivery', async () => {
      const payout = payoutWithRefund();

      await publishPayout(nats, payout, 'again');
      const skipped = await waitForDepositEvent(
        stack.current,
        account.accountId,
        'the redelivery skipped',
        (event) => event.entityId === '80001' && event.status === 'skipped',
      );

      expect(skipped.message).toContain('already posted as deposit');
      expect(await depositsOf('80001')).toHaveLength(1);
    }, 60_000);
  });

  describe('a payout naming an unposted order', () => {
    let deposit: QboDeposit | undefined;
    let receiptIds: string[];

    beforeAll(async () => {
      const order: Order = {
        ...buildSampleShopifyOrder(),
        accountId: account.accountId,
        channelOrderId: '930010',
        orderNumber: '#9310',
      };
      const ready: OrderReady = {
        order,
        target: 'qbo',
        documentKind: 'sales_receipt',
        ruleSetVersion: 0,
        appliedRules: [],
      };

      // The order reached the service but has not posted yet, as when its message still waits.
      await stack.current.services.qbo.app.get(OrderArchiveRepository).save(ready);
      await publishOrderPayout(
        account.accountId,
        '80002',
        '930010',
        'posted',
        'the deposit of the unposted order posted',
      );
      [deposit] = await depositsOf('80002');
      receiptIds = (
        await query<{ Id: string; PrivateNote?: string }>(
          audit,
          'SalesReceipt',
          'select * from SalesReceipt',
        )
      )
        .filter((receipt) => receipt.PrivateNote?.includes('shopify order 930010 ('))
        .map((receipt) => receipt.Id);
    }, 120_000);

    it('posts the order first', () => {
      expect(receiptIds).toHaveLength(1);
    });

    it('links the new sales receipt', () => {
      expect(deposit?.Line[0]?.LinkedTxn?.[0]?.TxnId).toBe(receiptIds[0]);
      expect(deposit?.TotalAmt).toBe((SAMPLE_ORDER_TOTAL - FEE) / 100);
    });
  });

  describe('a deposit whose write went unanswered', () => {
    it('finds the landed deposit on retry', async () => {
      await deliverWebhook(stack.current, account, orderWithId(930004));
      await waitForSyncEvent(stack.current, account.accountId, '930004', 'posted');
      await injectFault(stack.current, account.realmId, {
        match: { method: 'POST', entity: 'deposit' },
        status: 500,
        message: 'Internal Server Error',
        afterCommit: true,
      });
      const posted = await publishOrderPayout(
        account.accountId,
        '80004',
        '930004',
        'posted',
        'the deposit posted after the unanswered write',
      );
      const landed = await depositsOf('80004');

      expect(await queuedFaults(stack.current, account.realmId)).toHaveLength(0);
      expect(landed).toHaveLength(1);
      expect(posted.documentId).toBe(landed[0]?.Id);
      expect(landed[0]?.TotalAmt).toBe((SAMPLE_ORDER_TOTAL - FEE) / 100);
    }, 60_000);
  });

  describe('an unmatched payout', () => {
    const unmatched = charge('939999');
    let failed: LoggedSyncEvent;

    beforeAll(async () => {
      // Order 939999 never reached the service, and no document in QuickBooks names it.
      await publishPayout(nats, buildPayout(account.accountId, '80003', [unmatched]), 'first');
      failed = await waitForDepositEvent(
        stack.current,
        account.accountId,
        'the unmatched payout failed',
        (event) => event.entityId === '80003' && event.status === 'failed',
      );
    }, 60_000);

    it('fails naming the transaction and the gap', () => {
      expect(failed.message).toContain(
        'charge ch_939999 (order 939999) of 598.94 USD is unmatched',
      );
      expect(failed.message).toContain('a gap of 598.94 USD');
    });

    it('posts no deposit', async () => {
      expect(await depositsOf('80003')).toHaveLength(0);
    });

    it('posts the rest to clearing when forced', async () => {
      const payout = buildPayout(account.accountId, '80003', [unmatched]);

      await publishForcedPayout(nats, payout);
      await waitForDepositEvent(
        stack.current,
        account.accountId,
        'the forced deposit posted',
        (event) => event.entityId === '80003' && event.status === 'posted',
      );
      const [deposit] = await depositsOf('80003');
      const clearing = deposit?.Line.find(
        (line) => line.DepositLineDetail?.AccountRef?.name === 'Payout Clearing',
      );

      expect(deposit?.TotalAmt).toBe(payout.amount / 100);
      expect(clearing?.Amount).toBe(SAMPLE_ORDER_TOTAL / 100);
      expect(deposit?.Line.some((line) => line.LinkedTxn)).toBe(false);
    }, 60_000);
  });

  describe('a fee account of the wrong type', () => {
    it('fails naming the setting', async () => {
      await putSettings(stack.current, account.accountId, {
        depositMatch: { enabled: true, feeAccount: 'Checking' },
      });
      await deliverWebhook(stack.current, account, orderWithId(930005));
      await waitForSyncEvent(stack.current, account.accountId, '930005', 'posted');
      const failed = await publishOrderPayout(
        account.accountId,
        '80005',
        '930005',
        'failed',
        'the deposit with a bank fee account failed',
      );

      expect(failed.message).toContain(
        'Payout 80005 was not deposited: The depositMatch.feeAccount "Checking" is a Bank account',
      );
      expect(failed.fix).toContain('Set depositMatch.feeAccount to an account of type Expense');
      expect(await depositsOf('80005')).toHaveLength(0);
    }, 60_000);
  });

  describe('invoices with payments', () => {
    it('deposits the payment of the invoice', async () => {
      // A second account on the same sandbox company, so the accounts created above exist.
      const invoicing = await connectAccount(stack.current, { name: 'Invoicing deposit shop' });

      await putSettings(stack.current, invoicing.accountId, {
        transactionMode: 'invoice_with_payment',
        depositMatch: { enabled: true },
      });
      await deliverWebhook(stack.current, invoicing, orderWithId(930020));
      await waitFor(
        async () =>
          (await listSyncEvents(stack.current, invoicing.accountId, { orderId: '930020' })).find(
            (event) => event.documentKind === 'payment' && event.status === 'posted',
          ),
        { timeoutMs: 30_000, intervalMs: 200, description: 'the payment of order 930020 posted' },
      );
      await publishOrderPayout(
        invoicing.accountId,
        '80020',
        '930020',
        'posted',
        'the deposit of the payment posted',
      );
      const [deposit] = await depositsOf('80020');

      expect(deposit?.Line[0]?.LinkedTxn?.[0]?.TxnType).toBe('Payment');
      expect(deposit?.TotalAmt).toBe((SAMPLE_ORDER_TOTAL - FEE) / 100);
    }, 90_000);
  });
});
